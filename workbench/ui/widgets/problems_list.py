"""The problems list: one row per diagnostic of the open agent; choosing one jumps to it."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable

from workbench.agents.diagnostics import Diagnostic, LineIndex
from workbench.plural import plural


class ProblemsList(DataTable):
    """Diagnostics sorted by position: severity, code, line:column, message."""

    DEFAULT_CSS = """
    ProblemsList { height: auto; max-height: 9; border-top: solid $panel; overflow-x: hidden; }
    """

    class ProblemChosen(Message):
        """The user chose a problem: move the cursor to `diagnostic.start`."""

        def __init__(self, diagnostic: Diagnostic) -> None:
            super().__init__()
            self.diagnostic = diagnostic

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, show_header=False, **kwargs)
        self._diagnostics: list[Diagnostic] = []
        self._shown: list[tuple] | None = None  # what the rows say, to skip identical redraws
        self.border_title = "Problems"
        # Columns exist from the start: rows may arrive before the table is mounted.
        self.add_columns("severity", "code", "at", "message")

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """The diagnostics listed, in display order."""
        return list(self._diagnostics)

    def show(self, diagnostics: list[Diagnostic], text: str) -> None:
        """List these diagnostics of `text` (line numbers are computed from it)."""
        index = LineIndex(text)
        ordered = sorted(diagnostics, key=lambda d: (d.start, d.severity.rank, d.code))
        self._diagnostics = ordered
        rows = [(d, index.position(d.start)) for d in ordered]
        shown = [(d.severity, d.code, position, d.message, d.fix is not None) for d, position in rows]
        if shown == self._shown:
            return  # the usual case while typing; rebuilding the table would re-layout the screen
        self._shown = shown
        variables = self.app.theme_variables
        self.clear()
        for diag, (line, column) in rows:
            # Cut at the column's width with an ellipsis; the detail line has the whole message.
            message = Text(diag.message.replace("\n", " "), no_wrap=True, overflow="ellipsis")
            if diag.fix is not None:
                message.append("  [fix]" if diag.fix.safe else "  [unsafe fix]", style="dim italic")
            self.add_row(
                Text(diag.severity.value, style=variables.get(f"diag-{diag.severity.value}", "")),
                Text(diag.code, style="bold"), Text(f"{line}:{column}", style="dim"), message)
        self._measure_now()
        self._fit_message_column()
        counts = {s: sum(1 for d in ordered if d.severity.value == s) for s in ("error", "warning", "info")}
        self.border_title = (
            f"Problems  {plural(counts['error'], 'error')} · {plural(counts['warning'], 'warning')}"
            f" · {counts['info']} info"
            if ordered else "Problems  none")

    def _measure_now(self) -> None:
        """Measure the new rows now rather than on idle, as DataTable does by default.

        With `height: auto` the table's height comes from its measured size; measured lazily,
        a frame drawn between `show()` and the next idle has the old height (the list collapsed
        to its border while it has rows, or the reverse). This is the same work the table's
        idle handler does, done once per change of the rows (never while typing: unchanged
        rows return early in `show()`). It runs even before the table is mounted (the list is
        mounted with the first findings): a layout can size the table between `mount()` and its
        Mount event, and that size is cached until the next layout request, so the rows must be
        measured before that first layout.
        """
        if not getattr(self, "_require_update_dimensions", False):
            return
        self._require_update_dimensions = False
        new_rows = self._new_rows.copy()
        self._new_rows.clear()
        self._update_dimensions(new_rows)
        self.refresh(layout=True)

    def _fit_message_column(self) -> None:
        """Give the message column the width the other columns leave, so the list never scrolls
        sideways (it had a horizontal scrollbar as wide as its longest message)."""
        width = self.scrollable_content_region.width
        columns = self.ordered_columns
        if width <= 0 or len(columns) != 4:
            return  # not laid out yet: the first resize fits it
        others = sum(column.get_render_width(self) for column in columns[:3])
        message = columns[3]
        room = max(8, width - others - 2 * self.cell_padding)
        if not message.auto_width and message.width == room:
            return
        message.auto_width = False
        message.width = room
        self._clear_caches()
        self._update_dimensions([])  # the virtual width follows the columns
        self.refresh()

    def on_resize(self) -> None:
        self._fit_message_column()

    def on_mount(self) -> None:
        super().on_mount()
        # Should rows have been added some other way before mounting, they are measured now.
        self._measure_now()

    @property
    def highlighted(self) -> Diagnostic | None:
        """The diagnostic of the row under the table's cursor."""
        row = self.cursor_row
        return self._diagnostics[row] if 0 <= row < len(self._diagnostics) else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self._diagnostics):
            self.post_message(self.ProblemChosen(self._diagnostics[event.cursor_row]))


class ProblemDetail(Widget):
    """The line under the problems list: the whole message of one problem, wrapped (the list
    cuts messages at its width). A plain widget whose text changes only when the problem shown
    does, so typing on a line never re-lays out the screen."""

    DEFAULT_CSS = """
    ProblemDetail { height: auto; max-height: 10; padding: 0 1; background: $boost; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._text = Text()

    @property
    def text(self) -> str:
        """What the line says, as plain text."""
        return self._text.plain

    def render(self) -> Text:
        return self._text

    def show(self, diagnostic: Diagnostic | None, position: tuple[int, int] | None = None,
             hint: str = "") -> None:
        """Show this problem at `position` (line, column), or `hint` when there is none."""
        text = Text()
        if diagnostic is None:
            text.append(hint, style="dim")
        else:
            colour = self.app.theme_variables.get(f"diag-{diagnostic.severity.value}", "")
            text.append(diagnostic.code, style=f"bold {colour}")
            if position is not None:
                text.append(f" {position[0]}:{position[1]}", style="dim")
            text.append("  ")
            text.append(diagnostic.message)
            if diagnostic.fix is not None:
                text.append(f"  fix{'' if diagnostic.fix.safe else ' (unsafe)'}: "
                            f"{diagnostic.fix.description}", style="dim italic")
        if text == self._text:
            return
        # A new height needs a layout of the screen; the same number of lines only a repaint
        # (while typing on a problem its message changes with every key).
        width = self.content_region.width
        relayout = width <= 0 or self._height(text, width) != self._height(self._text, width)
        self._text = text
        self.refresh(layout=relayout)

    def _height(self, text: Text, width: int) -> int:
        return len(text.wrap(self.app.console, width))
