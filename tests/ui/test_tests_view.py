"""The Tests view (issue 16, "In the app"): the open agent's cases, run against its saved file and
its editor buffer through the real runner and the real SDK against the scripted API server."""

from __future__ import annotations

import hashlib
import itertools
import threading
from pathlib import Path

import pytest
from fake_api import Reply, end, start, text, text_reply
from textual.widgets import DataTable

from tests.ui.chat.test_chat_pane import until
from tests.ui.helpers import run_command, screen_text, settle
from workbench.ui.chat.pane import NO_KEY_TEXT
from workbench.ui.screens.test_samples import SamplesScreen
from workbench.ui.screens import tests_view
from workbench.ui.screens.transcript_view import TranscriptScreen

AGENT = """---
name: note-writer
description: Writes short notes when asked for one.
tools: Read
---
You write notes.
"""
TWEAK = " Always say DONE."

SUITE = """\
agent: note-writer
repeat: 2
pass_rate: 0.5
cases:
  - name: says-done
    prompt: "Write a note."
    assert:
      - output_contains: DONE
  - name: short-reply
    prompt: "Write a short note."
    repeat: 1
    pass_rate: 1
    assert:
      - max_tool_calls: 0
      - output_not_contains: sorry
"""


@pytest.fixture(autouse=True)
def _no_retry_waits(monkeypatch):
    monkeypatch.setenv("WORKBENCH_RETRY_DELAY_SCALE", "0")


@pytest.fixture
def project(agents_dir) -> Path:
    """The project of `agents_dir`, with the note-writer agent and its suite."""
    (agents_dir / "note-writer.md").write_text(AGENT, encoding="utf-8")
    suites = agents_dir.parent / "agent-tests"
    suites.mkdir()
    (suites / "note-writer.yaml").write_text(SUITE, encoding="utf-8")
    return agents_dir.parent.parent


def answer_by_prompt(fake_api) -> None:
    """Every request is answered by the agent text it carries: the tweaked prompt says DONE."""
    ids = itertools.count(1)
    fake_api.route(lambda body: TWEAK.strip() in str(body.get("system")),
                   lambda: text_reply(f"msg_{next(ids)}", "DONE: noted."))
    fake_api.route(lambda body: True, lambda: text_reply(f"msg_{next(ids)}", "Noted."))


async def type_text(pilot, words: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in words])


async def open_tests(pilot, tweak: str = "") -> tests_view.TestsScreen:
    """Open note-writer, type `tweak` at the end of its prompt, and open the Tests view."""
    await settle(pilot)
    main = pilot.app.main_screen
    if tweak:
        editor = main.editor
        editor.focus()
        editor.move_cursor(editor.document.end)
        await pilot.press("left")  # before the final newline
        await type_text(pilot, tweak)
        await settle(pilot)
    await pilot.press("ctrl+r")
    await until(pilot, lambda: isinstance(pilot.app.screen, tests_view.TestsScreen))
    return pilot.app.screen


def cell(screen: tests_view.TestsScreen, row: str, column: str):
    return screen.query_one(DataTable).get_cell(row, column)


async def until_idle(pilot, screen: tests_view.TestsScreen) -> None:
    await until(pilot, lambda: not screen.running)
    await pilot.pause()


async def test_no_suite_says_where_to_write_one_with_an_example(make_app, agents_dir):
    (agents_dir / "note-writer.md").write_text(AGENT, encoding="utf-8")
    app = make_app("note-writer.md")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_tests(pilot)
        shown = screen_text(app)
        assert "No tests for note-writer yet" in shown
        # a path wider than the view is folded over rows (the padding then sits inside it)
        assert str(agents_dir.parent / "agent-tests" / "note-writer.yaml") in "".join(shown.split())
        assert "agent: note-writer" in shown and "assert: [{tool_called: Read}" in shown
        assert not screen.query_one(DataTable).display


