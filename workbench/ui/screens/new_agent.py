"""The new-agent dialog: a name, a description and the scope folder to save `<name>.md` into."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from workbench.ui.cursor import apply_cursor_blink
from workbench.ui.frontmatter_edit import yaml_scalar
from workbench.ui.keymap import screen_bindings

# The name rule of AG113: what Claude Code's wizard accepted and the docs recommend.
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$")


@dataclass(frozen=True)
class NewAgentRequest:
    """What the dialog collected."""

    name: str
    description: str
    folder: Path

    @property
    def path(self) -> Path:
        """Where the new agent is saved."""
        return self.folder / f"{self.name}.md"


def agent_template(name: str, description: str) -> str:
    """A new agent's text, in the wizard's layout; it lints clean once the description says when."""
    description = description or f"Use this agent when you need {name.replace('-', ' ')}."
    return (
        f"---\nname: {name}\ndescription: {yaml_scalar(description)}\ntools: Read, Grep, Glob\n"
        f"model: sonnet\n---\n\nYou are {name.replace('-', ' ')}. Describe here, in the second "
        "person, what the agent does, how it works and what it returns.\n"
    )


def check_name(name: str, folder: Path | None) -> str | None:
    """Why this name cannot be used for a new agent file, or None."""
    if not NAME_PATTERN.match(name):
        return "use 3–50 lower-case letters, digits and hyphens, not starting or ending with -"
    if folder is not None and (folder / f"{name}.md").exists():
        return f"{name}.md already exists in {folder}"
    return None


class NewAgentDialog(ModalScreen[NewAgentRequest | None]):
    """Dismisses with a request, or None on escape."""

    DEFAULT_CSS = """
    NewAgentDialog { align: center middle; }
    NewAgentDialog > Vertical { width: 76; height: auto; border: thick $primary; background: $surface; padding: 1 2; }
    NewAgentDialog Label { margin-top: 1; }
    NewAgentDialog #new-error { color: $error; height: auto; }
    NewAgentDialog Horizontal { height: auto; margin-top: 1; }
    NewAgentDialog Button { margin-right: 2; }
    """
    BINDINGS = screen_bindings("dialog.")

    def __init__(self, folders: list[tuple[str, Path]]) -> None:
        super().__init__()
        self._folders = folders

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("New agent", classes="title")
            yield Label("Name (the file will be <name>.md)")
            yield Input(placeholder="code-reviewer", id="new-name")
            yield Label("Description (when Claude should use it)")
            yield Input(placeholder="Use this agent when …", id="new-description")
            yield Label("Scope")
            yield Select([(label, str(path)) for label, path in self._folders], allow_blank=False,
                         id="new-scope")
            yield Label("", id="new-error")
            with Horizontal():
                yield Button("Create", variant="primary", id="create")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        apply_cursor_blink(self)

    def _submit(self) -> None:
        name = self.query_one("#new-name", Input).value.strip()
        scope = self.query_one("#new-scope", Select).value
        folder = Path(scope) if isinstance(scope, str) else None
        problem = check_name(name, folder) or (None if folder else "choose a scope")
        if problem:
            self.query_one("#new-error", Label).update(problem)
            return
        description = self.query_one("#new-description", Input).value.strip()
        self.dismiss(NewAgentRequest(name, description, folder))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "create":
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
