"""Compare: one task, two variants, side by side, differing tool calls marked."""

from __future__ import annotations

import json

from fake_api import text_reply

from workbench.transcripts.events import RunEnded, UsageTotals
from workbench.ui.chat.run_stats import CallSummary
from workbench.ui.screens.compare import (
    CompareScreen,
    Variant,
    differing_calls,
    saved_vs_buffer,
    two_models,
)

from .conftest import ChatHarness
from .events_script import run_started, text_reply as scripted_reply, tool_call
from .recorded import RecordedSession
from .test_chat_pane import AGENT, until


class CompareHarness(ChatHarness):
    def __init__(self, screen: CompareScreen) -> None:
        super().__init__(None)
        self.compare = screen

    def compose(self):
        return []

    def on_mount(self) -> None:
        self.push_screen(self.compare)


def recorded_run(calls: list[tuple[str, dict]], reply: str, seconds: float) -> list:
    events = [*run_started("Fix the failing test")]
    for index, (name, tool_input) in enumerate(calls):
        events += tool_call(f"c{index}", name, tool_input, "ok")
    events += scripted_reply(reply)
    events.append(RunEnded(status="completed", turns=2, usage=UsageTotals(1500, 90, 0, 600),
                           cost_usd=0.0108, duration_ms=seconds * 1000, tool_calls=len(calls)))
    return events


BASE_CALLS = [("Read", {"file_path": "/p/src/calc.py"}), ("Bash", {"command": "pytest -q"})]
EDITED_CALLS = [("Read", {"file_path": "/p/src/calc.py"}),
                ("Grep", {"pattern": "def add", "path": "/p/src"}),
                ("Bash", {"command": "pytest -q"})]


def recorded_compare() -> CompareScreen:
    scripts = {AGENT: recorded_run(BASE_CALLS, "Fixed.", 4.2),
               AGENT + "\nSearch first.\n": recorded_run(EDITED_CALLS, "Fixed after searching.", 6.8)}
    variants = [Variant("saved helper.md", AGENT), Variant("editor buffer", AGENT + "\nSearch first.\n")]
    return CompareScreen(variants, "Fix the failing test",
                         session_factory=lambda text, path, ask: RecordedSession(scripts[text]))


def test_calls_without_a_counterpart_are_the_differing_ones():
    a = [CallSummary("1", "Read", "/a", 0), CallSummary("2", "Bash", "make", 0)]
    b = [CallSummary("x", "Read", "/a", 0), CallSummary("y", "Grep", "add", 0),
         CallSummary("z", "Bash", "make", 0)]
    assert differing_calls(a, b) == (set(), {1})
    assert differing_calls(a, a) == (set(), set())


def test_variants_are_built_from_the_saved_file_and_the_buffer_or_from_two_models(tmp_path):
    path = tmp_path / "helper.md"
    path.write_text(AGENT)
    saved, buffer = saved_vs_buffer(path, AGENT + "edit\n")
    assert saved.agent_text == AGENT and buffer.agent_text.endswith("edit\n")
    first, second = two_models(AGENT, path, "sonnet", "haiku")
    assert "model: sonnet" in first.agent_text and "model: haiku" in second.agent_text


async def test_both_columns_stream_their_own_variant(fake_api, workspace, tmp_path):
    path = tmp_path / "helper.md"
    path.write_text(AGENT)
    buffer = AGENT.replace("careful helper", "hasty helper")
    fake_api.add(text_reply("msg_1", "One ", "answer."), text_reply("msg_2", "Another ", "answer."))
    screen = CompareScreen(saved_vs_buffer(path, buffer), "explain", cwd=workspace)
    app = CompareHarness(screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: all(r is not None and not r.active for r in screen.runs))
        await pilot.pause()
        systems = sorted(json.dumps(body["system"]) for body in fake_api.bodies())
        assert any("careful helper" in s for s in systems) and any("hasty helper" in s for s in systems)
        texts = {run.view.query_one("Markdown.reply").source for run in screen.runs}
        assert texts == {"One answer.", "Another answer."}
        summaries = [str(s.render()) for s in screen.query(".compare-summary")]
        assert all("completed" in s and "1 turn ·" in s for s in summaries)


async def test_the_differing_tool_call_is_marked_in_its_column():
    screen = recorded_compare()
    app = CompareHarness(screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: all(r is not None and not r.active for r in screen.runs))
        await pilot.pause()
        left, right = screen.runs
        assert not any(b.has_class("-differs") for b in left.view.blocks.values())
        assert [c for c, b in right.view.blocks.items() if b.has_class("-differs")] == ["c1"]
        right_summary = str(screen.query(".compare-summary")[1].render())
        assert "≠ Grep def add" in right_summary and "6.8s" in right_summary


def test_compare_snapshot(snap_compare):
    async def run_before(pilot):
        screen = pilot.app.compare
        await until(pilot, lambda: all(r is not None and not r.active for r in screen.runs))
        await pilot.pause()

    assert snap_compare(CompareHarness(recorded_compare()), terminal_size=(140, 44), run_before=run_before)


async def test_esc_leaves_compare_even_with_a_column_focused():
    # Issue 11: the chat column took Esc, so only ctrl+q got out of Compare.
    screen = recorded_compare()
    app = CompareHarness(screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: all(r is not None and not r.active for r in screen.runs))
        await pilot.pause()
        screen.panes[0].focus()
        await pilot.pause()
        assert app.focused is not None and screen.panes[0] in app.focused.ancestors_with_self
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen
