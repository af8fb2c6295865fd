"""`workbench schema`: the JSON Schema (draft 2020-12) of the agent frontmatter, for editors."""

from __future__ import annotations

import argparse
import json
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`workbench schema` takes no arguments; the schema comes from the field table."""


def run(args: argparse.Namespace) -> int:
    """Print the schema as indented JSON on stdout."""
    from workbench.agents.schema import frontmatter_schema

    sys.stdout.write(json.dumps(frontmatter_schema(), indent=2, ensure_ascii=False) + "\n")
    return 0