async def test_a_suite_error_is_shown_with_its_position_beside_the_good_suites(make_app, project):
    broken = project / ".claude" / "agent-tests" / "broken.yaml"
    broken.write_text("agent: note-writer\ncases:\n  - name: x\n    prompt: y\n    asert: []\n")
    app = make_app("note-writer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        screen = await open_tests(pilot)
        notice = str(screen.query_one("#tests-notice").render())
        assert f"{broken}:5:5: unknown key 'asert'" in notice
        table = screen.query_one(DataTable)
        assert [str(table.get_cell_at((i, 0))) for i in range(table.row_count)] == [
            "says-done", "short-reply", "summary"]


async def test_without_a_key_the_cases_are_listed_and_run_keys_say_how_to_add_one(make_app, project):
    app = make_app("note-writer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        screen = await open_tests(pilot)
        assert NO_KEY_TEXT.splitlines()[0] in str(screen.query_one("#tests-notice").render())
        assert screen.query_one(DataTable).row_count == 3
        await pilot.press("r")
        await pilot.pause()
        assert not screen.running
        assert any("ANTHROPIC_API_KEY" in str(n.message) for n in app._notifications)


async def test_run_all_shows_the_buffer_passing_where_the_saved_file_fails(make_app, project, fake_api):
    answer_by_prompt(fake_api)
    app = make_app("note-writer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        screen = await open_tests(pilot, TWEAK)
        assert screen.variants == ["saved", "buffer"]
        await pilot.press("r")
        await until_idle(pilot, screen)

        saved, buffer = cell(screen, "says-done", "saved"), cell(screen, "says-done", "buffer")
        assert saved.plain == "0/2 0% ✗"
        assert buffer.plain == "2/2 100% ✓ ↑100"
        colours = app.theme_variables
        arrow = next(span for span in buffer.spans if buffer.plain[span.start:span.end] == " ↑100")
        assert colours["success"] in str(arrow.style)
        mark = next(span for span in saved.spans if saved.plain[span.start:span.end] == "✗")
        assert colours["error"] in str(mark.style)
        # Both pass the other case alike: no arrow.
        assert cell(screen, "short-reply", "buffer").plain == "1/1 100% ✓"
        assert cell(screen, "summary", "saved").plain.startswith("1/2 ok $")
        assert cell(screen, "summary", "buffer").plain.startswith("2/2 ok $")
        assert "6/6 samples · 4 passing" in str(screen.query_one("#tests-progress-label").render())
        assert len(fake_api.bodies()) == 6


async def test_a_run_in_the_view_is_kept_in_the_history_workbench_test_shows(make_app, project, fake_api):
    from workbench.testing.history import history_of

    answer_by_prompt(fake_api)
    app = make_app("note-writer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        screen = await open_tests(pilot, TWEAK)
        await pilot.press("r")
        await until_idle(pilot, screen)
        await until(pilot, lambda: len(history_of("note-writer", screen.cwd).versions) == 2)

    history = history_of("note-writer", screen.cwd)
    sha = {v: hashlib.sha256(screen.texts[v].encode()).hexdigest() for v in ("saved", "buffer")}
    assert {v.sha256 for v in history.versions} == set(sha.values())  # one version per text run
    says_done = next(by for (_, case), by in history.cases.items() if case == "says-done")
    assert says_done == {sha["saved"]: [2, 0], sha["buffer"]: [2, 2]}  # [samples, passed]


async def test_the_worse_buffer_is_marked_down_in_the_error_colour(make_app, project, fake_api, agents_dir):
    (agents_dir / "note-writer.md").write_text(AGENT.replace("You write notes.", "You write notes." + TWEAK))
    answer_by_prompt(fake_api)
    app = make_app("note-writer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        editor = app.main_screen.editor
        editor.text = editor.text.replace(TWEAK, "")
        screen = await open_tests(pilot)
        await pilot.press("r")
        await until_idle(pilot, screen)
        buffer = cell(screen, "says-done", "buffer")
        assert buffer.plain == "0/2 0% ✗ ↓100"
        arrow = next(span for span in buffer.spans if buffer.plain[span.start:span.end] == " ↓100")
        assert app.theme_variables["error"] in str(arrow.style)


async def test_one_column_when_the_buffer_is_the_saved_file(make_app, project, fake_api):
    answer_by_prompt(fake_api)
    app = make_app("note-writer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        screen = await open_tests(pilot)
        assert screen.variants == ["buffer"]
        assert "buffer = saved" in screen_text(app)
        await pilot.press("r")
        await until_idle(pilot, screen)
        assert cell(screen, "says-done", "buffer").plain == "0/2 0% ✗"
        assert len(fake_api.bodies()) == 3


async def test_run_one_runs_only_the_selected_case_under_both_variants(make_app, project, fake_api):
    answer_by_prompt(fake_api)
    app = make_app("note-writer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        screen = await open_tests(pilot, TWEAK)
        await pilot.press("down", "c")
        await until_idle(pilot, screen)
        assert cell(screen, "short-reply", "saved").plain == "1/1 100% ✓"
        assert cell(screen, "short-reply", "buffer").plain == "1/1 100% ✓"
        assert cell(screen, "says-done", "saved").plain == "—"
        assert [b["messages"][0]["content"][-1]["text"] for b in fake_api.bodies()] == [
            "Write a short note."] * 2


async def test_a_sample_s_transcript_is_one_key_away(make_app, project, fake_api):
    answer_by_prompt(fake_api)
    app = make_app("note-writer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        screen = await open_tests(pilot, TWEAK)
        await pilot.press("r")
        await until_idle(pilot, screen)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SamplesScreen))
        samples = app.screen
        assert [(variant, s.index, s.passed) for variant, s in samples.rows] == [
            ("saved", 1, False), ("saved", 2, False), ("buffer", 1, True), ("buffer", 2, True)]
        detail = str(samples.query_one("#samples-detail").render())
        assert "output_contains: DONE — the reply does not contain 'DONE'" in detail
        await pilot.press("down", "down", "t")
        await until(pilot, lambda: isinstance(app.screen, TranscriptScreen))
        viewer = app.screen
        assert str(viewer.path) == samples.rows[2][1].transcript and viewer.path.is_file()
        await until(pilot, lambda: viewer.loaded)
        assert "DONE: noted." in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is samples)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)


async def test_cancel_stops_the_run_and_keeps_what_finished(make_app, project, fake_api):
    held = threading.Event()
    fake_api.route(lambda body: "short" in str(body["messages"]),
                   lambda: text_reply("msg_quick", "Noted."))
    fake_api.route(lambda body: True,
                   lambda: Reply.sse([start("msg_slow"), *text(0, "Writ"), *end("end_turn")], hold=held))
    app = make_app("note-writer.md")
    try:
        async with app.run_test(size=(140, 36)) as pilot:
            screen = await open_tests(pilot)
            await pilot.press("r")
            await until(pilot, lambda: cell(screen, "short-reply", "buffer").plain == "1/1 100% ✓")
            assert cell(screen, "says-done", "buffer").plain == "running 0/2…"
            await until(pilot, lambda: len(fake_api.bodies()) == 3)
            await pilot.press("x")
            await until_idle(pilot, screen)
            assert cell(screen, "says-done", "buffer").plain == "cancelled 0/2"
            assert cell(screen, "short-reply", "buffer").plain == "1/1 100% ✓"
            # Esc while a run goes cancels it; with none, it closes the view.
            await pilot.press("r")
            await until(pilot, lambda: screen.running)
            await pilot.press("escape")
            await until_idle(pilot, screen)
            assert app.screen is screen
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is app.main_screen)
    finally:
        held.set()


async def test_the_palette_opens_the_tests_view(make_app, project):
    app = make_app("note-writer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        await run_command(pilot, "tests: open the Tests view")
        await until(pilot, lambda: isinstance(app.screen, tests_view.TestsScreen))
        assert app.screen.path.name == "note-writer.md"


async def test_results_stay_for_the_same_text_so_a_tweak_is_measured_against_the_saved_numbers(
        make_app, project, fake_api):
    answer_by_prompt(fake_api)
    app = make_app("note-writer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        screen = await open_tests(pilot, TWEAK)
        await pilot.press("r")
        await until_idle(pilot, screen)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main_screen)

        # The same texts again: the numbers are there at once.
        screen = await open_tests(pilot)
        assert cell(screen, "says-done", "saved").plain == "0/2 0% ✗"
        assert cell(screen, "says-done", "buffer").plain == "2/2 100% ✓ ↑100"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main_screen)

        # Another tweak: the saved file's numbers stay, the new buffer has none yet.
        await type_text(pilot, " Be brief.")
        screen = await open_tests(pilot)
        assert cell(screen, "says-done", "saved").plain == "0/2 0% ✗"
        assert cell(screen, "says-done", "buffer").plain == "—"
        assert cell(screen, "summary", "saved").plain.startswith("1/2 ok")


async def test_b_runs_only_the_buffer_against_the_saved_numbers_kept(make_app, project, fake_api):
    answer_by_prompt(fake_api)
    app = make_app("note-writer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        screen = await open_tests(pilot, TWEAK)
        await pilot.press("r")
        await until_idle(pilot, screen)
        before = len(fake_api.bodies())
        await pilot.press("b")
        await until(pilot, lambda: len(fake_api.bodies()) - before == 3)
        await until_idle(pilot, screen)
        assert cell(screen, "says-done", "saved").plain == "0/2 0% ✗"
        assert all(TWEAK.strip() in str(body["system"]) for body in fake_api.bodies()[before:])
        assert len(fake_api.bodies()) - before == 3
        assert cell(screen, "says-done", "buffer").plain == "2/2 100% ✓ ↑100"
        assert "3/3 samples" in str(screen.query_one("#tests-progress-label").render())


async def test_an_agent_not_on_disk_has_one_column_for_its_buffer(make_app, project):
    app = make_app("note-writer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        path = app.main_screen.path
        path.unlink()
        app.push_screen(tests_view.TestsScreen(path, AGENT, None))
        await until(pilot, lambda: "not on disk" in screen_text(app))
        screen = app.screen
        assert screen.variants == ["buffer"]
        shown = screen_text(app)
        assert "editor buffer (not on disk)" in shown and "buffer = saved" not in shown


async def test_a_bundled_agent_lists_the_suite_shipped_beside_it():
    from workbench.agents.catalog import Scope, ScopeKind
    from workbench.paths import bundled_agents_dir
    from workbench.ui.app import WorkbenchApp

    shipped = bundled_agents_dir()
    app = WorkbenchApp([Scope(ScopeKind.BUNDLED, shipped)], open_path=shipped / "code-reviewer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        screen = await open_tests(pilot)
        assert [f.path for f in screen.found] == [shipped / "tests" / "code-reviewer.yaml"]
        assert "bundled tests/code-reviewer.yaml" in screen_text(app)
        assert len(screen.cases) == len(screen.found[0].suite.cases) > 0


def test_a_sample_s_detail_names_failures_refusals_passed_judgements_and_its_transcript():
    from workbench.testing.runner import Sample
    from workbench.ui.screens.test_samples import sample_detail

    sample = Sample(2, failures=[("output_contains: DONE", "the reply does not contain 'DONE'")],
                    refusals=[{"tool": "Bash", "by": "headless", "reason": "nobody to ask"}],
                    judgements=[{"criteria": "Is polite.", "verdict": "pass", "reason": "It thanks the user."}],
                    judge_cost_usd=0.0021, transcript="/data/t/run.jsonl")
    assert sample_detail(sample).plain.splitlines() == [
        "✗ output_contains: DONE — the reply does not contain 'DONE'",
        "refused Bash: nobody to ask",
        "judge passed: Is polite. — It thanks the user.",
        "judge cost $0.0021 (apart from the run's)",
        "transcript /data/t/run.jsonl"]


async def test_the_samples_run_in_the_chat_pane_s_engine_and_claude_code_needs_no_key(make_app, project):
    app = make_app("note-writer.md")
    async with app.run_test(size=(160, 36)) as pilot:
        screen = await open_tests(pilot)
        assert "built-in engine" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main_screen)
        app.main_screen.chat.engine = "claude-code"
        screen = await open_tests(pilot)
        assert "Claude Code" in screen_text(app)
        assert NO_KEY_TEXT.splitlines()[0] not in screen_text(app)


async def test_a_run_that_cannot_start_is_reported_and_the_app_goes_on(make_app, project, fake_api):
    app = make_app("note-writer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        app.main_screen.chat.engine = "steam"
        screen = await open_tests(pilot)
        await pilot.press("r")
        await until_idle(pilot, screen)
        assert any("the run stopped: unknown engine 'steam'" in str(n.message) for n in app._notifications)
        assert cell(screen, "says-done", "buffer").plain == "cancelled 0/2"
        assert app.is_running and fake_api.bodies() == []


async def test_quitting_as_the_view_opens_is_clean(make_app, project):
    app = make_app("note-writer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        app.push_screen(tests_view.TestsScreen(app.main_screen.path, AGENT, None))
    # Leaving the block shuts the app down with the view half built: nothing may raise.
    assert app.return_code in (0, None)
