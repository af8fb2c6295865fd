"""The settings' `cursor_blink` for every text cursor (tests turn it off for stable snapshots)."""

from __future__ import annotations

from textual.widget import Widget


def apply_cursor_blink(root: Widget) -> None:
    """Set `cursor_blink` from the app's settings on the inputs and text areas under `root`.

    Selected by type name, so importing this module loads neither widget: TextArea brings
    tree-sitter, which the sidebar (the first frame) does not need."""
    settings = getattr(root.app, "settings", None)
    blink = getattr(settings, "cursor_blink", True)
    for widget in root.query("Input, TextArea"):
        if hasattr(widget, "cursor_blink"):
            widget.cursor_blink = blink  # type: ignore[attr-defined]
