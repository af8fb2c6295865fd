"""A test case's samples, from the Tests view: each run's result, its failing assertions and why,
its tool calls and cost; one key opens a sample's transcript in the transcript viewer."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from workbench.testing.runner import Sample
from workbench.testing.suite import Case
from workbench.ui.keymap import screen_bindings


def sample_detail(sample: Sample, error_colour: str = "red") -> Text:
    """A sample's failures (assertion — message), refusals and transcript, one per line."""
    lines = [Text("every assertion held", style="bold")] if sample.passed else []
    lines += [Text.assemble(("✗ ", f"bold {error_colour}"), (assertion, "bold"), f" — {message}")
              for assertion, message in sample.failures]
    lines += [Text(f"refused {r['tool']}" + (f": {r['reason']}" if r.get("reason") else ""), style="dim")
              for r in sample.refusals]
    lines += [Text(f"judge passed: {j['criteria']} — {j['reason']}", style="dim")
              for j in sample.judgements if j.get("verdict") == "pass"]
    if sample.judge_cost_usd:
        lines.append(Text(f"judge cost ${sample.judge_cost_usd:.4f} (apart from the run's)", style="dim"))
    if sample.transcript:
        lines.append(Text(f"transcript {sample.transcript}", style="dim"))
    return Text("\n").join(lines)


class SamplesScreen(Screen):
    """The samples of one case, each variant's in turn."""

    DEFAULT_CSS = """
    SamplesScreen { layout: vertical; }
    SamplesScreen > #samples-title { height: auto; padding: 0 1; background: $panel; }
    SamplesScreen > DataTable { height: 1fr; min-height: 4; }
    SamplesScreen > #samples-detail { height: auto; max-height: 50%; padding: 0 1;
        border-top: solid $panel-lighten-2; overflow-y: auto; }
    """

    BINDINGS = screen_bindings("test_samples.")

    def __init__(self, title: str, case: Case, runs: list[tuple[str, list[Sample]]]) -> None:
        super().__init__()
        self.title_text = title
        self.case = case
        self.rows: list[tuple[str, Sample]] = [(variant, s) for variant, samples in runs
                                               for s in sorted(samples, key=lambda s: s.index)]

    def compose(self):
        yield Static(Text.assemble(("Samples of ", "bold"), (self.title_text, "bold"),
                                   f" · needs {self.case.pass_rate:.0%} of {self.case.repeat}"), id="samples-title")
        yield DataTable(id="samples-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="samples-detail")
        yield Footer()

    def on_mount(self) -> None:
        variables = self.app.theme_variables
        table = self.query_one(DataTable)
        table.add_columns("variant", "sample", "result", "tool calls", "turns", "cost", "time")
        for number, (variant, sample) in enumerate(self.rows):
            ok = sample.passed
            table.add_row(
                variant, str(sample.index),
                Text("✓ pass" if ok else f"✗ {len(sample.failures)} failed",
                     style=f"bold {variables.get('success' if ok else 'error', '')}"),
                str(sample.tool_call_count), str(sample.turns), f"${sample.cost_usd:.4f}",
                f"{sample.duration_s:.1f}s", key=str(number))
        table.focus()
        self._show_detail()

    @property
    def selected(self) -> Sample | None:
        table = self.query_one(DataTable)
        if not self.rows:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)][1]

    def on_data_table_row_highlighted(self, _event) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        sample = self.selected
        error = self.app.theme_variables.get("error", "red")
        self.query_one("#samples-detail", Static).update(sample_detail(sample, error) if sample else "")

    def action_transcript(self) -> None:
        """The selected sample's run, in the transcript viewer."""
        from workbench.ui.screens.transcript_view import TranscriptScreen

        sample = self.selected
        if sample is None or not sample.transcript or not Path(sample.transcript).is_file():
            self.notify("this sample has no transcript", severity="warning")
            return
        self.app.push_screen(TranscriptScreen(Path(sample.transcript)))

    def action_close(self) -> None:
        self.dismiss(None)
