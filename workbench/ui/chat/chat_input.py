"""ChatInput: the task box under the conversation, typed into while a run streams."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class ChatInput(Input):
    """An `Input` whose keys repaint it without laying out the screen.

    Textual's Input sets its virtual size (the text's width) on every change of its value, and the
    virtual size is a `layout=True` reactive: every key typed laid out the whole screen, the
    streaming conversation included (a reflow of every widget shown, 10-30 ms while a long reply
    streams). The box has a fixed size (`width: 100%; height: 3`), so its virtual size only bounds
    its horizontal scrolling, which is computed from it on the spot: a repaint is enough.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
