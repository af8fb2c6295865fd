"""Generate: describe an agent in a sentence, the model writes its definition, the rules check it.

The model answers with the JSON the old `/agents` wizard used, `{identifier, whenToUse, systemPrompt}`
(agent-format.md §2.2, §6.2). It becomes an agent file in the wizard's canonical layout (§6.3), is
validated with the rule table, and is saved (atomically, never over an existing file) only when no
rule reports an error. The request runs in a worker that only posts messages.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from textual import work
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from workbench.agents.diagnostics import Diagnostic, Severity
from workbench.ui.keymap import screen_bindings

GENERATOR_PROMPT = """You design Claude Code subagents: Markdown files whose YAML frontmatter names the \
agent and says when to use it, and whose body is the agent's system prompt.

From the person's one-sentence request, write one agent definition and answer with a single JSON
object and nothing else:

{"identifier": "...", "whenToUse": "...", "systemPrompt": "..."}

- identifier: 3 to 50 characters, lowercase letters, digits and hyphens, starting and ending with a
  letter or digit; say what the agent does (for example "test-runner"), never a generic word.
- whenToUse: starts with "Use this agent when", says precisely when to delegate to it, then gives two
  or three <example> blocks, each with a Context: line, a user: line, an assistant: line and a
  <commentary> explaining why the agent fits.
- systemPrompt: in the second person ("You are ..."): the agent's expertise, how it works step by step,
  how it checks its own work, what it must not do, and what its final answer looks like.
"""


@dataclass(frozen=True)
class Definition:
    """What the model wrote."""

    identifier: str
    when_to_use: str
    system_prompt: str


class GenerationError(ValueError):
    """The model's answer is not a usable definition; the message says what is wrong."""


