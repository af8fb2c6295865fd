"""TranscriptBrowser: every workbench run and Claude Code session, by project and date.

The browser opens with focus in the box, so typing filters at once: the rows by title, project,
agent, model or session id. Enter in the box opens the highlighted row; when the filter leaves no
row, Enter searches the full text of every file instead (ripgrep) and keeps the sessions that contain
it. Down moves from the box to the table; Enter on a row opens it in a `TranscriptScreen`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from rich.cells import cell_len
from textual import work
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from workbench.transcripts.discovery import RunSummary
from workbench.ui.keymap import screen_bindings
from workbench.ui.screens.transcript_view import TranscriptScreen

# The filter box's hint, longest first: the longest that fits the box is shown, never one cut short.
PLACEHOLDERS = ("filter by title, project, agent, model · Enter: open · no row: search the text",
                "filter · Enter: open · no row: search the text", "filter · Enter: open")
COLUMNS = ("When", "Project", "Title", "Agent", "Model", "Time", "Calls", "Tokens", "Cost")


class TranscriptBrowser(Screen):
    """The list of runs and sessions, with a filter and a full-text search."""

    DEFAULT_CSS = """
    TranscriptBrowser { layout: vertical; }
    TranscriptBrowser > #browser-query { margin: 0 1; }
    TranscriptBrowser > #browser-status { height: 1; padding: 0 1; color: $text-muted; }
    TranscriptBrowser > DataTable { height: 1fr; }
    """

    BINDINGS = screen_bindings("transcripts.")

    class Found(Message):
        """The worker listed the runs and sessions."""

        def __init__(self, runs: list[RunSummary]) -> None:
            super().__init__()
            self.runs = runs

    class Searched(Message):
        """A full-text search ended: the session paths whose files contain `query`."""

        def __init__(self, query: str, paths: set[str] | None, error: str = "") -> None:
            super().__init__()
            self.query = query
            self.paths = paths
            self.error = error

    def __init__(self, *, claude_dirs: list[Path] | None = None, runs_dir: Path | None = None,
                 cache_path: Path | None = None) -> None:
        super().__init__()
        self._where = {"claude_dirs": claude_dirs, "runs_dir": runs_dir, "cache_path": cache_path}
        self.runs: list[RunSummary] = []
        self.matches: set[str] | None = None
        self.loaded = False

    def compose(self):
        yield Input(placeholder=PLACEHOLDERS[0], id="browser-query")
        yield Static("Looking for transcripts …", id="browser-status")
        table = DataTable(cursor_type="row", zebra_stripes=True, id="browser-table")
        table.add_columns(*COLUMNS)
        yield table
        yield Footer()

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_placeholder)

    def _fit_placeholder(self) -> None:
        box = self.query_one("#browser-query", Input)
        room = box.content_region.width - 1  # the cursor's cell
        box.placeholder = next((p for p in PLACEHOLDERS if len(p) <= room), PLACEHOLDERS[-1])

    def on_mount(self) -> None:
        self._discover()
        # Start in the box: typing filters straight away (Enter opens the highlighted row).
        self.query_one("#browser-query", Input).focus()

    @work(thread=True, exclusive=True, group="transcripts-discover")
    def _discover(self) -> None:
        from workbench.transcripts.discovery import discover

        self.post_message(self.Found(discover(**self._where)))

    def on_transcript_browser_found(self, message: Found) -> None:
        self.runs = message.runs
        self.loaded = True
        self._refill()

    # -- filter and search ----------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        # A new query drops the last full-text result: it answered another question.
        self.matches = None
        self._refill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self._open_highlighted():
            return
        query = event.value.strip()
        if query:
            self.query_one("#browser-status", Static).update(f"Searching for {query!r} …")
            self._search(query, [Path(r.path) for r in self.runs])

    @work(thread=True, exclusive=True, group="transcripts-search")
    def _search(self, query: str, paths: list[Path]) -> None:
        try:
            found = full_text_search(query, paths)
        except OSError as exc:
            self.post_message(self.Searched(query, None, str(exc)))
            return
        self.post_message(self.Searched(query, found))

    def on_transcript_browser_searched(self, message: Searched) -> None:
        if message.paths is None:
            self.notify(f"search failed: {message.error}", severity="error")
            return
        self.matches = message.paths
        self._refill(searched=message.query)

    def visible_runs(self) -> list[RunSummary]:
        """The rows the filter (and the last full-text search, if any) let through."""
        words = self.query_one("#browser-query", Input).value.lower().split()
        out = []
        for run in self.runs:
            if self.matches is not None:
                if run.path not in self.matches:
                    continue
            else:
                haystack = " ".join([run.title, run.project, run.agent, run.model, run.session_id])
                if not all(w in haystack.lower() for w in words):
                    continue
            out.append(run)
        return out

    def _refill(self, searched: str = "") -> None:
        table = self.query_one(DataTable)
        table.clear()
        rows = self.visible_runs()
        self._size_columns(table)
        for run in rows:
            table.add_row(*_row(run), key=run.path)
        status = f"{len(rows)} of {len(self.runs)} transcripts"
        if searched:
            status += f" containing {searched!r}"
        self.query_one("#browser-status", Static).update(status if self.loaded else "Looking …")

    def _size_columns(self, table: DataTable) -> None:
        """Give every column the width of its widest cell over all runs, up front. Left to the
        table, widths are measured on an idle pass after the rows are in, and a paint before that
        pass drew every column at its label's width (about 5 cells) until the filter changed."""
        cells = [_row(run) for run in self.runs]
        for i, column in enumerate(table.ordered_columns):
            column.auto_width = False
            column.width = max([cell_len(COLUMNS[i]), *(cell_len(row[i]) for row in cells)])
        table.refresh(layout=True)

    # -- opening --------------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.push_screen(TranscriptScreen(Path(event.row_key.value)))

    def _open_highlighted(self) -> bool:
        """Open the table's highlighted row, if there is one."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return False
        row_key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key
        if not row_key.value:
            return False
        self.app.push_screen(TranscriptScreen(Path(row_key.value)))
        return True

    def action_focus_table(self) -> None:
        """From the box down to the table."""
        self.query_one(DataTable).focus()

    def action_focus_query(self) -> None:
        """Move to the filter box."""
        self.query_one("#browser-query", Input).focus()

    def action_back(self) -> None:
        """Esc: in the box, clear what is typed there; otherwise (or with the box empty), leave."""
        box = self.query_one("#browser-query", Input)
        if self.focused is box and box.value:
            box.value = ""
        elif len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.app.exit()


def _row(run: RunSummary) -> tuple[str, ...]:
    duration = "-" if run.duration_s is None else (
        f"{run.duration_s:.0f}s" if run.duration_s < 120 else f"{run.duration_s / 60:.0f}m")
    return (
        run.started[:16].replace("T", " "),
        _short(run.project, 24),
        _title(run, 40),
        # ⚙ marks a run of workbench's Claude Code engine (a Claude Code session with its record).
        _short(("⚙ " if run.engine == "claude-code" else "") + (run.agent or "-"), 14),
        _short(re.sub(r"-\d{8}$", "", run.model.removeprefix("claude-")) or "-", 18),
        duration,
        str(run.tool_calls),
        f"{run.tokens:,}",
        cost_text(run.cost_usd),
    )


def cost_text(cost: float) -> str:
    """Dollars: four decimals below $1 (a cheap run is not "$0.00"), two from $1."""
    return f"${cost:,.4f}" if cost < 1 else f"${cost:,.2f}"


def _title(run: RunSummary, width: int) -> str:
    """The row's title; a `--fork-session` copy is marked as one and names its parent."""
    title = run.title or run.session_id
    if not run.forked_from:
        return _short(title, width)
    mark = f"⑂ fork of {run.forked_from[:8]}: "
    rest = width - len(mark)
    return mark + (title if len(title) <= rest else title[: rest - 1] + "…")


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else "…" + text[-(width - 1):]


def full_text_search(query: str, sessions: list[Path]) -> set[str]:
    """The sessions (paths as given) whose file, or one of their subagent files, contains `query`
    (case-insensitive, literal). Uses ripgrep when installed, else a plain scan."""
    owner: dict[Path, str] = {}
    for path in sessions:
        owner[path] = str(path)
        for sub in (path.parent / path.stem / "subagents").glob("agent-*.jsonl"):
            owner[sub] = str(path)
    if not owner:
        return set()
    rg = shutil.which("rg")
    if rg:
        done = subprocess.run(
            [rg, "--files-with-matches", "--fixed-strings", "--ignore-case", "--no-messages",
             "--", query, *map(str, owner)],
            capture_output=True, text=True, check=False,
        )
        hits = {Path(line) for line in done.stdout.splitlines() if line}
    else:
        needle = query.lower()
        hits = {p for p in owner if needle in p.read_text(encoding="utf-8", errors="replace").lower()}
    return {owner[p] for p in hits if p in owner}
