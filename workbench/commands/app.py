"""`workbench [PATH ...]`: open the app. A folder adds a scope; a file adds its folder and opens it.

Textual is imported only here, after the arguments are checked, and the Anthropic SDK never is.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", help="agent folders or files to open")
    # For benchmarks and smoke tests: exit after the first frame, or once the agents are shown.
    parser.add_argument("--exit-after-first-frame", action="store_const", const="first-frame",
                        dest="exit_after", help=argparse.SUPPRESS)
    parser.add_argument("--exit-after-load", action="store_const", const="loaded",
                        dest="exit_after", help=argparse.SUPPRESS)


def resolve_paths(paths: list[str]) -> tuple[list[Path], Path | None, list[str]]:
    """(extra scope folders, the file to open, problems) from the command-line paths."""
    folders: list[Path] = []
    open_path: Path | None = None
    problems: list[str] = []
    for raw in paths:
        path = Path(raw).expanduser().absolute()
        if path.is_dir():
            folders.append(path)
        elif path.is_file():
            folders.append(path.parent)
            open_path = open_path or path
        else:
            problems.append(f"workbench: {raw}: no such file or folder")
    unique = list(dict.fromkeys(folders))
    return unique, open_path, problems


def run(args: argparse.Namespace) -> int:
    folders, open_path, problems = resolve_paths(args.paths)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 2
    from workbench.agents.catalog import default_scopes
    from workbench.ui.app import WorkbenchApp

    app = WorkbenchApp(default_scopes(extra=folders), open_path=open_path,
                       exit_after=args.exit_after)
    # What start-up imported and built lives as long as the app: out of the collector's reach, a
    # full collection before the first frame (about 100M instructions, when the allocations of
    # start-up happen to trigger one) walks only what is new.
    gc.freeze()
    app.run()
    return int(app.return_code or 0)
