"""PermissionPrompt: a call waits for a yes. Shows the full command or the diff, never truncated.

Keys: y allows once, a always allows this tool (or command prefix) for the session, n denies and
offers a line for an optional reason that goes back to the model. The prompt only posts `Answered`;
whoever asked (the chat pane) resolves the waiting call.
"""

from __future__ import annotations

import json

from textual.actions import SkipAction
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from workbench.transcripts.events import PermissionDecision, PermissionRequested
from workbench.ui.chat.diffs import edit_hunks, render_diff
from workbench.ui.chat.toolkinds import DIFF_TOOLS, main_argument, tool_kind
from workbench.ui.keymap import screen_bindings


class PermissionPrompt(Vertical, can_focus=True):
    """Asks whether one tool call may run."""

    DEFAULT_CSS = """
    PermissionPrompt {
        height: auto;
        border: round $warning;
        padding: 0 1;
        background: $surface;
    }
    PermissionPrompt:focus-within { border: round $accent; }
    PermissionPrompt > .prompt-title { height: auto; }
    PermissionPrompt > .prompt-detail { height: auto; max-height: 20; margin: 1 0; }
    PermissionPrompt > .prompt-detail > Static { height: auto; }
    PermissionPrompt > .prompt-keys { height: auto; color: $text-muted; }
    PermissionPrompt > Input { display: none; }
    PermissionPrompt.-asking-reason > Input { display: block; }
    """

    BINDINGS = screen_bindings("chat.permission.")

    class Answered(Message):
        """The person answered: `decision` is allow, allow_always or deny; `reason` goes to the model."""

        def __init__(self, prompt: PermissionPrompt, decision: PermissionDecision, reason: str = "") -> None:
            super().__init__()
            self.prompt = prompt
            self.call_id = prompt.request.call_id
            self.decision = decision
            self.reason = reason

    def __init__(self, request: PermissionRequested) -> None:
        super().__init__()
        self.request = request
        self.answered = False

    def compose(self):
        yield Static(self._title(), classes="prompt-title")
        # The detail scrolls rather than being cut, so a long command or diff is shown whole.
        with VerticalScroll(classes="prompt-detail"):
            yield Static(self._detail())
        always = self.request.rule_suggestion or self.request.name
        yield Static(
            Content.assemble(
                ("y", "bold $success"), " allow once   ",
                ("a", "bold $success"), f" always allow {always} this session   ",
                ("n", "bold $error"), " deny (+ reason)",
            ),
            classes="prompt-keys",
        )
        yield Input(placeholder="Reason for the model (optional) — Enter to deny, Esc for no reason")

    def _title(self) -> Content:
        kind = tool_kind(self.request.name)
        verb = {"edit": "change", "execute": "run", "web": "fetch", "agent": "start"}.get(kind, "use")
        where = " under an agent" if self.request.depth else ""
        return Content.assemble(
            ("Permission: ", "bold $warning"),
            (self.request.name, f"bold $tool-{kind}"),
            f" wants to {verb}{where}:",
        )

    def _detail(self) -> Content:
        request = self.request
        if request.name in DIFF_TOOLS:
            path = str(request.input.get("file_path") or "")
            hunks = edit_hunks(request.name, request.input)
            return Content.assemble((path, "bold"), "\n", render_diff(hunks, path or None))
        if request.name == "Bash":
            command = str(request.input.get("command", ""))
            summary = request.summary or ""
            # The summary repeats the command (plus its description): show only what it adds.
            if summary.startswith(command):
                extra = summary[len(command):]
            else:
                extra = f"\n{summary}" if summary else ""
            return Content.assemble(("$ ", "$text-muted"), (command, "bold"), (extra, "$text-muted"))
        if request.summary:
            return Content(request.summary)
        argument = main_argument(request.name, request.input)
        return Content(argument or json.dumps(request.input, indent=2, ensure_ascii=False))

    def action_answer(self, decision: PermissionDecision) -> None:
        """Allow once or always."""
        self._send(decision)

    def action_deny(self) -> None:
        """Deny: open the reason line (Enter sends it, Esc sends no reason)."""
        self.add_class("-asking-reason")
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._send("deny", event.value.strip())

    def action_deny_without_reason(self) -> None:
        """Esc while the reason line is open: deny with no reason. Otherwise Esc goes on (the
        chat pane cancels the run)."""
        if not self.has_class("-asking-reason"):
            raise SkipAction()
        self._send("deny")

    def _send(self, decision: PermissionDecision, reason: str = "") -> None:
        if self.answered:
            return
        self.answered = True
        self.post_message(self.Answered(self, decision, reason))
