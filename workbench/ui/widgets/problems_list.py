"""The problems list: one row per diagnostic of the open agent; choosing one jumps to it."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from workbench.agents.diagnostics import Diagnostic, LineIndex


class ProblemsList(DataTable):
    """Diagnostics sorted by position: severity, code, line:column, message."""

    DEFAULT_CSS = """
    ProblemsList { height: auto; max-height: 9; border-top: solid $panel; }
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
            message = Text(diag.message.replace("\n", " "))
            if diag.fix is not None:
                message.append("  [fix]" if diag.fix.safe else "  [unsafe fix]", style="dim italic")
            self.add_row(
                Text(diag.severity.value, style=variables.get(f"diag-{diag.severity.value}", "")),
                Text(diag.code, style="bold"), Text(f"{line}:{column}", style="dim"), message)
        counts = {s: sum(1 for d in ordered if d.severity.value == s) for s in ("error", "warning", "info")}
        self.border_title = (
            f"Problems  {counts['error']} errors · {counts['warning']} warnings · {counts['info']} info"
            if ordered else "Problems  none")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self._diagnostics):
            self.post_message(self.ProblemChosen(self._diagnostics[event.cursor_row]))
