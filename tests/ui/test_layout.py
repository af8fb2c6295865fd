"""The main screen's layout: the panes share the width, a narrow terminal shows fewer of them, and
keys hide or show the agent list and the chat column."""

from __future__ import annotations

from tests.ui.helpers import run_command, screen_text, settle
from workbench.settings import load_settings
from workbench.ui.screens.main import panes_shown

ALL = ["editor", "sidebar", "chat"]


def shown(app) -> set[str]:
    screen = app.main_screen
    return {pane for pane in ("sidebar", "editor", "chat") if screen.pane_shown(pane)}


def width_of(app, selector: str) -> int:
    return app.main_screen.query_one(selector).outer_size.width


def test_as_many_panes_as_fit_the_editor_always_among_them_when_two_fit():
    assert panes_shown(140, ALL, set()) == {"sidebar", "editor", "chat"}
    assert panes_shown(80, ALL, set()) == {"sidebar", "editor"}
    assert panes_shown(80, ["chat", "editor", "sidebar"], set()) == {"chat", "editor"}
    assert panes_shown(80, ["sidebar", "chat", "editor"], set()) == {"sidebar", "editor"}
    assert panes_shown(60, ALL, set()) == {"editor"}
    assert panes_shown(60, ["sidebar", "editor", "chat"], set()) == {"sidebar"}
    # Hidden with a key: the room goes to the next pane wanted, or to the editor alone.
    assert panes_shown(80, ALL, {"sidebar"}) == {"editor", "chat"}
    assert panes_shown(140, ALL, {"sidebar", "chat"}) == {"editor"}
    assert panes_shown(60, ["sidebar", "editor", "chat"], {"sidebar"}) == {"editor"}


async def test_a_wide_terminal_shares_its_width_among_the_three_panes(make_app):
    app = make_app()
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        assert shown(app) == {"sidebar", "editor", "chat"}
        sidebar, editor, chat = (width_of(app, s) for s in ("#sidebar", "#editor-column", "#chat-column"))
        assert sidebar + editor + chat == 120
        assert editor > sidebar >= 28 and chat >= 30
        await pilot.resize_terminal(160, 40)
        await pilot.pause()
        # In proportion: every pane gets some of the extra width.
        assert width_of(app, "#sidebar") > sidebar and width_of(app, "#chat-column") > chat
        assert width_of(app, "#editor-column") > editor


