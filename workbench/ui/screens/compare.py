"""Compare: one task against two variants of an agent, side by side, each column streaming on its own.

Variants are the saved file against the editor buffer, two agents, or one agent under two models.
Each column is a `ChatPane` without its input (so it streams, asks permission and totals exactly as the
chat pane does); when both runs have ended, the tool calls that differ between them are marked.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from workbench.plural import plural
from workbench.ui.chat.pane import ChatPane, Run, SessionFactory
from workbench.ui.chat.run_stats import CallSummary, RunStats
from workbench.ui.keymap import screen_bindings


@dataclass(frozen=True)
class Variant:
    """One side of a comparison: an agent text (saved or not) and where it came from."""

    label: str
    agent_text: str
    path: Path | None = None
    # The engine this side runs in (None: the chat pane's).
    engine: str | None = None


def saved_vs_buffer(path: Path, buffer_text: str) -> list[Variant]:
    """The file as saved on disk against the editor's unsaved text."""
    saved = path.read_text(encoding="utf-8")
    return [Variant(f"saved {path.name}", saved, path), Variant("editor buffer", buffer_text, path)]


def two_models(agent_text: str, path: Path | None, model_a: str, model_b: str) -> list[Variant]:
    """One agent under two models (its frontmatter `model` set to each)."""
    from workbench.ui.frontmatter_edit import set_field, yaml_scalar

    return [Variant(f"model {model}", set_field(agent_text, "model", yaml_scalar(model)), path)
            for model in (model_a, model_b)]


def two_engines(agent_text: str, path: Path | None) -> list[Variant]:
    """One agent in workbench's built-in engine and in the real Claude Code."""
    return [Variant("built-in engine", agent_text, path, "builtin"),
            Variant("Claude Code", agent_text, path, "claude-code")]


def two_agents(first: tuple[str, Path | None], second: tuple[str, Path | None]) -> list[Variant]:
    """Two agent definitions."""
    return [Variant(f"agent {p.stem if p else 'buffer'}", text, p) for text, p in (first, second)]


def differing_calls(a: list[CallSummary], b: list[CallSummary]) -> tuple[set[int], set[int]]:
    """Indexes of the calls in each run that have no counterpart in the other, in order."""
    matcher = difflib.SequenceMatcher(None, [c.signature for c in a], [c.signature for c in b],
                                      autojunk=False)
    only_a: set[int] = set()
    only_b: set[int] = set()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            only_a.update(range(i1, i2))
            only_b.update(range(j1, j2))
    return only_a, only_b


def summary_content(stats: RunStats, differs: set[int]) -> Content:
    """Totals and the sequence of tool calls, with `≠` beside the ones the other run did not make."""
    usage = stats.usage
    seconds = (stats.duration_ms or 0) / 1000
    lines: list[Content] = [Content.assemble(
        (stats.status.replace("_", " "), "bold"),
        f" · {plural(stats.turns, 'turn')} · in {usage.input_tokens} out {usage.output_tokens}"
        f" · ${stats.cost_usd:.4f} · {seconds:.1f}s · {plural(len(stats.calls), 'tool call')}",
    )]
    for index, call in enumerate(stats.calls):
        mark = ("≠ ", "bold $warning") if index in differs else ("  ", "")
        lines.append(Content.assemble(mark, "  " * call.depth, (call.name, "bold"), " ", call.argument))
    return Content("\n").join(lines)


