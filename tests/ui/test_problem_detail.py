"""The line under the problems list: the whole message of the problem at hand, wrapped."""

from __future__ import annotations

from tests.ui.helpers import screen_text, settle


def detail_on_screen(app) -> str:
    """The detail line's text as drawn (its wrapped rows joined by spaces)."""
    detail = app.main_screen.query_one("#problem-detail")
    region = detail.content_region
    rows = screen_text(app).splitlines()[region.y:region.y + region.height]
    return " ".join(row[region.x:region.x + region.width].strip() for row in rows)


async def test_the_highlighted_problem_s_whole_message_is_on_screen(make_app):
    app = make_app("test-runner.md")
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        problems = app.main_screen.problems
        longest = max(range(len(problems.diagnostics)),
                      key=lambda i: len(problems.diagnostics[i].message))
        message = problems.diagnostics[longest].message
        assert len(message) > problems.size.width  # the list cannot show it whole
        problems.focus()
        problems.move_cursor(row=longest)
        wanted = " ".join(message.split())
        for _ in range(50):  # the detail grows to its wrapped height a refresh or two later
            await pilot.pause()
            shown = detail_on_screen(app)
            if wanted in " ".join(shown.split()):
                break
        assert wanted in " ".join(shown.split())
        assert shown.startswith(problems.diagnostics[longest].code)


async def test_in_the_editor_the_problem_at_the_cursor_is_detailed(make_app):
    app = make_app("test-runner.md")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        editor = screen.editor
        colour = next(d for d in editor.diagnostics if d.code == "AG171")
        editor.focus()
        editor.move_cursor_to_offset(colour.start)
        await pilot.pause()
        shown = detail_on_screen(app)
        assert shown.startswith("AG171 6:8")
        assert " ".join(colour.message.split()) in " ".join(shown.split())
        editor.move_cursor((0, 1))  # line 1, `---`: no problem there
        await pilot.pause()
        assert "no problem at the cursor" in detail_on_screen(app)


async def test_no_detail_line_for_an_agent_without_problems(make_app):
    app = make_app("code-reviewer.md")
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        assert not app.main_screen.query_one("#problem-detail").display
