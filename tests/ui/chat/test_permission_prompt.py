"""The permission prompt: the full command or diff, and one key per answer."""

from __future__ import annotations

import pytest

from workbench.transcripts.events import PermissionRequested
from workbench.ui.chat.permission_prompt import PermissionPrompt

from .conftest import ChatHarness

LONG_COMMAND = "find . -name '*.py' -newer setup.cfg -print0 | xargs -0 grep -l 'TODO' | sort | " * 4


class AnsweringHarness(ChatHarness):
    """Records the answers the prompt posts."""

    def __init__(self, widget) -> None:
        super().__init__(widget)
        self.answers: list[tuple[str, str, str]] = []

    def on_permission_prompt_answered(self, message: PermissionPrompt.Answered) -> None:
        self.answers.append((message.call_id, message.decision, message.reason))


def bash_request() -> PermissionRequested:
    return PermissionRequested(call_id="b1", name="Bash", input={"command": LONG_COMMAND},
                               rule_suggestion="Bash(find:*)")


@pytest.mark.parametrize(("keys", "expected"), [
    (["y"], ("b1", "allow", "")),
    (["a"], ("b1", "allow_always", "")),
    (["n", "escape"], ("b1", "deny", "")),
    (["n", *"not here", "enter"], ("b1", "deny", "not here")),
])
async def test_each_key_gives_its_answer(keys, expected):
    prompt = PermissionPrompt(bash_request())
    app = AnsweringHarness(prompt)
    async with app.run_test(size=(100, 30)) as pilot:
        prompt.focus()
        await pilot.press(*keys)
        await pilot.pause()
        assert app.answers == [expected]


async def test_a_second_key_after_answering_is_ignored():
    prompt = PermissionPrompt(bash_request())
    app = AnsweringHarness(prompt)
    async with app.run_test(size=(100, 30)) as pilot:
        prompt.focus()
        await pilot.press("y", "a")
        await pilot.pause()
        assert [decision for _, decision, _ in app.answers] == ["allow"]


async def test_the_full_command_and_the_rule_to_always_allow_are_shown():
    prompt = PermissionPrompt(bash_request())
    app = AnsweringHarness(prompt)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        shown = " ".join(str(s.render()) for s in prompt.query("Static"))
        assert LONG_COMMAND.strip() in shown.replace("\n", "")
        assert "Bash(find:*)" in shown


async def test_a_write_shows_the_new_content_as_added_lines():
    request = PermissionRequested(call_id="w", name="Write",
                                  input={"file_path": "/p/new.md", "content": "# Title\n\nBody\n"})
    prompt = PermissionPrompt(request)
    app = AnsweringHarness(prompt)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        detail = prompt.query_one(".prompt-detail Static").render().plain
        assert "/p/new.md" in detail and "+ # Title" in detail and "+ Body" in detail


async def test_the_answer_keys_are_remapped_by_their_ids():
    # Issue 11: y/a/n had no ids, so the settings' [keys] could not move them.
    prompt = PermissionPrompt(bash_request())
    app = AnsweringHarness(prompt)
    app.set_keymap({"chat.permission.yes": "o", "chat.permission.no_reason": "ctrl+g"})
    async with app.run_test(size=(100, 30)) as pilot:
        prompt.focus()
        await pilot.press("y", "n", "ctrl+g")
        await pilot.pause()
        assert app.answers == [("b1", "deny", "")]  # y no longer answers; ctrl+g leaves no reason
    prompt = PermissionPrompt(bash_request())
    app = AnsweringHarness(prompt)
    app.set_keymap({"chat.permission.yes": "o"})
    async with app.run_test(size=(100, 30)) as pilot:
        prompt.focus()
        await pilot.press("o")
        await pilot.pause()
        assert app.answers == [("b1", "allow", "")]