class CompareScreen(Screen):
    """Two runs of one task, side by side."""

    CSS_PATH = "compare.tcss"
    BINDINGS = screen_bindings("compare.")

    def __init__(self, variants: list[Variant], prompt: str, *, cwd: Path | None = None,
                 model: str | None = None, session_factory: SessionFactory | None = None,
                 engine: str | None = None, run_as: str | None = None) -> None:
        super().__init__()
        if len(variants) != 2:
            raise ValueError("a comparison needs exactly two variants")
        self.variants = variants
        self.prompt = prompt
        self.panes = [
            ChatPane(agent_source=(lambda v=v: (v.agent_text, v.path)), session_factory=session_factory,
                     cwd=cwd, model=model, show_input=False, id=f"compare-{i}",
                     engine=v.engine or engine, run_as=run_as)
            for i, v in enumerate(variants)
        ]
        self.runs: list[Run | None] = [None, None]

    def compose(self):
        yield Static(Content.assemble(("Compare: ", "bold"), self.prompt), id="compare-task")
        with Horizontal(id="compare-columns"):
            for variant, pane in zip(self.variants, self.panes):
                with Vertical(classes="compare-column"):
                    yield Static(Content.styled(variant.label, "bold"), classes="compare-label")
                    yield pane
                    yield Static(classes="compare-summary -empty")
        yield Footer()

    async def on_mount(self) -> None:
        for index, pane in enumerate(self.panes):
            self.runs[index] = await pane.start_run(self.prompt)

    def on_chat_pane_run_finished(self, message: ChatPane.RunFinished) -> None:
        if any(run is None or run.active for run in self.runs):
            return
        first, second = self.runs
        only_a, only_b = differing_calls(first.stats.calls, second.stats.calls)
        for run, differs, column in zip(self.runs, (only_a, only_b), self.query(".compare-column")):
            summary = column.query_one(".compare-summary", Static)
            summary.update(summary_content(run.stats, differs))
            summary.remove_class("-empty")
            for index, call in enumerate(run.stats.calls):
                block = run.view.blocks.get(call.call_id)
                if block is not None:
                    block.set_class(index in differs, "-differs")

    def action_cancel_or_close(self) -> None:
        """Esc: cancel the runs while they go; close the comparison when they are over."""
        if any(pane.running for pane in self.panes):
            for pane in self.panes:
                pane.cancel()
        else:
            self.dismiss()


MODEL_PAIRS = (("sonnet", "haiku"), ("sonnet", "opus"), ("opus", "haiku"))


def choose_variants(main, chat: ChatPane) -> None:
    """Ask what to compare (saved vs buffer, two models, or another agent), then open the screen.

    `main` is the main screen (for the open agent, its catalog and dialogs); the task is the chat's.
    """
    from workbench.ui.screens.choice import ChoiceDialog

    task = chat.task
    if not task:
        main.notify("Type a task in the chat first; Compare runs it against two variants.",
                    severity="warning")
        chat.focus_input()
        return
    text, path = main.current_agent_source()
    options: list[tuple[str, str]] = []
    if path is not None and path.is_file() and path.read_text(encoding="utf-8") != text:
        options.append(("saved file vs editor buffer", "saved"))
    from workbench.runtime.claude_code import sdk_available

    if sdk_available():
        options.append(("built-in engine vs Claude Code", "engines"))
    options += [(f"this agent under {a} vs {b}", f"models:{a}:{b}") for a, b in MODEL_PAIRS]
    # Each agent of the sidebar once, as the definition that would be used: not the files Claude
    # Code skips, nor the ones a higher scope shadows or a same-scope duplicate loses to. The
    # bundled examples and named folders stay: they are what a new user has to compare.
    winners = main.catalog.winners() if main.catalog else {}
    others = [e for e in winners.values() if e.document is not None and e.path != path]
    options += [(f"this agent vs {e.name}", f"agent:{i}") for i, e in enumerate(others)]

    def chosen(choice: str | None) -> None:
        if choice is None:
            return
        if choice == "saved":
            variants = saved_vs_buffer(path, text)
        elif choice == "engines":
            variants = two_engines(text, path)
        elif choice.startswith("models:"):
            _, a, b = choice.split(":")
            variants = two_models(text, path, a, b)
        else:
            other = others[int(choice.split(":")[1])]
            variants = two_agents((text, path), (other.document.text, other.path))
        main.app.push_screen(CompareScreen(variants, task, cwd=chat.cwd, model=chat.model,
                                           engine=chat.engine, run_as=chat.run_as))

    main.app.push_screen(ChoiceDialog("Compare the chat task across…", options), chosen)
