"""AgentAsRunScreen: the agent definition a workbench run ran, read-only and labelled as such.

The text is the transcript's snapshot (the editor buffer when the run started, saved or not), so it
can differ from the file today; the label says whether it does.
"""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea

from workbench.transcripts.origin import RunOrigin
from workbench.ui.keymap import screen_bindings


class AgentAsRunScreen(Screen):
    """A read-only view of `origin.agent.text`; Esc goes back to the transcript."""

    DEFAULT_CSS = """
    AgentAsRunScreen { layout: vertical; }
    AgentAsRunScreen > #as-run-label { height: auto; padding: 0 1; background: $warning 25%; }
    AgentAsRunScreen > TextArea { height: 1fr; }
    """

    BINDINGS = screen_bindings("agent_as_run.")

    def __init__(self, origin: RunOrigin) -> None:
        super().__init__()
        self.origin = origin

    def compose(self):
        yield Static(self.label(), id="as-run-label")
        yield TextArea(self.origin.agent.text, read_only=True, show_line_numbers=True,
                       id="as-run-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def label(self) -> Content:
        """What this is: the definition as run, which run, and how it compares with the file today."""
        agent = self.origin.agent
        return Content.assemble(
            ("Definition as run", "bold"),
            f" — {agent.name or 'agent'} in run {self.origin.run_id} · read-only snapshot\n",
            (f"{agent.path or 'unsaved buffer'} · {self.compared_with_today()}", "$text-muted"),
        )

    def compared_with_today(self) -> str:
        """Whether the file at the snapshot's path still says the same today."""
        path = self.origin.agent.path
        if not path:
            return "the run had no file (an unsaved agent)"
        try:
            today = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return "the file is gone today"
        return "unchanged today" if today == self.origin.agent.text else "the file differs today"

    def action_close(self) -> None:
        """Back to the transcript."""
        self.app.pop_screen()
