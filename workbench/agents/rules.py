"""`validate(document, context)`: every single-file rule of rules.md over one parsed document.

The cross-file rules AG190–AG192 are in `RULES` too; the catalog computes them, with
`description_tokens` for the budget of AG192.
"""

from __future__ import annotations

from typing import NamedTuple

from .diagnostics import Diagnostic
from .document import AgentDocument
from .field_rules import check_body, check_description, check_keys, check_name, check_values
from .ruletable import RULES, Report, Rule
from .structure_rules import check_keys_and_scalars, check_structure
from .tool_rules import check_tools

__all__ = [
    "DESCRIPTION_BUDGET_TOKENS",
    "RULES",
    "Rule",
    "ValidationContext",
    "description_tokens",
    "validate",
]

# Claude Code warns when one scope's descriptions total more than this (AG192).
DESCRIPTION_BUDGET_TOKENS = 15_000


class ValidationContext(NamedTuple):
    """What one file cannot tell about itself. `in_plugin=None` means: look for a
    `.claude-plugin/plugin.json` in the file's ancestor folders (needs `document.path`)."""

    in_plugin: bool | None = None


def validate(document: AgentDocument, context: ValidationContext | None = None) -> list[Diagnostic]:
    """Every single-file rule over `document`, sorted by position then code."""
    report = Report(document)
    check_structure(report)
    if document.fields is not None:
        check_keys_and_scalars(report)
        check_keys(report)
        check_name(report, context)
        check_description(report)
        check_tools(report)
        check_values(report, context)
        check_body(report)
    items = report.items
    if len(items) > 1:
        items.sort(key=_position)
    return items


def _position(diagnostic: Diagnostic) -> tuple[int, int, str]:
    return diagnostic.start, diagnostic.end, diagnostic.code


def description_tokens(document: AgentDocument) -> int:
    """The description's size in tokens as Claude Code estimates it (characters / 4, after the
    `\\n` rule); 0 when there is no readable description."""
    text = document.description
    return len(text) // 4 if text else 0
