"""The settings' `cursor_blink` for every text cursor (tests turn it off for stable snapshots)."""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Input, TextArea


def apply_cursor_blink(root: Widget) -> None:
    """Set `cursor_blink` from the app's settings on the inputs and text areas under `root`."""
    settings = getattr(root.app, "settings", None)
    blink = getattr(settings, "cursor_blink", True)
    for widget in root.query("Input, TextArea"):
        if isinstance(widget, (Input, TextArea)):
            widget.cursor_blink = blink
