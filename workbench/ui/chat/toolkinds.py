"""What a tool call is, for display: its kind (which colour) and its main argument (what it acts on).

Pure functions of the tool name and input, so the chat pane, the transcript browser and `workbench run`
can label a call the same way. The main argument is always shown in full (a path, a command, a pattern,
a URL): people complained loudly when Claude Code collapsed calls to "Read 3 files".
"""

from __future__ import annotations

from typing import Any, Literal

ToolKind = Literal["read", "edit", "execute", "web", "agent", "mcp", "other"]

_KINDS: dict[str, ToolKind] = {
    "Read": "read",
    "Glob": "read",
    "Grep": "read",
    "LS": "read",
    "NotebookRead": "read",
    "Write": "edit",
    "Edit": "edit",
    "MultiEdit": "edit",
    "NotebookEdit": "edit",
    "Bash": "execute",
    "BashOutput": "execute",
    "KillBash": "execute",
    "KillShell": "execute",
    "WebFetch": "web",
    "WebSearch": "web",
    "Agent": "agent",
    "Task": "agent",
}

# The input field that names what a call acts on, per tool.
_MAIN_FIELD: dict[str, str] = {
    "Read": "file_path",
    "Write": "file_path",
    "Edit": "file_path",
    "MultiEdit": "file_path",
    "NotebookEdit": "notebook_path",
    "NotebookRead": "notebook_path",
    "Glob": "pattern",
    "Grep": "pattern",
    "LS": "path",
    "Bash": "command",
    "BashOutput": "bash_id",
    "KillBash": "shell_id",
    "KillShell": "shell_id",
    "WebFetch": "url",
    "WebSearch": "query",
}

DIFF_TOOLS = frozenset({"Edit", "MultiEdit", "Write"})


def tool_kind(name: str) -> ToolKind:
    """The display kind of a tool: read, edit, execute, web, agent, mcp or other."""
    if name.startswith("mcp__"):
        return "mcp"
    return _KINDS.get(name, "other")


def main_argument(name: str, tool_input: dict[str, Any]) -> str:
    """The argument a call acts on, in full; for unknown tools the first string value."""
    if not isinstance(tool_input, dict):
        return ""
    if name in ("Agent", "Task"):
        agent = str(tool_input.get("subagent_type") or "general-purpose")
        description = tool_input.get("description")
        return f"{agent} ({description})" if description else agent
    if name == "TodoWrite":
        todos = tool_input.get("todos")
        if isinstance(todos, list):
            active = [t for t in todos if isinstance(t, dict) and t.get("status") == "in_progress"]
            first = (active or [t for t in todos if isinstance(t, dict)] or [{}])[0]
            return str(first.get("activeForm") or first.get("content") or "")
        return ""
    field = _MAIN_FIELD.get(name)
    if field is not None:
        value = tool_input.get(field)
        return "" if value is None else str(value)
    for value in tool_input.values():
        if isinstance(value, str) and value:
            return value
    return ""


def secondary_arguments(name: str, tool_input: dict[str, Any]) -> str:
    """Short `key=value` extras worth a glance (search scope, line range, Bash description)."""
    if not isinstance(tool_input, dict):
        return ""
    parts: list[str] = []
    if name == "Read":
        offset, limit = tool_input.get("offset"), tool_input.get("limit")
        if offset is not None or limit is not None:
            start = int(offset or 1)
            parts.append(f"lines {start}-{start + int(limit) - 1}" if limit else f"from line {start}")
    elif name in ("Glob", "Grep"):
        for key in ("path", "glob", "type", "output_mode"):
            if tool_input.get(key):
                parts.append(f"{key}={tool_input[key]}")
        if name == "Grep" and tool_input.get("-i"):
            parts.append("-i")
    elif name == "Bash":
        if tool_input.get("description"):
            parts.append(str(tool_input["description"]))
        if tool_input.get("run_in_background"):
            parts.append("background")
    elif name == "Edit" and tool_input.get("replace_all"):
        parts.append("replace_all")
    elif name == "MultiEdit" and isinstance(tool_input.get("edits"), list):
        parts.append(f"{len(tool_input['edits'])} edits")
    elif name == "WebFetch" and tool_input.get("prompt"):
        parts.append(str(tool_input["prompt"]).splitlines()[0])
    return " · ".join(parts)
