"""Fallback values of the theme variables the chat widgets colour with.

The app's themes define these; an app that hosts the chat widgets without those themes (a test
harness, a benchmark) returns `TOOL_PALETTE_DEFAULTS` from `App.get_theme_variable_defaults`, so the
widgets' CSS parses everywhere.
"""

from __future__ import annotations

TOOL_PALETTE_DEFAULTS: dict[str, str] = {
    "tool-read": "#5fafd7",
    "tool-edit": "#d7af5f",
    "tool-execute": "#d75f87",
    "tool-web": "#5fd7af",
    "tool-agent": "#af87d7",
    "tool-mcp": "#87afaf",
    "tool-other": "#a8a8a8",
    "diag-error": "#e05252",
    "diag-warning": "#e0a040",
    "diag-info": "#5fafd7",
}
