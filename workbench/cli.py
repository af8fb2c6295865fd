"""The `workbench` command: the app, and its sub-commands.

Each sub-command lives in `workbench/commands/<name>.py` with `add_arguments(parser)` and
`run(args) -> int`. Those modules are imported only when their sub-command runs, so `workbench lint`
never pays for Textual and `workbench` never pays for the Anthropic SDK.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from workbench import __version__

# name -> (module, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "lint": ("workbench.commands.lint", "check agent files against the rule table"),
    "schema": ("workbench.commands.schema", "print a JSON Schema of the agent frontmatter"),
    "run": ("workbench.commands.run", "run an agent headless against the Anthropic API"),
    "transcript": ("workbench.commands.transcript", "show, export or total a transcript"),
    "test": ("workbench.commands.test", "run agent test suites (.claude/agent-tests/*.yaml)"),
}


def _build_parser(argv: list[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="A terminal IDE for Claude Code subagents. With no sub-command, opens the app "
        "on the given folders and files (by default the project's .claude/agents, "
        "~/.claude/agents and the bundled examples).",
    )
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = next((a for a in argv if not a.startswith("-")), None)
    for name, (module, help_text) in SUBCOMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text)
        # Only the chosen sub-command's module is imported to build its arguments.
        if name == wanted:
            importlib.import_module(module).add_arguments(sp)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `workbench` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    first = next((a for a in argv if not a.startswith("-")), None)
    if first not in SUBCOMMANDS and not any(a in ("-h", "--help", "--version") for a in argv[:1]):
        return _run_app(argv)
    parser = _build_parser(argv)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    module = importlib.import_module(SUBCOMMANDS[args.command][0])
    try:
        return int(module.run(args) or 0)
    except KeyboardInterrupt:
        print("workbench: interrupted", file=sys.stderr)
        return 130


def _run_app(argv: list[str]) -> int:
    module = importlib.import_module("workbench.commands.app")
    parser = argparse.ArgumentParser(prog="workbench")
    module.add_arguments(parser)
    return int(module.run(parser.parse_args(argv)) or 0)


if __name__ == "__main__":
    sys.exit(main())
