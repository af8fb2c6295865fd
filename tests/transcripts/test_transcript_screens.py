"""The transcript browser and viewer: the chat pane's blocks, keys between calls, filters, search."""

from pathlib import Path

import pytest
from transcript_fixtures import Lines, tool_use, usage, write_rich_session

from workbench.ui.chat.tool_block import ToolCallBlock
from workbench.ui.screens.transcript_view import TranscriptScreen
from workbench.ui.screens.transcripts import TranscriptBrowser, full_text_search
from workbench.ui.transcripts_app import TranscriptsApp


async def _loaded(pilot):
    for _ in range(200):
        await pilot.pause()
        if pilot.app.screen.loaded:
            break
    await pilot.pause()


def _shown_ids(screen):
    from workbench.ui.screens.transcript_view import _shown

    return [b.call_id for b in screen.query(ToolCallBlock) if _shown(b)]


@pytest.fixture
def claude_root(tmp_path):
    root = tmp_path / "claude" / "projects"
    write_rich_session(root / "-home-dev-project")
    s = Lines(session_id="second")
    s.add({"type": "summary", "summary": "Write the release notes"})
    s.prompt("draft the release notes for 2.0")
    s.write(root / "-home-dev-docs" / "second.jsonl")
    return root


def _browser_app(claude_root, tmp_path):
    browser = TranscriptBrowser(claude_dirs=[claude_root], runs_dir=tmp_path / "none",
                                cache_path=tmp_path / "cache.json")
    return TranscriptsApp(browser=browser)


async def test_an_opened_session_shows_every_call_with_its_status(rich_session):
    app = TranscriptsApp(rich_session)
    async with app.run_test(size=(100, 50)) as pilot:
        await _loaded(pilot)
        blocks = {b.call_id: b for b in app.screen.query(ToolCallBlock)}
        assert blocks["toolu_bash"].status == "failed"
        assert blocks["toolu_sub_read"] in blocks["toolu_agent"].nested.children
        assert blocks["toolu_leg_glob"] in blocks["toolu_task"].nested.children


async def test_n_and_p_jump_between_tool_calls(rich_session):
    app = TranscriptsApp(rich_session)
    async with app.run_test(size=(100, 50)) as pilot:
        await _loaded(pilot)
        await pilot.press("n", "n")
        assert app.focused.call_id == "toolu_bash"
        await pilot.press("p", "p")
        assert app.focused.call_id == "toolu_leg_glob"  # wraps to the last call


async def test_filters_narrow_to_errors_one_tool_or_one_subagent(rich_session):
    app = TranscriptsApp(rich_session)
    async with app.run_test(size=(100, 50)) as pilot:
        await _loaded(pilot)
        screen = app.screen
        await pilot.press("e")
        assert _shown_ids(screen) == ["toolu_bash"]
        await pilot.press("e", "t")  # tools in name order: Agent first
        assert screen.filter == ("tool", "Agent")
        await pilot.press("t", "t", "t", "t")
        assert screen.filter == ("tool", "Read")
        assert _shown_ids(screen) == ["toolu_read", "toolu_agent", "toolu_sub_read"]
        await pilot.press("escape", "a", "a")
        assert _shown_ids(screen) == ["toolu_task", "toolu_leg_glob"]
        await pilot.press("escape")
        assert len(_shown_ids(screen)) == 7


async def test_a_missing_file_says_so_on_the_screen(tmp_path):
    app = TranscriptsApp(tmp_path / "gone.jsonl")
    async with app.run_test(size=(80, 20)) as pilot:
        await _loaded(pilot)
        header = str(app.screen.query_one("#transcript-header").render())
        assert "Cannot open" in header and "no such file" in header


async def test_the_browser_filters_rows_as_you_type_and_opens_one(claude_root, tmp_path):
    app = _browser_app(claude_root, tmp_path)
    async with app.run_test(size=(120, 20)) as pilot:
        await _loaded(pilot)
        browser = app.screen
        assert {r.title for r in browser.visible_runs()} == {"Fix the greeting", "Write the release notes"}
        await pilot.press("down", "slash", *"release")  # to the table, and "/" back to the box
        assert [r.title for r in browser.visible_runs()] == ["Write the release notes"]
        await pilot.press("escape")  # Esc in the box clears it first: both rows again
        assert len(browser.visible_runs()) == 2 and app.screen is browser
        await pilot.press(*"release", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TranscriptScreen)
        assert app.screen.path.name == "second.jsonl"


