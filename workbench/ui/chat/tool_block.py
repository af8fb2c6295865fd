"""ToolCallBlock: one tool call, keyed by its call id and updated in place as its events arrive.

Built from events alone (no Session), so the transcript browser renders the same blocks from a file.
"""

from __future__ import annotations

from typing import Literal

from textual.containers import Vertical
from textual.content import Content
from textual.events import Click

from workbench.plural import plural
from workbench.transcripts.events import (
    PermissionDecided,
    PermissionRequested,
    ToolCallFinished,
    ToolCallStarted,
)
from workbench.transcripts.filtering import FINISHED, finished_status
from workbench.ui.chat.diffs import diff_stats, edit_hunks, render_diff
from workbench.ui.chat.settled import SettledStatic, settled_size
from workbench.ui.chat.toolkinds import DIFF_TOOLS, main_argument, secondary_arguments, tool_kind
from workbench.ui.colours import swatch_colour
from workbench.ui.keymap import screen_bindings

BlockStatus = Literal["pending", "running", "done", "failed", "denied", "cancelled"]

GLYPHS: dict[str, str] = {
    "pending": "○",
    "running": "◔",
    "done": "✔",
    "failed": "✘",
    "denied": "⊘",
    "cancelled": "■",
}
_GLYPH_STYLE: dict[str, str] = {
    "pending": "$text-muted",
    "running": "$accent",
    "done": "$success",
    "failed": "$error",
    "denied": "$warning",
    "cancelled": "$text-muted",
}
# Words beside the glyph for the states a colour-blind reader must not miss.
_STATUS_WORD: dict[str, tuple[str, str]] = {
    "pending": ("waiting", "$text-muted italic"),
    "failed": (" failed ", "bold $text on $error"),
    "denied": (" denied ", "bold $text on $warning 70%"),
    "cancelled": ("cancelled", "$text-muted italic"),
}

# The statuses DEFAULT_CSS gives a look of their own (`ToolCallBlock.-failed`, `.-denied`).
_STYLED_STATUSES = frozenset({"failed", "denied"})
_NO_CHANGE = frozenset({"failed", "denied"})

PREVIEW_LINES = 5
DIFF_PREVIEW_LINES = 12


