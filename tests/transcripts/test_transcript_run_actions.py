"""The viewer's keys from the app's keymap table, the subagent's prompt in its nested block, and a
workbench run's agent: shown as it was run, and re-run with today's definition."""

from __future__ import annotations

from pathlib import Path

from run_fixtures import AS_RUN_TEXT, write_run

from workbench.agents.catalog import Catalog, Scope, ScopeKind
from workbench.settings import Settings
from workbench.transcripts.events import AgentSnapshot
from workbench.transcripts.origin import RunOrigin, run_origin
from workbench.transcripts.reader import read_transcript
from workbench.ui.chat.tool_block import ToolCallBlock
from workbench.ui.key_settings import check_keymap
from workbench.ui.keymap import TRANSCRIPT_KEYS, effective_keys
from workbench.ui.screens.agent_as_run import AgentAsRunScreen
from workbench.ui.screens.help import HelpScreen
from workbench.ui.screens.transcript_view import TranscriptScreen
from workbench.ui.screens.transcripts import TranscriptBrowser
from workbench.ui.transcript_rerun import launch_rerun, todays_agent
from workbench.ui.transcripts_app import TranscriptsApp


async def _loaded(pilot):
    for _ in range(200):
        await pilot.pause()
        if getattr(pilot.app.screen, "loaded", False):
            break
    await pilot.pause()


# -- keys -----------------------------------------------------------------------------------------


def test_every_binding_of_the_transcript_screens_is_in_the_keymap_table():
    table = {spec.id for spec in TRANSCRIPT_KEYS}
    for screen in (TranscriptScreen, TranscriptBrowser):
        ids = {b.id for b in screen.BINDINGS}
        assert ids and ids <= table
    assert check_keymap({"transcript.next_call": "j"}).problems == []
    assert effective_keys({})["transcript.rerun_today"] == "r"


async def test_a_remapped_key_moves_between_calls_and_f1_lists_the_transcript_keys(rich_session):
    app = TranscriptsApp(rich_session, settings=Settings(keys={"transcript.next_call": "j"}))
    async with app.run_test(size=(100, 40)) as pilot:
        await _loaded(pilot)
        await pilot.press("j")
        assert isinstance(app.focused, ToolCallBlock)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        rows = [app.screen.query_one("#help-keys").get_row_at(i)
                for i in range(app.screen.query_one("#help-keys").row_count)]
        assert ["j", "transcript.next_call"] in [[str(cell) for cell in row[:2]] for row in rows]


# -- the subagent's prompt ------------------------------------------------------------------------


async def test_an_agent_call_shows_the_subagents_prompt_first_in_its_nested_run(rich_session):
    app = TranscriptsApp(rich_session)
    async with app.run_test(size=(100, 50)) as pilot:
        await _loaded(pilot)
        agent = next(b for b in app.screen.query(ToolCallBlock) if b.call_id == "toolu_agent")
        first = agent.nested.children[0]
        assert first.has_class("tool-prompt")
        assert str(first.render()) == "Prompt Review app.py"


# -- the run's agent ------------------------------------------------------------------------------


def test_the_origin_of_a_workbench_run_is_its_agent_snapshot_and_first_prompt(tmp_path, rich_session):
    origin = run_origin(read_transcript(write_run(tmp_path / "run.jsonl")))
    assert origin.agent.text == AS_RUN_TEXT and origin.prompt == "fix the greeting"
    assert run_origin(read_transcript(rich_session)) is None


async def test_o_shows_the_definition_as_run_read_only_and_labelled(tmp_path):
    agent = tmp_path / "agents" / "fixer.md"
    agent.parent.mkdir()
    agent.write_text(AS_RUN_TEXT + "Also add tests.\n", encoding="utf-8")
    app = TranscriptsApp(write_run(tmp_path / "run.jsonl", agent_path=str(agent)))
    async with app.run_test(size=(100, 20)) as pilot:
        await _loaded(pilot)
        await pilot.press("o")
        screen = app.screen
        assert isinstance(screen, AgentAsRunScreen)
        text = screen.query_one("#as-run-text")
        assert text.text == AS_RUN_TEXT and text.read_only
        label = str(screen.query_one("#as-run-label").render())
        assert label.startswith("Definition as run") and "the file differs today" in label
        await pilot.press("escape")
        assert isinstance(app.screen, TranscriptScreen)


async def test_a_claude_code_session_offers_no_agent_to_show_or_rerun(rich_session):
    app = TranscriptsApp(rich_session)
    async with app.run_test(size=(100, 20)) as pilot:
        await _loaded(pilot)
        footer = {b.binding.id for b in app.screen.active_bindings.values() if b.enabled}
        assert "transcript.next_call" in footer and "transcript.agent_as_run" not in footer
        await pilot.press("o", "r")
        assert isinstance(app.screen, TranscriptScreen) and app.return_value is None


async def test_r_in_the_standalone_viewer_leaves_with_the_run_for_the_full_app(tmp_path):
    app = TranscriptsApp(write_run(tmp_path / "run.jsonl"))
    async with app.run_test(size=(100, 20)) as pilot:
        await _loaded(pilot)
        await pilot.press("r")
        await pilot.pause()
    assert app.return_value.prompt == "fix the greeting"
    assert app.return_value.agent.name == "fixer"


def test_todays_definition_is_the_file_at_the_runs_path_else_the_agent_of_that_name(tmp_path):
    folder = tmp_path / ".claude" / "agents"
    folder.mkdir(parents=True)
    (folder / "fixer.md").write_text("---\nname: fixer\ndescription: Fixes.\n---\nToday.\n",
                                     encoding="utf-8")
    catalog = Catalog.load([Scope(ScopeKind.PROJECT, folder)])
    moved = AgentSnapshot("fixer", str(tmp_path / "old" / "fixer.md"), AS_RUN_TEXT)
    assert todays_agent(catalog, moved) == folder / "fixer.md"
    assert todays_agent(catalog, AgentSnapshot("fixer", str(folder / "fixer.md"), "")) \
        == folder / "fixer.md"
    assert todays_agent(catalog, AgentSnapshot("nobody", None, "")) is None


def test_rerunning_an_agent_that_exists_nowhere_today_says_why_without_opening_the_app(tmp_path):
    origin = RunOrigin(AgentSnapshot("ghost", str(tmp_path / "ghost.md"), ""), "hi", "m", "run-1")
    problem = launch_rerun(origin, tmp_path)
    assert problem.startswith("Cannot re-run:") and "no agent named ghost" in problem


def test_snapshot_of_the_definition_as_run(snap_compare, tmp_path):
    # A relative snapshot path, so the picture is the same in any checkout.
    run = write_run(tmp_path / "run.jsonl", agent_path="agents/fixer.md")

    async def run_before(pilot):
        await _loaded(pilot)
        await pilot.press("o")
        await pilot.pause()

    assert snap_compare(TranscriptsApp(run), terminal_size=(80, 14), run_before=run_before)
