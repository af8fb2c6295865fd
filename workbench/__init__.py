"""workbench: a terminal IDE for Claude Code subagents."""

__version__ = "0.1.0"