class ToolCallBlock(Vertical, can_focus=True):
    """A tool call: status glyph, tool name, main argument in full, then a collapsible body.

    Enter (or a click on the header) expands the body; Edit/MultiEdit/Write show their diff; an
    Agent call holds the nested run's events in `nested`, indented and tinted with the agent's colour.
    """

    DEFAULT_CSS = """
    ToolCallBlock {
        height: auto;
        margin: 0 0 1 0;
        padding: 0 0 0 1;
        border-left: outer $tool-other;
    }
    ToolCallBlock:focus { background: $boost; }
    ToolCallBlock.-kind-read { border-left: outer $tool-read; }
    ToolCallBlock.-kind-edit { border-left: outer $tool-edit; }
    ToolCallBlock.-kind-execute { border-left: outer $tool-execute; }
    ToolCallBlock.-kind-web { border-left: outer $tool-web; }
    ToolCallBlock.-kind-agent { border-left: outer $tool-agent; }
    ToolCallBlock.-kind-mcp { border-left: outer $tool-mcp; }
    ToolCallBlock.-failed { border-left: thick $error; background: $error 8%; }
    ToolCallBlock.-denied { border-left: thick $warning; background: $warning 8%; }
    ToolCallBlock > .tool-header { height: auto; }
    ToolCallBlock > .tool-diff { height: auto; margin: 0 0 0 2; }
    ToolCallBlock > .tool-body { height: auto; margin: 0 0 0 2; color: $text-muted; }
    ToolCallBlock > .tool-body.-empty { display: none; }
    ToolCallBlock > .tool-nested {
        height: auto;
        margin: 0 0 0 2;
        padding: 0 0 0 1;
        border-left: vkey $tool-agent;
    }
    ToolCallBlock .tool-prompt { height: auto; margin: 0 0 1 0; color: $text-muted; }
    """

    BINDINGS = screen_bindings("chat.block.")

    virtual_size = settled_size()

    def __init__(self, event: ToolCallStarted, show_prompt: bool = False) -> None:
        self.call_id = event.call_id
        self.tool_name = event.name
        self.tool_input = event.input if isinstance(event.input, dict) else {}
        self.kind = tool_kind(event.name)
        self.status: BlockStatus = "pending"
        self.expanded = False
        self.content_text = ""
        self.detail: dict = {}
        self.duration_ms: float | None = None
        self.permission_wait_ms = 0.0
        self.reason = ""
        super().__init__(classes=f"-kind-{self.kind} -pending")
        self.has_diff = event.name in DIFF_TOOLS
        self.nested = Vertical(classes="tool-nested") if self.kind == "agent" else None
        # With `show_prompt` (the transcript viewer), an Agent call's task comes first in its nested
        # run: what the subagent was asked explains what it did.
        prompt = self.tool_input.get("prompt") if self.nested is not None and show_prompt else None
        self.prompt_text = prompt if isinstance(prompt, str) else ""
        # Made in compose, drawn from the call's state at that moment: events that come before the
        # block is mounted (a transcript's batch) cost no update of mounted widgets, and no restyle.
        self._header: SettledStatic | None = None
        self._diff: SettledStatic | None = None
        self._body: SettledStatic | None = None
        self._prompt: SettledStatic | None = None

    def compose(self):
        self._header = SettledStatic(self.header_content(), classes="tool-header")
        yield self._header
        if self.has_diff:
            self._diff = SettledStatic(self._diff_content(), classes="tool-diff")
            self._diff.display = self.status not in _NO_CHANGE
            yield self._diff
        if self.nested is not None:
            with self.nested:
                if self.prompt_text:
                    self._prompt = SettledStatic(self._prompt_content(), classes="tool-prompt")
                    yield self._prompt
        body = self._body_content()
        self._body = SettledStatic(body, classes="tool-body" if body else "tool-body -empty")
        yield self._body

    # -- events ---------------------------------------------------------------------------------

    def apply(self, event: PermissionRequested | PermissionDecided | ToolCallFinished) -> None:
        """Update the block from a later event of the same call."""
        if isinstance(event, PermissionRequested):
            self._set_status("pending")
        elif isinstance(event, PermissionDecided):
            if event.decision == "deny":
                self.reason = event.reason
                self._set_status("denied")
            elif self.status == "pending":
                self._set_status("running")
        elif isinstance(event, ToolCallFinished):
            self.content_text = event.content or ""
            self.detail = event.detail if isinstance(event.detail, dict) else {}
            self.duration_ms = event.duration_ms or None
            self.permission_wait_ms = event.permission_wait_ms or 0.0
            status: BlockStatus = finished_status(event)  # type: ignore[assignment]
            # Failures are the calls people need to read: show them whole (Toad's default too).
            if status == "failed":
                self.expanded = True
            self._set_status(status)
            self._render_all()

    def mark_running(self) -> None:
        """The call is executing (its response ended and no question is pending)."""
        if self.status == "pending":
            self._set_status("running")

    def mark_cancelled(self) -> None:
        """The run stopped before this call finished."""
        if self.status not in FINISHED:
            self._set_status("cancelled")

    def tint(self, color: str | None) -> None:
        """Tint the nested run's rail with the agent's frontmatter `color` (one of the eight)."""
        # The same colour as the agent's swatch in the sidebar.
        swatch = swatch_colour(color)
        if self.nested is not None and swatch is not None:
            self.nested.styles.border_left = ("vkey", swatch)

    def action_toggle(self) -> None:
        """Expand or collapse the body."""
        self.expanded = not self.expanded
        self._render_all()

    def on_click(self, event: Click) -> None:
        if event.widget is self._header:
            self.action_toggle()

    # -- rendering ------------------------------------------------------------------------------

    def _set_status(self, status: BlockStatus) -> None:
        if status == self.status:
            return
        # Before mounting, a class change needs no restyle: the block is styled once as it mounts.
        # Mounted, only the statuses the CSS draws differently restyle the block's whole subtree.
        update = self.is_mounted and (status in _STYLED_STATUSES or self.status in _STYLED_STATUSES)
        self.remove_class(f"-{self.status}", update=update)
        self.status = status
        self.add_class(f"-{status}", update=update)
        if self._header is not None:
            self._header.update(self.header_content())

    def header_content(self) -> Content:
        """Glyph, tool name in its kind's colour, main argument in full, extras, status word."""
        parts: list[Content | tuple[str, str] | str] = [
            (GLYPHS[self.status], _GLYPH_STYLE[self.status]),
            " ",
            (self.tool_name, f"bold $tool-{self.kind}"),
        ]
        argument = main_argument(self.tool_name, self.tool_input)
        if argument:
            parts += [" ", argument]
        extras = secondary_arguments(self.tool_name, self.tool_input)
        if self.has_diff and self.status not in _NO_CHANGE:
            added, removed = diff_stats(edit_hunks(self.tool_name, self.tool_input, self.detail))
            extras = " · ".join(filter(None, [extras, f"+{added} -{removed}"]))
        if extras:
            parts += ["  ", (extras, "$text-muted")]
        word = _STATUS_WORD.get(self.status)
        if word:
            parts += ["  ", word]
        if self.duration_ms is not None and self.status in FINISHED:
            parts += ["  ", (_format_duration(self.duration_ms), "$text-muted")]
            if self.permission_wait_ms >= PERMISSION_WAIT_SHOWN_MS:
                waited = f" (+{_format_duration(self.permission_wait_ms)} waiting for permission)"
                parts.append((waited, "$text-muted"))
        return Content.assemble(*parts)

    def body_text(self) -> str:
        """The body: the tool's result (or the denial reason, or a to-do list)."""
        if self.status == "denied" and not self.content_text:
            return f"Denied: {self.reason}" if self.reason else "Denied."
        if self.tool_name == "TodoWrite":
            return _todo_text(self.tool_input) or self.content_text
        return self.content_text.rstrip("\n")

    def _render_all(self) -> None:
        """Draw the state into the block's widgets (not made yet: compose draws it)."""
        if self._header is None or self._body is None:
            return
        self._header.update(self.header_content())
        if self._diff is not None:
            self._diff.update(self._diff_content())
            self._diff.display = self.status not in _NO_CHANGE
        if self._prompt is not None:
            self._prompt.update(self._prompt_content())
        body = self._body_content()
        self._body.set_class(not body, "-empty")
        self._body.update(body)

    def _diff_content(self):
        # A failed or denied edit changed nothing: no diff, its error (the body) says why.
        hunks = [] if self.status in _NO_CHANGE else edit_hunks(
            self.tool_name, self.tool_input, self.detail)
        path = str(self.tool_input.get("file_path") or "") or None
        limit = None if self.expanded else DIFF_PREVIEW_LINES
        return render_diff(hunks, path, max_lines=limit)

    def _prompt_content(self) -> Content:
        return Content.assemble(("Prompt ", "bold"), _preview(self.prompt_text, self.expanded))

    def _body_content(self) -> Content:
        text = self.body_text()
        # An edit's result text just repeats the diff; keep the body for failures.
        if self.has_diff and self.status == "done":
            text = ""
        return _preview(text, self.expanded)


def _preview(text: str, expanded: bool) -> Content:
    if not text:
        return Content("")
    lines = text.splitlines()
    if expanded or len(lines) <= PREVIEW_LINES:
        return Content(text)
    hidden = len(lines) - PREVIEW_LINES
    return Content.assemble(
        "\n".join(lines[:PREVIEW_LINES]),
        "\n",
        (f"… {plural(hidden, 'more line')} (Enter to expand)", "italic $text-muted"),
    )


def _todo_text(tool_input: dict) -> str:
    todos = tool_input.get("todos")
    if not isinstance(todos, list):
        return ""
    marks = {"completed": "[x]", "in_progress": "[>]", "pending": "[ ]"}
    return "\n".join(
        f"{marks.get(t.get('status'), '[ ]')} {t.get('content', '')}" for t in todos if isinstance(t, dict)
    )


# A wait for a permission answer shorter than this is a rule or a mode deciding, not a person.
PERMISSION_WAIT_SHOWN_MS = 100


def _format_duration(ms: float) -> str:
    return f"{ms:.0f}ms" if ms < 1000 else f"{ms / 1000:.1f}s"
