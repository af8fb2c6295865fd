"""Nothing is cut without saying so: rows and titles too long for their pane end in an ellipsis,
shorter wordings are used where there is room for them, and the lists never scroll sideways."""

from __future__ import annotations

from tests.ui.helpers import run_command, screen_text, settle


def rows_of(app, widget) -> list[str]:
    """The screen rows a widget covers, cut to its columns."""
    region = widget.region
    rows = screen_text(app).splitlines()[region.y:region.y + region.height]
    return [row[region.x:region.x + region.width] for row in rows]


async def test_the_agent_list_ends_long_rows_in_an_ellipsis_and_never_scrolls_sideways(make_app):
    app = make_app("test-runner.md")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tree = app.main_screen.query_one("#agent-tree")
        assert tree.virtual_size.width <= tree.scrollable_content_region.width
        assert not tree.show_horizontal_scrollbar
        rows = [row.rstrip() for row in rows_of(app, tree)]
        scope_row = next(row for row in rows if row.startswith("▼ project"))
        assert scope_row.endswith("…")  # the folder is longer than the list is wide
        runner = next(row for row in rows if "Test Runner" in row)
        assert "▲ 4" in runner
        # A row that fits is drawn whole; one that does not ends in the ellipsis.
        assert runner.endswith("sonnet") or runner.endswith("…")
        await pilot.resize_terminal(160, 24)  # wider: the rows are whole again
        await pilot.pause()
        rows = [row.rstrip() for row in rows_of(app, tree)]
        assert any(row.endswith("Test Runner  ▲ 4  sonnet") for row in rows)


async def test_the_problems_list_fits_its_messages_to_its_width(make_app):
    app = make_app("test-runner.md")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        problems = app.main_screen.problems
        assert problems.virtual_size.width <= problems.scrollable_content_region.width
        assert not problems.show_horizontal_scrollbar
        rows = [row.rstrip() for row in rows_of(app, problems)[1:]]  # below its title border
        assert rows and all(row.endswith("…") for row in rows if row)
        await pilot.press("f4")  # the chat takes room: the messages are cut shorter, still marked
        await pilot.pause()
        assert not problems.show_horizontal_scrollbar
        assert problems.virtual_size.width <= problems.scrollable_content_region.width


async def test_the_editor_header_says_less_where_it_is_narrow_rather_than_cutting(
        make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))  # the folder reads ~/project/.claude/agents
    app = make_app("test-runner.md")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        header = app.main_screen.query_one("#editor-header")
        line = rows_of(app, header)[0].strip()
        assert line.startswith("test-runner.md")
        assert line.endswith("scope 20/15,000")  # the numbers whole, in fewer words
        await pilot.resize_terminal(160, 24)
        await pilot.pause()
        line = rows_of(app, header)[0].strip()
        assert line.endswith("description ≈ 3 tokens · scope 20 / 15,000")  # no room for the folder
        await pilot.press("ctrl+g")  # the chat hidden: room for everything
        await pilot.pause()
        line = rows_of(app, header)[0].strip()
        assert "description ≈ 3 tokens · scope 20 / 15,000" in line
        assert line.endswith("~/project/.claude/agents")


async def test_the_chat_title_ends_in_an_ellipsis_where_it_is_cut(make_app, tmp_path):
    folder = tmp_path / ("a-rather-long-folder-name-for-the-runs" * 2)
    folder.mkdir()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await run_command(pilot, "run: working directory")
        prompt = app.screen.query_one("Input")
        prompt.value = str(folder)
        await pilot.press("enter")
        await pilot.pause()
        title = app.main_screen.chat.query_one("#chat-title")
        assert str(folder) in str(title.render())
        assert rows_of(app, title)[0].rstrip().endswith("…")


async def test_the_transcript_browser_s_hint_fits_its_box(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.pause()
        box = app.screen.query_one("#browser-query")
        assert len(box.placeholder) < box.content_region.width
        assert "Enter: open" in box.placeholder
        assert box.placeholder in screen_text(app)
        await pilot.resize_terminal(140, 24)
        await pilot.pause()
        await pilot.pause()
        assert "title, project, agent, model" in box.placeholder


async def test_the_chat_input_s_hint_fits_the_narrowest_chat_column(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:  # three panes: the chat at its narrowest
        await settle(pilot)
        box = app.main_screen.chat.query_one("#chat-input")
        assert box.content_region.width <= 30
        assert len(box.placeholder) < box.content_region.width
        assert box.placeholder in screen_text(app)
