"""The Tests view: the open agent's test cases, run against its saved file and its editor buffer.

One row per case with a column per variant (pass rate, ✓/✗ against the case's `pass_rate`; the
buffer's cell says whether it did better or worse than the saved file), a summary row, and live
progress while samples run. Flow: a run key starts the `_run` worker (exclusive, cancellable), whose
callbacks post `SampleStarted` / `SampleFinished`; their handlers update the cells and the progress.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from rich.text import Text
from textual import on, work
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, ProgressBar, Static
from textual.worker import Worker, WorkerState

from workbench.plural import plural
from workbench.testing.agent_suites import FoundSuite, find_agent_suites, suite_folders
from workbench.testing.runner import AgentSource, Sample, meets, new_rate_gate, run_cases
from workbench.testing.suite import Case
from workbench.ui.keymap import screen_bindings

# The results of finished cells, by app, for as long as it runs: (agent text hash, suite file, case
# name) -> (the case as it was run, the cell). A view opened again on the same text shows them.
REMEMBERED: WeakKeyDictionary[Any, dict[tuple[str, str, str], tuple[Case, Cell]]] = WeakKeyDictionary()
SAVED, BUFFER = "saved", "buffer"
JOBS = 4
SUMMARY_ROW = "summary"


@dataclass
class Cell:
    """One case under one variant: its samples so far and whether they are still coming."""

    total: int
    samples: list[Sample] = field(default_factory=list)
    running: bool = False
    cancelled: bool = False

    @property
    def passed(self) -> int:
        return sum(1 for s in self.samples if s.passed)

    @property
    def rate(self) -> float:
        return self.passed / len(self.samples) if self.samples else 0.0

    @property
    def cost(self) -> float:
        return sum(s.cost_usd for s in self.samples)

    @property
    def complete(self) -> bool:
        return not self.running and not self.cancelled and len(self.samples) == self.total


def rate_text(cell: Cell | None, case: Case, colours: dict[str, str], against: Cell | None = None) -> Text:
    """What a cell says: "—" before a run, "running 2/3…" during it, then "2/3 67% ✓" (✓ when the
    case's pass_rate is met) and, for the buffer, ↑ or ↓ with the change from the saved file."""
    if cell is None:
        return Text("—", style="dim")
    if cell.running:
        return Text(f"running {len(cell.samples)}/{cell.total}…", style="italic")
    if cell.cancelled:
        return Text(f"cancelled {len(cell.samples)}/{cell.total}", style="dim")
    ok = meets(cell.rate, case.pass_rate)
    text = Text(f"{cell.passed}/{len(cell.samples)} {cell.rate:.0%} ")
    text.append("✓" if ok else "✗", style=f"bold {colours['success' if ok else 'error']}")
    if against is not None and against.complete and cell.complete:
        change = round((cell.rate - against.rate) * 100)
        if change > 0:
            text.append(f" ↑{change}", style=f"bold {colours['success']}")
        elif change < 0:
            text.append(f" ↓{-change}", style=f"bold {colours['error']}")
    return text


def no_suite_help(name: str, folder: Path) -> str:
    """What the view says when the agent has no suite: where to write one, and an example."""
    return (f"No tests for {name} yet. Write a suite in {folder / (name + '.yaml')}, for example:\n\n"
            f"  agent: {name}\n"
            "  cases:\n"
            "    - name: reads-the-file\n"
            '      prompt: "Review app.py."\n'
            "      assert: [{tool_called: Read}, {output_contains: app.py}]\n\n"
            "Then open this view again (or run `workbench test` in a shell).")


class TestsScreen(Screen):
    """The open agent's cases, saved file against editor buffer."""

    CSS_PATH = "tests_view.tcss"
    BINDINGS = screen_bindings("tests.")

    class SampleFinished(Message):
        """A sample of one case under one variant ended (posted by the run worker)."""

        def __init__(self, variant: str, key: str, sample: Sample) -> None:
            super().__init__()
            self.variant, self.key, self.sample = variant, key, sample

    def __init__(self, path: Path, buffer_text: str, saved_text: str | None, *, catalog: Any = None,
                 model: str | None = None, cwd: Path | None = None, engine: str | None = None,
                 run_as: str | None = None) -> None:
        super().__init__()
        from workbench.agents.document import AgentDocument

        self.path = Path(path)
        self.saved_text = saved_text
        self.texts: dict[str, str] = {BUFFER: buffer_text}
        if saved_text is not None and saved_text != buffer_text:
            self.texts = {SAVED: saved_text, BUFFER: buffer_text}
        self.catalog = catalog
        self.model = model
        # The chat pane's engine (None: the settings'), as `workbench test` takes the settings'.
        self.engine, self.run_as = engine, run_as
        self.cwd = Path(cwd) if cwd else Path.cwd()
        names = {AgentDocument.parse(text).name for text in self.texts.values()} - {None}
        self.name_shown = AgentDocument.parse(buffer_text).name or self.path.stem
        self.found: list[FoundSuite] = find_agent_suites(names | {self.path.stem}, self.path, self.cwd)
        # Row key -> (suite file, case); cells by (variant, row key).
        self.cases: dict[str, tuple[Path, Case]] = {}
        loaded = [found for found in self.found if found.suite is not None]
        for found in loaded:
            for case in found.suite.cases:
                key = case.name if len(loaded) == 1 else f"{found.path.stem} › {case.name}"
                self.cases[key] = (found.path, case)
        self.cells: dict[tuple[str, str], Cell] = {}
        self.done = self.passing = self.planned = 0
        self.spent = 0.0

    @property
    def variants(self) -> list[str]:
        """The columns: saved and buffer, or one when they are the same text."""
        return list(self.texts)

    def engine_name(self) -> str:
        """"builtin" or "claude-code": where the samples run."""
        from workbench.runtime.claude_code import resolve_engine
        from workbench.runtime.engines import requested_engine

        try:
            return resolve_engine(requested_engine(self.engine, getattr(self.app, "settings", None)))
        except ValueError:
            return "builtin"

    def _needs_key(self) -> bool:
        """Whether runs would fail for want of an API key (Claude Code has its own login)."""
        from workbench.ui.chat.pane import has_api_key

        return self.engine_name() == "builtin" and not has_api_key()

    @property
    def running(self) -> bool:
        return any(w.node is self and w.group == "tests-run" and not w.is_finished for w in self.workers)

    def compose(self):
        yield Static(id="tests-title")
        yield Static(id="tests-notice", classes="-empty")
        table: DataTable = DataTable(id="tests-table", cursor_type="row", zebra_stripes=True)
        yield table
        with Horizontal(id="tests-progress-row"):
            yield ProgressBar(id="tests-progress", show_eta=False, show_percentage=False)
            yield Static(id="tests-progress-label")
        yield Footer()

    def on_mount(self) -> None:
        self._show_title()
        self._show_notice()
        table = self.query_one(DataTable)
        if not self.cases:
            table.display = False
            self.query_one("#tests-progress-row").display = False
            return
        table.add_column("case", key="case")
        table.add_column("×", key="repeat")
        table.add_column("needs", key="needs")
        table.add_column("asserts", key="asserts")
        for variant in self.variants:
            label = variant if len(self.variants) == 2 or self.saved_text is None else "buffer = saved"
            table.add_column(label, key=variant, width=16)
        for key, (_, case) in self.cases.items():
            table.add_row(key, str(case.repeat), f"{case.pass_rate:.0%}", str(len(case.assertions)),
                          *[rate_text(None, case, self._colours()) for _ in self.variants], key=key)
        table.add_row(Text("summary", style="bold"), "", "", "", *["" for _ in self.variants],
                      key=SUMMARY_ROW)
        self._recall()
        self._show_summary()
        self._show_progress()
        table.focus()

    # -- what the screen says ----------------------------------------------------------------

    def _colours(self) -> dict[str, str]:
        variables = self.app.theme_variables
        return {"success": variables.get("success", "green"), "error": variables.get("error", "red")}

    def _show_title(self) -> None:
        suites = [f.path for f in self.found]
        where = ", ".join(_short(p) for p in suites) if suites else "no suite"
        sides = ("saved file vs editor buffer" if len(self.variants) == 2
                 else "buffer = saved file" if self.saved_text is not None else "editor buffer (not on disk)")
        engine = "Claude Code" if self.engine_name() == "claude-code" else "built-in engine"
        title = Text.assemble(("Tests ", "bold"), (self.name_shown, "bold"),
                              f" · {plural(len(self.cases), 'case')} in {where} · {sides} · {engine}")
        self.query_one("#tests-title", Static).update(title)

    def _show_notice(self) -> None:
        from workbench.ui.chat.pane import NO_KEY_TEXT

        error = self._colours()["error"]
        parts = [Text(f.error, style=error) for f in self.found if f.suite is None]
        if not self.found:
            parts.append(Text(no_suite_help(self.name_shown, suite_folders(self.path, self.cwd)[0])))
        elif self.cases and self._needs_key():
            parts.append(Text(NO_KEY_TEXT))
        notice = self.query_one("#tests-notice", Static)
        notice.update(Text("\n\n").join(parts))
        notice.set_class(not parts, "-empty")

    def _refresh_row(self, key: str) -> None:
        table = self.query_one(DataTable)
        _, case = self.cases[key]
        colours = self._colours()
        saved = self.cells.get((SAVED, key))
        for variant in self.variants:
            cell = self.cells.get((variant, key))
            against = saved if variant == BUFFER and SAVED in self.texts else None
            table.update_cell(key, variant, rate_text(cell, case, colours, against))

    def _show_summary(self) -> None:
        table = self.query_one(DataTable)
        for variant in self.variants:
            cells = [self.cells.get((variant, key)) for key in self.cases]
            complete = [c for c in cells if c is not None and c.complete]
            if not complete:
                table.update_cell(SUMMARY_ROW, variant, "")
                continue
            ok = sum(1 for c, (_, case) in zip(cells, self.cases.values())
                     if c is not None and c.complete and meets(c.rate, case.pass_rate))
            cost = sum(c.cost for c in cells if c is not None)
            table.update_cell(SUMMARY_ROW, variant,
                              Text(f"{ok}/{len(complete)} ok ${cost:.4f}", style="bold"))

    def _show_progress(self) -> None:
        found = self.query(ProgressBar)
        if not found:
            return  # the app quit while the view was being built: its row was never mounted
        bar = found.first(ProgressBar)
        bar.update(total=max(1, self.planned), progress=self.done)
        label = (f"{self.done}/{self.planned} samples · {self.passing} passing · ${self.spent:.4f}"
                 if self.planned else "r all · b buffer only · c this case · Enter samples")
        if self.planned and self.running:
            label += " · running"
        self.query_one("#tests-progress-label", Static).update(label)

    def _memory_key(self, variant: str, key: str) -> tuple[str, str, str]:
        suite_path, case = self.cases[key]
        return hashlib.sha256(self.texts[variant].encode()).hexdigest(), str(suite_path), case.name

    def _recall(self) -> None:
        """Show what earlier runs of these texts gave (the saved file's numbers stay after a tweak)."""
        memory = REMEMBERED.get(self.app, {})
        for key, (_, case) in self.cases.items():
            for variant in self.variants:
                found = memory.get(self._memory_key(variant, key))
                if found is not None and found[0] == case:
                    self.cells[(variant, key)] = found[1]
            self._refresh_row(key)
        self._show_summary()

    def _remember(self, variant: str, key: str, cell: Cell) -> None:
        memory = REMEMBERED.setdefault(self.app, {})
        memory[self._memory_key(variant, key)] = (self.cases[key][1], cell)

    # -- running -------------------------------------------------------------------------------

    def _can_run(self) -> bool:
        from workbench.ui.chat.pane import NO_KEY_TEXT

        if not self.cases:
            self.notify("no test cases to run", severity="warning")
            return False
        if self._needs_key():
            self.notify(NO_KEY_TEXT, title="No API key", severity="warning", timeout=10)
            return False
        if self.running:
            self.notify("a run is under way: x cancels it", severity="warning")
            return False
        return True

    def action_run_all(self) -> None:
        """Every case, under each variant."""
        if self._can_run():
            self._start(list(self.cases))

    def action_run_buffer(self) -> None:
        """Every case under the buffer alone: the saved file's numbers stay as they are."""
        if self._can_run():
            self._start(list(self.cases), [BUFFER])

    def action_run_case(self) -> None:
        """The selected case, under each variant."""
        key = self.selected_key()
        if key is None:
            self.notify("move to a case first (r runs them all)", timeout=4)
        elif self._can_run():
            self._start([key])

    def selected_key(self) -> str | None:
        """The case under the cursor (None on the summary row or without cases)."""
        table = self.query_one(DataTable)
        if not self.cases or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return key if key in self.cases else None

    def _start(self, keys: list[str], variants: list[str] | None = None) -> None:
        variants = variants or self.variants
        self.done = self.passing = 0
        self.spent = 0.0
        self.planned = sum(self.cases[k][1].repeat for k in keys) * len(variants)
        for variant in variants:
            for key in keys:
                self.cells[(variant, key)] = Cell(self.cases[key][1].repeat, running=True)
        for key in keys:
            self._refresh_row(key)
        self._show_summary()
        self._run(keys, variants)
        self._show_progress()

    # A run that cannot start (Claude Code not installed) is reported, not a crash of the app.
    @work(exclusive=True, group="tests-run", exit_on_error=False)
    async def _run(self, keys: list[str], variants: list[str]) -> None:
        from workbench.runtime.engines import choose_engine

        # The variants share the places, so both columns fill in side by side.
        jobs = max(1, JOBS // len(variants))
        gate = new_rate_gate()  # a 429 to one sample holds every sample's next request
        engine = choose_engine(self.engine, getattr(self.app, "settings", None), self.run_as)
        by_suite: dict[Path, list[str]] = {}
        for key in keys:
            by_suite.setdefault(self.cases[key][0], []).append(key)
        calls = []
        for variant in variants:
            agent = AgentSource(self.texts[variant], str(self.path), self.catalog)
            for suite_path, suite_keys in by_suite.items():
                key_of = {id(self.cases[k][1]): k for k in suite_keys}

                def finished(case: Case, sample: Sample, variant=variant, key_of=key_of) -> None:
                    self.post_message(self.SampleFinished(variant, key_of[id(case)], sample))

                calls.append(run_cases(agent, [self.cases[k][1] for k in suite_keys], suite=str(suite_path),
                                       agent_label=self.name_shown, jobs=jobs, model=self.model,
                                       engine=engine, rate_gate=gate, on_sample=finished))
        results = [r for done in await asyncio.gather(*calls) for r in done]
        # Kept like a `workbench test` run, so `workbench test --history` shows the app's runs too.
        from workbench.testing.history import record

        try:
            await asyncio.to_thread(record, results, self.cwd)
        except OSError as exc:
            self.notify(f"the results history was not written: {exc}", severity="warning", timeout=8)

    def on_tests_screen_sample_finished(self, message: SampleFinished) -> None:
        cell = self.cells.get((message.variant, message.key))
        if cell is None or not cell.running:
            return  # from a run that was cancelled
        cell.samples.append(message.sample)
        cell.running = len(cell.samples) < cell.total
        if not cell.running:
            self._remember(message.variant, message.key, cell)
        self.done += 1
        self.passing += message.sample.passed
        self.spent += message.sample.cost_usd
        self._refresh_row(message.key)
        self._show_summary()
        self._show_progress()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "tests-run" or not event.worker.is_finished:
            return
        if event.state is WorkerState.ERROR:
            self.notify(f"the run stopped: {event.worker.error}", severity="error", timeout=10)
        for (variant, key), cell in self.cells.items():
            if cell.running:
                cell.running = False
                cell.cancelled = True
                self._refresh_row(key)
        self._show_summary()
        self._show_progress()

    def action_cancel(self) -> None:
        """Stop the run; samples that finished keep their results."""
        if self.running:
            self.workers.cancel_group(self, "tests-run")
            self.notify("run cancelled", timeout=3)

    def action_cancel_or_close(self) -> None:
        """Esc: cancel the run while it goes; close the view when nothing runs."""
        if self.running:
            self.action_cancel()
        else:
            self.dismiss(None)

    # -- samples -------------------------------------------------------------------------------

    def action_samples(self) -> None:
        """The selected case's samples, every variant's, with failures and transcripts."""
        from workbench.ui.screens.test_samples import SamplesScreen

        key = self.selected_key()
        if key is None:
            return
        runs = [(variant, list(self.cells[(variant, key)].samples)) for variant in self.variants
                if (variant, key) in self.cells and self.cells[(variant, key)].samples]
        if not runs:
            self.notify("no samples yet: r runs every case, c this one", timeout=4)
            return
        self.app.push_screen(SamplesScreen(key, self.cases[key][1], runs))

    @on(DataTable.RowSelected)
    def _row_chosen(self) -> None:
        self.action_samples()


def _short(path: Path) -> str:
    """A path as the title shows it: from `.claude/`, the bundled folder or `~`."""
    from workbench.paths import bundled_agents_dir

    if path.parent == bundled_agents_dir() / "tests":
        return f"bundled tests/{path.name}"
    parts = path.parts
    if ".claude" in parts:
        return str(Path(*parts[parts.index(".claude"):]))
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)
