"""The tool picker, grouped as Claude Code's old `/agents` wizard grouped it."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, SelectionList
from textual.widgets.selection_list import Selection

from workbench.agents.toolnames import (
    CURRENT_TOOLS, DEPRECATED_TOOLS, MCP_PATTERN, UNAVAILABLE_TO_SUBAGENTS,
)
from workbench.ui.keymap import screen_bindings

# agent-format.md §6.2: the wizard's buckets (only tools usable by custom agents are listed).
READ_ONLY = ("Glob", "Grep", "ExitPlanMode", "Read", "WebFetch", "TodoWrite", "WebSearch",
             "TaskStop", "ListMcpResourcesTool", "ReadMcpResourceTool")
EDIT = ("Edit", "Write", "NotebookEdit")
EXECUTION = ("Bash",)


def mcp_server_names(mcp_servers) -> list[str]:
    """The server names of an `mcpServers` value: its string items and the keys of its one-key
    mappings (anything else Claude Code drops, so it is not offered)."""
    if not isinstance(mcp_servers, list):
        return []
    names: list[str] = []
    for item in mcp_servers:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict) and len(item) == 1:
            names.append(str(next(iter(item))))
    return names


def _server_of(tool: str) -> str | None:
    """`github` for `mcp__github__create_issue` or `mcp__github`; None for a malformed entry."""
    if not MCP_PATTERN.match(tool):
        return None
    return tool.removeprefix("mcp__").split("__", 1)[0]


def tool_groups(current: list[str], servers: list[str] = ()) -> list[tuple[str, list[str]]]:
    """(group title, tool names) in the wizard's order. MCP tools are grouped by server: the servers
    named in `current` and in the agent's `mcpServers` (`servers`), each offering `mcp__<server>`
    (the whole server) and the server's tools already listed. Unknown entries come from `current`."""
    usable = sorted(CURRENT_TOOLS - UNAVAILABLE_TO_SUBAGENTS)
    grouped = set(READ_ONLY) | set(EDIT) | set(EXECUTION)
    by_server: dict[str, list[str]] = {}
    for tool in current:
        server = _server_of(tool) if tool.startswith("mcp__") else None
        if server is not None and server != "*":
            by_server.setdefault(server, [])
            if tool != f"mcp__{server}":
                by_server[server].append(tool)
    for server in servers:
        if MCP_PATTERN.match(f"mcp__{server}"):
            by_server.setdefault(server, [])
    mcp = {f"mcp__{server}" for server in by_server} | {t for tools in by_server.values() for t in tools}
    deprecated = [t for t in current if t in DEPRECATED_TOOLS]
    known = set(usable) | mcp | set(deprecated)
    as_written = [t for t in current if t not in known]
    groups = [
        ("Read-only tools", list(READ_ONLY)),
        ("Edit tools", list(EDIT)),
        ("Execution tools", list(EXECUTION)),
        *[(f"MCP server {server}", [f"mcp__{server}", *tools]) for server, tools in by_server.items()],
        ("Other tools", [t for t in usable if t not in grouped]),
        ("Deprecated (Claude Code drops these)", deprecated),
        ("As written (not a known tool)", as_written),
    ]
    return [(title, names) for title, names in groups if names]


@dataclass(frozen=True)
class ToolChoice:
    """The picked tools, in order; None means every tool (no `tools:` line)."""

    tools: list[str] | None


def _label(name: str) -> Text:
    if name in DEPRECATED_TOOLS:
        replacement = DEPRECATED_TOOLS[name]
        hint = f" deprecated → {replacement}" if replacement else " deprecated, remove"
        return Text.assemble((name, "strike"), (hint, "italic"))
    if name.startswith("mcp__") and not MCP_PATTERN.match(name):
        return Text.assemble(name, (" malformed", "italic"))
    if name.startswith("mcp__") and "__" not in name.removeprefix("mcp__"):
        return Text.assemble(name, (" every tool of this server", "italic"))
    return Text(name)


class ToolPickerDialog(ModalScreen[ToolChoice | None]):
    """Toggle tools by group; a group heading toggles its whole group."""

    DEFAULT_CSS = """
    ToolPickerDialog { align: center middle; }
    ToolPickerDialog > Vertical { width: 72; height: 85%; border: thick $primary; background: $surface; padding: 0 1; }
    ToolPickerDialog SelectionList { height: 1fr; border: none; }
    ToolPickerDialog Horizontal { height: auto; }
    ToolPickerDialog Button { margin-right: 2; }
    """
    BINDINGS = screen_bindings("dialog.")

    def __init__(self, current: list[str] | None, servers: list[str] = ()) -> None:
        super().__init__()
        self._all = current is None
        self._current = list(current or [])
        self._groups = tool_groups(self._current, servers)

    def compose(self) -> ComposeResult:
        selections: list[Selection] = []
        chosen = set(self._current)
        for title, names in self._groups:
            selections.append(Selection(Text(title, style="bold"), f"group:{title}",
                                        all(n in chosen for n in names)))
            for name in names:
                selections.append(Selection(Text.assemble("  ", _label(name)), name, name in chosen))
        with Vertical():
            yield Label("Tools: space toggles, a group heading toggles the group")
            yield Checkbox("All tools (writes no tools: line)", self._all, id="all-tools")
            yield SelectionList(*selections, id="tool-list")
            with Horizontal():
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#tool-list", SelectionList).disabled = self._all

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.query_one("#tool-list", SelectionList).disabled = event.value

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:
        value = event.selection.value
        if not isinstance(value, str) or not value.startswith("group:"):
            return
        selection_list = self.query_one("#tool-list", SelectionList)
        names = dict(self._groups)[value.removeprefix("group:")]
        on = value in selection_list.selected
        for name in names:
            (selection_list.select if on else selection_list.deselect)(name)

    def picked(self) -> ToolChoice:
        """What the dialog would apply now."""
        if self.query_one("#all-tools", Checkbox).value:
            return ToolChoice(None)
        selected = {v for v in self.query_one("#tool-list", SelectionList).selected
                    if not v.startswith("group:")}
        order = [t for t in self._current if t in selected]
        for _, names in self._groups:
            order.extend(n for n in names if n in selected and n not in order)
        return ToolChoice(order)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self.picked() if event.button.id == "apply" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
