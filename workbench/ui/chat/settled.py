"""Widgets whose size is settled by layout alone: laying them out asks for no second layout.

Textual's `virtual_size` is a layout reactive. The layout that first sizes a widget sets it, and
that asks for another full layout of the screen, with every size measured again. In the transcript
viewer that second layout followed every batch mounted ahead of the reader (about 20 ms each, a key
pressed then waited for it). A widget that never scrolls uses `virtual_size` for nothing else, so
these widgets declare it without the layout: the first layout is the only one.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Static


def settled_size() -> Reactive[Size]:
    """A `virtual_size` to declare on a widget that does not scroll (see the module's note)."""
    return Reactive(Size(0, 0), layout=False, repaint=False)


class SettledStatic(Static):
    """A Static whose first layout is its only one (see the module's note)."""

    virtual_size = settled_size()
