"""The editor: live validation, underlines, gutter marks, the problems list and quick fixes."""

from __future__ import annotations

from tests.ui.conftest import BROKEN_AGENT
from tests.ui.helpers import screen_text, settle
from workbench.ui.screens.choice import ChoiceDialog
from workbench.ui.widgets.problems_list import ProblemsList


def codes(screen) -> list[str]:
    return sorted(d.code for d in screen.editor.diagnostics)


async def test_a_broken_agent_shows_its_problems_underlined_marked_and_listed(make_app):
    app = make_app("test-runner.md")
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        assert codes(screen) == ["AG113", "AG114", "AG124", "AG132", "AG132", "AG171"]
        editor = screen.editor
        # `LS` on line 4 (row 3) is underlined as a warning: bytes 13-15 of "tools: Read, LS, ..."
        assert (13, 15, "diag.warning") in editor._highlights[3]
        assert editor._markers[3].value == "warning"
        text = screen_text(app)
        assert "4▲ tools: Read, LS, MultiEdit, Bash" in text
        problems = app.screen.query_one(ProblemsList)
        assert [d.code for d in problems.diagnostics][:3] == ["AG113", "AG114", "AG124"]
        assert "0 errors · 4 warnings · 2 info" in problems.border_title
        # Sized for its rows in the first frame that has them (its border line and six rows; the
        # messages are fitted to its width, so no horizontal scrollbar), not collapsed to the
        # border line until the table measures itself on idle.
        assert problems.region.height == 7


async def test_typing_a_mistake_is_reported_and_fixing_it_clears_it(make_app):
    app = make_app("code-reviewer.md")
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        assert codes(screen) == []
        editor = screen.editor
        editor.move_cursor_to_offset(editor.text.index("Glob") + len("Glob"))
        editor.focus()
        await pilot.press("comma", "space", *"LS")
        await settle(pilot)
        assert codes(screen) == ["AG132"]
        # One warning is "1 warning", not "1 warnings".
        assert "0 errors · 1 warning · 0 info" in screen.query_one(ProblemsList).border_title
        assert screen.dirty
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await settle(pilot)
        assert codes(screen) == []


async def test_choosing_a_problem_moves_the_cursor_to_it(make_app):
    app = make_app("test-runner.md")
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        problems = app.screen.query_one(ProblemsList)
        problems.focus()
        target = problems.diagnostics[4]  # the MultiEdit entry
        problems.move_cursor(row=4)
        await pilot.press("enter")
        await pilot.pause()
        editor = app.main_screen.editor
        assert editor.cursor_offset == target.start
        assert editor.has_focus


async def test_next_problem_walks_the_findings_in_order(make_app):
    app = make_app("test-runner.md")
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        editor = app.main_screen.editor
        editor.focus()
        starts = sorted({d.start for d in editor.diagnostics})
        await pilot.press("f8")
        assert editor.cursor_offset == starts[0]
        await pilot.press("f8")
        assert editor.cursor_offset == starts[1]


async def test_the_quick_fix_key_applies_the_fix_under_the_cursor(make_app):
    app = make_app("test-runner.md")
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        editor = app.main_screen.editor
        editor.focus()
        editor.move_cursor_to_offset(editor.text.index("MultiEdit") + 2)
        await pilot.press("ctrl+full_stop")
        await settle(pilot)
        assert "tools: Read, LS, Edit, Bash" in editor.text
        assert "MultiEdit" not in editor.text
        # Only that line changed; the undo history holds the fix.
        assert editor.text.replace("LS, Edit", "LS, MultiEdit") == BROKEN_AGENT
        editor.undo()
        assert editor.text == BROKEN_AGENT


async def test_f7_applies_the_quick_fix_and_is_the_key_the_footer_shows(make_app):
    # Issue 11: tmux and GNOME Terminal never send ctrl+., yet the footer offered only that.
    app = make_app("test-runner.md")
    async with app.run_test(size=(160, 32)) as pilot:
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "f7 Fix" in footer
        assert "^. Fix" not in footer
        editor = app.main_screen.editor
        editor.focus()
        editor.move_cursor_to_offset(editor.text.index("MultiEdit") + 2)
        await pilot.press("f7")
        await settle(pilot)
        assert "tools: Read, LS, Edit, Bash" in editor.text


async def test_several_fixes_on_a_line_ask_which_one(make_app):
    app = make_app("test-runner.md")
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        editor = app.main_screen.editor
        editor.focus()
        editor.move_cursor_to_offset(editor.text.index("tools:"))
        await pilot.press("ctrl+full_stop")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")  # the first: remove LS
        await settle(pilot)
        assert "tools: Read, MultiEdit, Bash" in editor.text


async def test_no_fix_under_the_cursor_says_so(make_app):
    app = make_app("code-reviewer.md")
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        app.main_screen.editor.focus()
        await pilot.press("ctrl+full_stop")
        await pilot.pause()
        assert any("no quick fix" in n.message for n in app._notifications)


async def test_apply_all_safe_fixes_from_the_palette_command(make_app):
    app = make_app("test-runner.md")
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"apply all safe")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.main_screen
        assert "tools: Read, Edit, Bash" in screen.editor.text
        assert "color: green" in screen.editor.text
        assert codes(screen) == ["AG113", "AG114", "AG124"]
        assert screen.dirty


async def test_an_unsafe_fix_is_offered_marked_before_it_is_applied(make_app, agents_dir):
    (agents_dir / "hashy.md").write_text(
        "---\nname: hashy\ndescription: Use when C # is involved\n---\n\nYou help with C sharp code.\n")
    app = make_app("hashy.md")
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        editor = app.main_screen.editor
        editor.focus()
        editor.move_cursor_to_offset(editor.text.index("C #"))
        await pilot.press("ctrl+full_stop")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        assert "(unsafe)" in str(app.screen.query_one("#choices").get_option_at_index(0).prompt)
        await pilot.press("enter")
        await settle(pilot)
        assert 'description: "Use when C # is involved"' in editor.text
        assert "AG123" not in codes(app.main_screen)


def _underlined_on_screen(app) -> list[str]:
    """The texts painted underlined, as the terminal would show them."""
    strips = app.screen._compositor.render_strips()
    return [seg.text for strip in strips for seg in strip
            if seg.style is not None and seg.style.underline and seg.text.strip()]


async def test_a_new_finding_is_repainted_on_screen_and_disappears_once_fixed(make_app):
    app = make_app("code-reviewer.md")
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        editor = app.main_screen.editor
        editor.move_cursor_to_offset(editor.text.index("Glob") + len("Glob"))
        editor.focus()
        await pilot.press("comma", "space", *"LS")
        await settle(pilot)
        assert "LS" in _underlined_on_screen(app)
        assert "4▲ tools: Read, Grep, Glob, LS" in screen_text(app)
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await settle(pilot)
        assert "LS" not in _underlined_on_screen(app)
        assert "4  tools: Read, Grep, Glob" in screen_text(app)


async def test_typing_in_the_editor_tells_the_chat_pane_to_let_keys_through_first(make_app):
    app = make_app("code-reviewer.md")
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        pane = app.main_screen.chat
        before = pane._typed_at
        app.main_screen.editor.focus()
        await pilot.press("x")
        # A streaming run renders less often for a moment after a key (ChatPane.note_typing).
        assert pane._typed_at > before