async def test_at_80_columns_the_chat_waits_and_f4_brings_it_in_place_of_the_list(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert shown(app) == {"sidebar", "editor"}
        assert width_of(app, "#editor-column") >= 48
        await pilot.press("f4")
        await pilot.pause()
        assert shown(app) == {"editor", "chat"}
        assert app.focused.id == "chat-input"
        await pilot.press("f2")
        await pilot.pause()
        assert shown(app) == {"sidebar", "editor"}
        assert app.focused.id == "agent-tree"


async def test_f5_shows_the_hidden_chat_column(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.main_screen.pane_shown("chat")
        await pilot.press("f5")  # no task typed: the pane says so, in view
        await pilot.pause()
        assert app.main_screen.pane_shown("chat")


async def test_at_60_columns_one_pane_at_a_time_and_choosing_an_agent_returns_to_the_editor(
        make_app):
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        assert shown(app) == {"editor"}
        assert width_of(app, "#editor-column") == 60
        await pilot.press("f2")
        await pilot.pause()
        assert shown(app) == {"sidebar"}
        assert width_of(app, "#sidebar") == 60
        tree = app.main_screen.query_one("#agent-tree")
        row = next(n for n in tree.root.children[0].children if n.data.path.name == "test-runner.md")
        tree.move_cursor(row)
        await pilot.press("enter")
        await pilot.pause()
        assert shown(app) == {"editor"}
        assert app.main_screen.path.name == "test-runner.md"
        assert app.focused.id == "editor"
        await pilot.press("f4")
        await pilot.pause()
        assert shown(app) == {"chat"}


async def test_the_toggle_keys_hide_and_show_and_focus_goes_to_the_editor(make_app):
    app = make_app()
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        editor_width = width_of(app, "#editor-column")
        await pilot.press("f2")
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert shown(app) == {"editor", "chat"}
        assert app.focused.id == "editor"  # the focused list went: the editor has the keys
        assert width_of(app, "#editor-column") > editor_width
        await pilot.press("f4")
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert shown(app) == {"editor"}
        assert app.focused.id == "editor"
        assert width_of(app, "#editor-column") == 120
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert shown(app) == {"sidebar", "editor"}
        assert app.focused.id == "editor"  # showing a pane does not take the keys from the editor
        await pilot.press("f4")  # a hidden pane's key shows it
        await pilot.pause()
        assert shown(app) == {"sidebar", "editor", "chat"}
        assert app.focused.id == "chat-input"
        await pilot.press("f11", "f12")  # the second keys, for tmux (which takes ctrl+b)
        await pilot.pause()
        assert shown(app) == {"editor"}
        assert app.focused.id == "editor"


async def test_hidden_stays_hidden_across_a_resize_and_narrowing_hides_the_chat(make_app):
    app = make_app()
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+b")
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert shown(app) == {"editor", "chat"}
        await pilot.resize_terminal(120, 32)
        await pilot.pause()
        assert shown(app) == {"editor", "chat"}
        await pilot.press("ctrl+b")
        await pilot.resize_terminal(90, 32)
        await pilot.pause()
        assert shown(app) == {"sidebar", "editor"}  # the list was wanted last


async def test_the_toggles_are_remappable_and_in_the_palette(make_app, fixed_settings):
    fixed_settings.write_text(fixed_settings.read_text()
                              + '\n[keys]\ntoggle_sidebar = "ctrl+o"\ntoggle_chat = "alt+g"\n')
    app = make_app(settings=load_settings())
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o", "alt+g")
        await pilot.pause()
        assert shown(app) == {"editor"}
        await run_command(pilot, "view: show or hide the agent list")
        await run_command(pilot, "view: show or hide the chat")
        await pilot.pause()
        assert shown(app) == {"sidebar", "editor", "chat"}


async def test_the_editor_rewraps_on_screen_when_a_pane_takes_its_room(make_app):
    app = make_app("test-runner.md")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")  # the chat comes in; the editor narrows from 52 to 44 columns
        await pilot.pause()
        lines = [line.split("│")[0] for line in screen_text(app).splitlines()]
        # The body line wraps before "failures", drawn so, not the wider wrap cut at the edge.
        assert any(line.rstrip().endswith("and report") for line in lines), lines
        assert any(line.strip().startswith("failures with their causes.") for line in lines)


async def test_the_list_hidden_at_launch_has_its_cursor_on_the_open_agent(make_app):
    app = make_app("test-runner.md")
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await pilot.pause()
        tree = app.main_screen.query_one("#agent-tree")
        assert tree.cursor_node.data.path.name == "test-runner.md"
        await pilot.press("enter")  # opens it again: back to the editor, the list intact
        await pilot.pause()
        assert shown(app) == {"editor"}
        assert tree.root.children[0].is_expanded


async def test_a_rerun_from_a_transcript_shows_the_hidden_chat(fake_api, make_app, agents_dir,
                                                                tmp_path, monkeypatch):
    import sys
    from pathlib import Path

    from fake_api import text_reply

    from tests.ui.chat.test_chat_pane import until
    from workbench.ui.screens.transcript_view import TranscriptScreen

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "transcripts"))
    from run_fixtures import write_run

    monkeypatch.chdir(agents_dir.parent.parent)
    fake_api.add(text_reply("msg_1", "Reviewed."))
    run = write_run(tmp_path / "runs" / "run.jsonl", agent_name="code-reviewer",
                    agent_path=str(agents_dir / "code-reviewer.md"), prompt="review main.py")
    app = make_app("test-runner.md")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.main_screen.pane_shown("chat")
        app.push_screen(TranscriptScreen(run))
        await until(pilot, lambda: getattr(app.screen, "loaded", False))
        await pilot.press("r")
        pane = app.main_screen.chat
        await until(pilot, lambda: pane.runs and not pane.running)
        assert app.main_screen.pane_shown("chat")


async def test_a_permission_question_brings_the_hidden_chat_back(fake_api, make_app, agents_dir,
                                                                 monkeypatch):
    from fake_api import text_reply

    from tests.ui.chat.test_chat_pane import tool_reply, until
    from workbench.ui.chat.permission_prompt import PermissionPrompt

    monkeypatch.chdir(agents_dir.parent.parent)
    asks = tool_reply("msg_1", "toolu_b", "Bash", {"command": "echo hi"})
    asks.delay = 0.5  # the person has gone back to the list meanwhile
    fake_api.add(asks, text_reply("msg_2", "Done."))
    app = make_app("test-runner.md")  # its tools include Bash, which asks first
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4", *"run it", "enter")
        await pilot.press("f2")
        await pilot.pause()
        assert not app.main_screen.pane_shown("chat")
        pane = app.main_screen.chat
        await until(pilot, lambda: bool(pane.query(PermissionPrompt)))
        await pilot.pause()
        assert pane.query_one(PermissionPrompt).has_focus
        assert app.main_screen.pane_shown("chat")
        await pilot.press("y")
        await until(pilot, lambda: pane.runs and not pane.running)


async def test_a_pane_shown_in_place_of_the_focused_one_takes_the_keys(make_app):
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        assert app.focused.id == "editor"
        await pilot.press("ctrl+b")  # one pane at a time: the list replaces the editor
        await pilot.pause()
        assert shown(app) == {"sidebar"}
        assert app.focused.id == "agent-tree"
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert shown(app) == {"sidebar", "editor"}
        await pilot.press("ctrl+g")  # two panes: the chat replaces the focused list
        await pilot.pause()
        assert shown(app) == {"editor", "chat"}
        assert app.focused.id == "chat-input"
