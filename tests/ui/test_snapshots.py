"""Snapshots of the main screen and its dialogs (pytest-textual-snapshot).

The agents live under HOME, so every path on screen reads `~/project/...` whatever the temp folder.
"""

from __future__ import annotations

import pytest

from tests.ui.conftest import CLEAN_AGENT
from tests.ui.helpers import settle
from workbench.ui.app import WorkbenchApp

SIZE = (140, 36)


@pytest.fixture
def snapshot_app(make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))

    def build(open_name: str = "code-reviewer.md", **kwargs):
        return make_app(open_name, **kwargs)

    return build


class TestMainScreen:
    def test_a_clean_agent(self, snap_compare, snapshot_app):
        assert snap_compare(snapshot_app(), terminal_size=SIZE, run_before=settle)

    def test_a_broken_agent_with_underlines_marks_and_problems(self, snap_compare, snapshot_app):
        assert snap_compare(snapshot_app("test-runner.md"), terminal_size=SIZE, run_before=settle)

    def test_the_problems_list_with_a_problem_chosen(self, snap_compare, snapshot_app):
        async def choose_second_problem(pilot):
            await settle(pilot)
            problems = pilot.app.screen.query_one("#problems")
            problems.focus()
            problems.move_cursor(row=3)
            await pilot.pause()

        assert snap_compare(snapshot_app("test-runner.md"), terminal_size=SIZE,
                            run_before=choose_second_problem)

    def test_the_light_theme(self, snap_compare, snapshot_app, fixed_settings):
        fixed_settings.write_text(fixed_settings.read_text().replace(
            'theme = "workbench-dark"', 'theme = "workbench-light"'))
        assert snap_compare(snapshot_app("test-runner.md"), terminal_size=SIZE, run_before=settle)


class TestDialogs:
    def test_the_conflict_banner(self, snap_compare, snapshot_app, agents_dir):
        async def conflict(pilot):
            await settle(pilot)
            editor = pilot.app.main_screen.editor
            editor.focus()
            editor.move_cursor_to_offset(len(editor.text))
            await pilot.press(*"Mine.")
            path = agents_dir / "code-reviewer.md"
            path.write_text(CLEAN_AGENT + "Theirs.")
            pilot.app.post_message(WorkbenchApp.FilesChanged({path}))
            await settle(pilot)

        assert snap_compare(snapshot_app(), terminal_size=SIZE, run_before=conflict)

    def test_the_new_agent_dialog(self, snap_compare, snapshot_app):
        async def new_agent(pilot):
            await settle(pilot)
            await pilot.press("ctrl+n")
            await pilot.press(*"doc-writer")
            await pilot.pause()

        assert snap_compare(snapshot_app(), terminal_size=SIZE, run_before=new_agent)


class TestLayout:
    """The panes at the sizes terminals open at: 80x24 shows the list and the editor (the chat
    comes with F4 in place of the list); 120x32 shows all three, sharing the width."""

    def test_80x24(self, snap_compare, snapshot_app):
        assert snap_compare(snapshot_app("test-runner.md"), terminal_size=(80, 24),
                            run_before=settle)

    def test_80x24_with_the_chat(self, snap_compare, snapshot_app):
        async def chat(pilot):
            await settle(pilot)
            await pilot.press("f4")
            await pilot.pause()

        assert snap_compare(snapshot_app("test-runner.md"), terminal_size=(80, 24), run_before=chat)

    def test_the_transcript_browser_at_80x24(self, snap_compare, snapshot_app, tmp_path):
        from tests.transcripts.transcript_fixtures import write_rich_session

        write_rich_session(tmp_path / ".claude" / "projects" / "-home-dev-project")

        async def browse(pilot):
            await settle(pilot)
            await pilot.press("ctrl+t")
            for _ in range(100):
                await pilot.pause()
                if getattr(pilot.app.screen, "loaded", False):
                    break
            await pilot.pause()

        assert snap_compare(snapshot_app(), terminal_size=(80, 24), run_before=browse)

    def test_120x32(self, snap_compare, snapshot_app):
        assert snap_compare(snapshot_app("test-runner.md"), terminal_size=(120, 32),
                            run_before=settle)