def parse_definition(reply: str) -> Definition:
    """The definition in the model's reply (a JSON object, possibly inside a code fence)."""
    start, end = reply.find("{"), reply.rfind("}")
    if start < 0 or end < start:
        raise GenerationError("the model's answer holds no JSON object")
    try:
        data = json.loads(reply[start : end + 1])
    except json.JSONDecodeError as error:
        raise GenerationError(f"the model's JSON does not parse: {error.msg} at character {error.pos}")
    if not isinstance(data, dict):
        raise GenerationError("the model's JSON is not an object")
    values = []
    for key in ("identifier", "whenToUse", "systemPrompt"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise GenerationError(f"the model's JSON lacks a text `{key}`")
        values.append(value.strip())
    return Definition(*values)


def agent_text(definition: Definition) -> str:
    """The agent file: the wizard's layout, the description as a YAML scalar that reads back exactly."""
    from workbench.ui.frontmatter_edit import yaml_scalar

    return (f"---\nname: {yaml_scalar(definition.identifier)}\n"
            f"description: {yaml_scalar(definition.when_to_use)}\n---\n\n{definition.system_prompt}\n")


def check(text: str, path: Path) -> list[Diagnostic]:
    """The rule table's findings for the generated file at its future path."""
    from workbench.agents.document import AgentDocument
    from workbench.agents.rules import ValidationContext, validate

    return validate(AgentDocument.parse(text, path), ValidationContext(in_plugin=False))


def file_name(identifier: str) -> str:
    """A safe file name for an identifier."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", identifier).strip("-") + ".md"


class GenerateScreen(ModalScreen[Path | None]):
    """Describe, generate, check, save. Dismisses with the saved path (or None)."""

    CSS_PATH = "generate.tcss"
    BINDINGS = screen_bindings("generate.")

    class Streamed(Message):
        """A fragment of the model's answer."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Finished(Message):
        """The model's whole answer, or why there is none."""

        def __init__(self, reply: str = "", error: str = "") -> None:
            super().__init__()
            self.reply = reply
            self.error = error

    def __init__(self, folders: list[tuple[str, Path]], model: str | None = None) -> None:
        super().__init__()
        if not folders:
            raise ValueError("Generate needs at least one folder to save into")
        self.folders = folders
        self.model = model
        self.text: str | None = None
        self.diagnostics: list[Diagnostic] = []
        self._reply: list[str] = []

    def compose(self):
        with Vertical(id="generate-dialog"):
            yield Static(Content.styled("Generate an agent", "bold"))
            yield Input(placeholder="Describe the agent in a sentence — Enter to generate",
                        id="generate-description")
            yield Select([(label, str(i)) for i, (label, _) in enumerate(self.folders)], value="0",
                         allow_blank=False, id="generate-folder")
            with VerticalScroll(id="generate-preview"):
                yield Static(id="generate-text")
            yield Static(id="generate-status")

    def on_mount(self) -> None:
        self.query_one("#generate-description", Input).focus()

    @property
    def target(self) -> Path | None:
        """Where the generated file would be saved."""
        if self.text is None or self._definition is None:
            return None
        index = int(self.query_one("#generate-folder", Select).value)
        return self.folders[index][1] / file_name(self._definition.identifier)

    _definition: Definition | None = None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        description = event.value.strip()
        if not description:
            return
        from workbench.runtime.provider import has_credentials

        if not has_credentials():
            self._status("No API key: set ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL for a compatible "
                         "endpoint), then restart workbench.", error=True)
            return
        self.text, self._definition, self._reply = None, None, []
        self.query_one("#generate-text", Static).update("")
        self._status("Asking the model…")
        self._generate(description)

    @work(exclusive=True, group="generate")
    async def _generate(self, description: str) -> None:
        """Worker: one streamed request; posts fragments and the outcome, touches no widget."""
        from workbench.runtime.models import resolve_model
        from workbench.runtime.provider import Provider, ProviderError, StreamResult
        from workbench.settings import load_settings
        from workbench.transcripts.events import TextDelta

        settings = load_settings()
        request = {
            "model": resolve_model(None, default=self.model or settings.default_model,
                                   settings_models=settings.models),
            "max_tokens": 8000,
            "system": GENERATOR_PROMPT,
            "messages": [{"role": "user", "content": f"Create an agent that: {description}"}],
        }
        provider = Provider()
        try:
            async for item in provider.stream(request):
                if isinstance(item, TextDelta):
                    self.post_message(self.Streamed(item.text))
                elif isinstance(item, StreamResult):
                    text = "".join(b.get("text", "") for b in item.message.get("content", [])
                                   if isinstance(b, dict) and b.get("type") == "text")
                    self.post_message(self.Finished(reply=text))
        except ProviderError as error:
            self.post_message(self.Finished(error=str(error)))
        finally:
            await provider.aclose()

    def on_generate_screen_streamed(self, message: Streamed) -> None:
        self._reply.append(message.text)
        self.query_one("#generate-text", Static).update(Content("".join(self._reply)))

    def on_generate_screen_finished(self, message: Finished) -> None:
        if message.error:
            self._status(f"The request failed: {message.error}", error=True)
            return
        try:
            self._definition = parse_definition(message.reply)
        except GenerationError as error:
            self._status(f"Not saved: {error}. Press Enter to try again.", error=True)
            return
        self.text = agent_text(self._definition)
        self.diagnostics = check(self.text, self.target)
        self.query_one("#generate-text", Static).update(Content(self.text))
        self._show_findings()

    def on_select_changed(self, event: Select.Changed) -> None:
        if self.text is not None:
            self.diagnostics = check(self.text, self.target)
            self._show_findings()

    def _show_findings(self) -> None:
        errors = [d for d in self.diagnostics if d.severity == Severity.ERROR]
        lines = [f"{d.code} {d.severity.value}: {d.message}" for d in self.diagnostics]
        target = self.target
        if errors:
            verdict = "Errors must be fixed before saving; press Enter to generate again."
        elif target.exists():
            verdict = (f"{target.name} already exists in {self._folder_label()} ({target.parent}): "
                       "Ctrl+S asks for another name, or pick another folder above.")
        else:
            verdict = f"Ctrl+S saves {target}."
        self._status("\n".join([*lines, verdict]), error=bool(errors) or target.exists())

    def _folder_label(self) -> str:
        return self.folders[int(self.query_one("#generate-folder", Select).value)][0]

    def _rename(self, name: str) -> None:
        """Give the generated agent another name (its file follows) and check it again."""
        self._definition = replace(self._definition, identifier=name)
        self.text = agent_text(self._definition)
        self.diagnostics = check(self.text, self.target)
        self.query_one("#generate-text", Static).update(Content(self.text))
        self._show_findings()

    def action_save(self) -> None:
        """Save the checked definition (never over an existing file)."""
        from workbench.agents.writer import write_atomic

        target = self.target
        if target is None:
            self._status("Nothing to save yet: describe the agent and press Enter.", error=True)
            return
        if any(d.severity == Severity.ERROR for d in self.diagnostics):
            self._status("Not saved: the definition has errors (listed above).", error=True)
            return
        if target.exists():
            self._ask_new_name(target)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, self.text)
        self.dismiss(target)

    def _ask_new_name(self, taken: Path) -> None:
        """`taken` exists: ask for a free name, then save under it (never over the file)."""
        from workbench.ui.screens.new_agent import check_name
        from workbench.ui.screens.text_prompt import TextPromptDialog

        folder = taken.parent
        stem, number = taken.stem, 2
        while (folder / f"{stem}-{number}.md").exists():
            number += 1

        def named(name: str | None) -> None:
            if not name:
                self._show_findings()
                return
            self._rename(name)
            if not any(d.severity == Severity.ERROR for d in self.diagnostics):
                self.action_save()

        self.app.push_screen(TextPromptDialog(f"{taken.name} already exists in {folder}: a new name",
                                              f"{stem}-{number}", lambda n: check_name(n, folder)), named)

    def action_close(self) -> None:
        """Close without saving."""
        self.dismiss(None)

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#generate-status", Static)
        status.update(Content(text))
        status.set_class(error, "-error")
