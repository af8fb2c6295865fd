"""The transcript browser inside the app (Ctrl+T, the palette) and a workbench run re-run from its
transcript with today's definition of its agent, in the chat pane."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from fake_api import text_reply

from tests.ui.helpers import run_command, settle
from workbench.transcripts.events import AgentSnapshot
from workbench.transcripts.origin import RunOrigin
from workbench.ui.chat.pane import ChatPane
from workbench.ui.screens.main import MainScreen
from workbench.ui.screens.transcript_view import TranscriptScreen
from workbench.ui.screens.transcripts import TranscriptBrowser
from workbench.ui.transcript_rerun import rerun_app

from .test_chat_pane import until

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "transcripts"))

from run_fixtures import write_run  # noqa: E402


async def test_ctrl_t_and_the_palette_open_the_transcript_browser_and_esc_comes_back(make_app):
    app = make_app("code-reviewer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")  # from the editor, where F6 and F7 select text
        await pilot.pause()
        assert isinstance(app.screen, TranscriptBrowser)
        await pilot.press("ctrl+t")  # a second press does not stack another browser
        assert sum(isinstance(s, TranscriptBrowser) for s in app.screen_stack) == 1
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await run_command(pilot, "transcripts: browse")
        assert isinstance(app.screen, TranscriptBrowser)


async def test_r_reruns_the_first_prompt_with_todays_definition_found_by_name(
        fake_api, make_app, agents_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(agents_dir.parent.parent)  # runs work in the project folder
    fake_api.add(text_reply("msg_1", "Reviewed."))
    # Run when the agent lived elsewhere and said something else: today's file is found by name.
    run = write_run(tmp_path / "runs" / "run.jsonl", agent_name="code-reviewer",
                    agent_path=str(tmp_path / "old" / "code-reviewer.md"),
                    agent_text="---\nname: code-reviewer\n---\nYesterday's words.\n",
                    prompt="review main.py")
    app = make_app("test-runner.md")
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        app.push_screen(TranscriptScreen(run))
        await until(pilot, lambda: getattr(app.screen, "loaded", False))
        await pilot.press("r")
        pane = app.main_screen.query_one(ChatPane)
        await until(pilot, lambda: pane.runs and not pane.running)
        assert isinstance(app.screen, MainScreen)
        assert app.main_screen.path == agents_dir / "code-reviewer.md"
        body = fake_api.bodies()[0]
        assert "meticulous code reviewer" in json.dumps(body["system"])
        assert "Yesterday" not in json.dumps(body["system"])
        assert body["messages"][0]["content"][0]["text"] == "review main.py"


async def test_a_run_whose_agent_exists_nowhere_today_is_not_rerun_and_says_why(make_app, tmp_path):
    run = write_run(tmp_path / "run.jsonl", agent_name="ghost", agent_path=None)
    app = make_app("code-reviewer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        app.push_screen(TranscriptScreen(run))
        await until(pilot, lambda: getattr(app.screen, "loaded", False))
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, TranscriptScreen)
        assert app.main_screen.query_one(ChatPane).runs == []
        assert any("no agent named ghost" in n.message for n in app._notifications)


async def test_the_standalone_viewers_rerun_opens_the_full_app_on_the_agent_and_runs_the_prompt(
        fake_api, agents_dir, monkeypatch):
    project = agents_dir.parent.parent
    monkeypatch.chdir(project)
    fake_api.add(text_reply("msg_1", "Reviewed."))
    origin = RunOrigin(AgentSnapshot("code-reviewer", None, "old words"), "review main.py",
                       "claude-haiku-4-5", "run-7")
    app = rerun_app(origin, project)
    async with app.run_test(size=(140, 36)) as pilot:
        await until(pilot, lambda: _ran_once(app))
        assert app.main_screen.path == agents_dir / "code-reviewer.md"
        assert fake_api.bodies()[0]["messages"][0]["content"][0]["text"] == "review main.py"


def _ran_once(app) -> bool:
    # The chat pane mounts just after the first frame; until then there is no run to look at.
    panes = app.main_screen.query(ChatPane)
    return bool(panes) and len(panes.first().runs) == 1 and not panes.first().running