async def test_the_browser_starts_in_the_box_enter_opens_the_highlighted_row_down_goes_to_the_table(
        claude_root, tmp_path):
    app = _browser_app(claude_root, tmp_path)
    async with app.run_test(size=(120, 20)) as pilot:
        await _loaded(pilot)
        browser = app.screen
        assert browser.focused is browser.query_one("#browser-query")
        await pilot.press(*"release")  # no "/" first: typing goes straight into the box
        assert [r.title for r in browser.visible_runs()] == ["Write the release notes"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TranscriptScreen)
        assert app.screen.path.name == "second.jsonl"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is browser
        await pilot.press("ctrl+a", "ctrl+k")  # clear the box: both rows again
        assert len(browser.visible_runs()) == 2
        await pilot.press("down")
        assert browser.focused is browser.query_one("#browser-table")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TranscriptScreen)
        assert app.screen.path == Path(browser.visible_runs()[1].path)


async def test_enter_in_the_box_searches_the_full_text_subagents_included(claude_root, tmp_path):
    app = _browser_app(claude_root, tmp_path)
    async with app.run_test(size=(120, 20)) as pilot:
        await _loaded(pilot)
        # Only the subagent file of the first session says "toolu_sub_read".
        # No title says it, so Enter in the box searches the files instead of opening a row.
        await pilot.press(*"TOOLU_SUB_READ", "enter")
        for _ in range(100):
            await pilot.pause()
            if app.screen.matches is not None:
                break
        assert [r.title for r in app.screen.visible_runs()] == ["Fix the greeting"]


def test_full_text_search_maps_subagent_hits_to_their_session(claude_root):
    sessions = sorted(claude_root.rglob("*.jsonl"))
    sessions = [p for p in sessions if not p.name.startswith("agent-") and p.parent.name != "subagents"]
    assert {Path(p).name for p in full_text_search("Looks good", sessions)} == {"5e55-1111.jsonl"}
    assert full_text_search("no such words anywhere", sessions) == set()


def test_snapshot_of_an_opened_session_with_a_diff_and_a_nested_subagent(snap_compare, rich_session):
    async def run_before(pilot):
        await _loaded(pilot)
        pilot.app.screen.view.scroll_home(animate=False)
        await pilot.pause()

    assert snap_compare(TranscriptsApp(rich_session), terminal_size=(100, 60), run_before=run_before)


def test_snapshot_of_the_browser(snap_compare, claude_root, tmp_path):
    async def run_before(pilot):
        await _loaded(pilot)

    assert snap_compare(_browser_app(claude_root, tmp_path), terminal_size=(120, 12),
                        run_before=run_before)


def _big_session(path, calls=220):
    s = Lines()
    s.prompt("read everything")
    for i in range(calls):
        s.response(f"m{i}", [tool_use(f"c{i}", "Read", file_path=f"f{i}.py")], usage(1, 1),
                   request_id=f"r{i}", stop_reason="tool_use")
        s.result(f"c{i}", "x = 1\n" * 200)
    return s.write(path)


async def test_a_big_session_mounts_what_is_near_the_screen_and_more_on_the_way_down(tmp_path):
    path = _big_session(tmp_path / "big.jsonl")
    assert path.stat().st_size > 256 * 1024
    app = TranscriptsApp(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        for _ in range(200):
            await pilot.pause()
            if screen.transcript is not None and not screen._showing_head:
                break
        await pilot.pause()
        mounted = len(screen.query(ToolCallBlock))
        assert 0 < mounted < 220 and len(screen.transcript.tool_calls) == 220
        screen.view.scroll_end(animate=False, immediate=True)
        for _ in range(20):
            await pilot.pause()
        assert len(screen.query(ToolCallBlock)) > mounted
        await pilot.press("p")  # wraps to the last call mounted so far
        last = app.focused.call_id
        await pilot.press("n")  # past it: more are mounted, not a wrap to the top
        assert app.focused.call_id == f"c{int(last[1:]) + 1}"


@pytest.mark.parametrize("name, content, said", [
    ("empty.jsonl", b"", "The transcript is empty."),
    ("gone.jsonl", None, "The transcript could not be opened."),
])
async def test_a_filter_on_an_empty_or_missing_file_does_not_say_still_being_read(
        tmp_path, name, content, said):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    app = TranscriptsApp(path)
    async with app.run_test(size=(80, 20)) as pilot:
        await _loaded(pilot)
        await pilot.press("e")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert messages == [said]
