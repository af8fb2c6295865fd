"""`workbench [PATH ...]`: the app. It arrives with the app issue; until then this says so."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", help="agent folders or files to open")


def run(args: argparse.Namespace) -> int:
    print(
        "workbench: the app is coming; for now use `workbench lint`, `workbench schema`, "
        "`workbench --help`.",
        file=sys.stderr,
    )
    return 0
