"""Tool names as Claude Code knows them (agent-format.md §3, and what 2.1.332 offers a subagent:
claude-code-runs.md §1), and how a `tools` string splits."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

CURRENT_TOOLS = frozenset(
    {
        "Agent", "Artifact", "AskUserQuestion", "Bash", "CronCreate", "CronDelete", "CronList",
        "Edit", "EndConversation", "EnterPlanMode", "EnterWorktree", "ExitPlanMode",
        "ExitWorktree", "Glob", "Grep", "ListAgents", "ListMcpResourcesTool", "LSP", "Monitor",
        "NotebookEdit", "PowerShell", "PushNotification", "Read", "ReadMcpResourceTool",
        "RemoteTrigger", "ReportFindings", "ScheduleWakeup", "SendMessage", "SendUserFile",
        "ShareOnboardingGuide", "Skill", "TaskOutput", "TaskStop", "ToolSearch",
        "WaitForMcpServers", "WebFetch", "WebSearch", "Workflow", "Write",
    }
)

# Names in the SDK's type union but not in the docs' table: internal or conditional, accepted.
INTERNAL_TOOLS = frozenset(
    {"REPL", "Projects", "ReadMcpResourceDir", "RefreshMcpTools", "ShowOnboardingRolePicker"}
)

ALIASES = {"Task": "Agent"}

# Names Claude Code no longer offers: the replacement, or None when the entry should simply go.
DEPRECATED_TOOLS: dict[str, str | None] = {
    "LS": None,
    "MultiEdit": "Edit",
    "NotebookRead": "Read",
    "TodoWrite": None,
    "TodoRead": None,
    "BashOutput": None,
    "TaskCreate": None,
    "TaskGet": None,
    "TaskList": None,
    "TaskUpdate": None,
    "KillBash": "TaskStop",
    "KillShell": "TaskStop",
    "SlashCommand": "Skill",
    "MCPSearch": "ToolSearch",
    "TeamCreate": None,
    "TeamDelete": None,
}

# Old names Claude Code still grants, as their current tool (the rest are dropped).
GRANTED_AS = {"KillBash": "TaskStop", "KillShell": "TaskStop"}

# What the message suggests instead of a removed name that has no one-for-one replacement.
DEPRECATED_ADVICE = {
    "LS": "use Glob, or Bash with `ls`",
    "TodoWrite": "subagents get no to-do list tool",
    "TodoRead": "subagents get no to-do list tool",
    "BashOutput": "Read the task's output file instead",
    "TaskCreate": "subagents get no task-list tools",
    "TaskGet": "subagents get no task-list tools",
    "TaskList": "subagents get no task-list tools",
    "TaskUpdate": "subagents get no task-list tools",
    "TeamCreate": "it was removed in v2.1.178",
    "TeamDelete": "it was removed in v2.1.178",
}

UNAVAILABLE_TO_SUBAGENTS = frozenset(
    {
        "AskUserQuestion", "CronCreate", "CronDelete", "CronList", "EndConversation",
        "EnterPlanMode", "ListAgents", "ReportFindings", "ScheduleWakeup", "TaskOutput",
        "WaitForMcpServers", "Workflow",
    }
)

# Offered only when listed and Bash is not granted (AG141).
SEARCH_TOOLS = ("Glob", "Grep")
# Added to an explicit `tools` list when `memory` is set (AG177), in this order.
MEMORY_TOOLS = ("Read", "Write", "Edit")

_PLAIN_ENTRY = re.compile(r"[^,\s]+")
MCP_PATTERN = re.compile(r"^mcp__[A-Za-z0-9_-]+(__[A-Za-z0-9_.*-]+)?$")

_KNOWN_FOR_SUGGESTIONS = sorted(CURRENT_TOOLS | set(ALIASES))
_LOWER = {name.lower(): name for name in _KNOWN_FOR_SUGGESTIONS}


def split_tools(value: str) -> list[str]:
    """Split a `tools` string as Claude Code does: on commas and on whitespace outside parentheses."""
    return [entry for entry, _, _ in split_tools_with_offsets(value)]


def split_tools_with_offsets(value: str) -> list[tuple[str, int, int]]:
    """Like `split_tools`, with each entry's start and end offset inside `value`."""
    if "(" not in value:
        return [(m.group(), m.start(), m.end()) for m in _PLAIN_ENTRY.finditer(value)]
    entries: list[tuple[str, int, int]] = []
    depth = 0
    start = None
    for i, ch in enumerate(value):
        if depth == 0 and (ch == "," or ch.isspace()):
            if start is not None:
                entries.append((value[start:i], start, i))
                start = None
            continue
        if start is None:
            start = i
        if ch == "(":
            depth += 1
        elif ch == ")" and depth > 0:
            depth -= 1
    if start is not None:
        entries.append((value[start:].rstrip(), start, start + len(value[start:].rstrip())))
    return entries


@lru_cache(maxsize=4096)
def base_name(entry: str) -> tuple[str, str | None]:
    """`Bash(git diff:*)` -> (`Bash`, `git diff:*`); a bare name -> (name, None)."""
    # Cached: the same few dozen entries recur in every file, and each is asked for three times.
    paren = entry.find("(")
    if paren > 0 and entry.endswith(")"):
        return entry[:paren].strip(), entry[paren + 1 : -1]
    return entry, None


def canonical(name: str) -> str:
    """The current name of a tool (aliases resolved)."""
    return ALIASES.get(name, name)


def is_known(name: str) -> bool:
    """A current tool, alias, internal tool or deprecated name (anything but a typo)."""
    return name in _KNOWN


_KNOWN = frozenset(CURRENT_TOOLS | set(ALIASES) | INTERNAL_TOOLS | set(DEPRECATED_TOOLS) | {"*"})


def suggest(name: str) -> list[str]:
    """Close current tool names for a misspelt one: the case-insensitive match, else difflib's."""
    return list(_suggest(name))


@lru_cache(maxsize=1024)
def _suggest(name: str) -> tuple[str, ...]:
    exact = _LOWER.get(name.lower())
    if exact:
        return (exact,)
    return tuple(difflib.get_close_matches(name, _KNOWN_FOR_SUGGESTIONS, n=3, cutoff=0.75))


def resolve_tools(
    entries: list[str], permission_mode: object = None
) -> tuple[list[str], list[str], list[str]]:
    """Split `tools` entries into (resolved, unrecognized, unavailable to subagents) as the
    Agent tool does before spawning. `mcp__` entries of the right shape count as resolved."""
    resolved: list[str] = []
    unknown: list[str] = []
    unavailable: list[str] = []
    for entry in entries:
        name, _ = base_name(entry)
        if name.startswith("mcp__"):
            (resolved if MCP_PATTERN.match(name) else unknown).append(entry)
        elif name == "*" or name in GRANTED_AS:
            resolved.append(entry)
        elif name in CURRENT_TOOLS or name in ALIASES or name in INTERNAL_TOOLS:
            if name in UNAVAILABLE_TO_SUBAGENTS or (
                name == "ExitPlanMode" and permission_mode != "plan"
            ):
                unavailable.append(entry)
            else:
                resolved.append(entry)
        else:
            unknown.append(entry)
    return resolved, unknown, unavailable


# What Claude Code 2.1.332 offers a subagent (claude-code-runs.md §1).
# Without `tools` (or with "*"): these in full, in this order …
DEFAULT_SUBAGENT_TOOLS = ("Agent", "Bash", "Edit", "Read", "Skill", "ToolSearch", "Write")
# … and these deferred: named in a system message, their schemas loaded through ToolSearch.
DEFERRED_SUBAGENT_TOOLS = (
    "EnterWorktree", "ExitWorktree", "Monitor", "NotebookEdit", "SendMessage", "TaskStop",
    "WebFetch", "WebSearch",
)
# The empty `defer_loading` definition sent after ToolSearch while tools are deferred.
DEFERRED_PLACEHOLDER = "DeferredToolPlaceholder"


class OfferedTools(tuple):
    """(offered, deferred, refusal): the tool names sent in full in order, those deferred behind
    ToolSearch, and Claude Code's reason for not spawning the agent at all (or None)."""

    __slots__ = ()

    def __new__(cls, offered: list[str], deferred: list[str], refusal: str | None = None):
        return super().__new__(cls, (offered, deferred, refusal))

    offered = property(lambda self: self[0])
    deferred = property(lambda self: self[1])
    refusal = property(lambda self: self[2])


def granted_name(entry: str) -> str:
    """The tool an entry grants (`Bash(git:*)` -> Bash, Task -> Agent, KillShell -> TaskStop)."""
    name = base_name(entry)[0].strip()
    name = ALIASES.get(name, name)
    return GRANTED_AS.get(name, name)


def offered_tools(
    tools: list[str] | None,
    disallowed: list[str] | None = None,
    *,
    permission_mode: object = None,
    memory: bool = False,
    mcp_tools: tuple[str, ...] = (),
) -> OfferedTools:
    """The tools Claude Code offers a subagent with these `tools`/`disallowedTools` entries
    (claude-code-runs.md §1). `mcp_tools`: the `mcp__server__tool` names of connected servers."""
    removed = {granted_name(entry) for entry in disallowed or []}
    if tools is None or any(base_name(e)[0].strip() == "*" for e in tools):
        offered = [name for name in DEFAULT_SUBAGENT_TOOLS if name not in removed]
        deferred = [name for name in (*DEFERRED_SUBAGENT_TOOLS, *mcp_tools) if name not in removed]
        return OfferedTools(offered, deferred)
    resolved, unknown, unavailable = resolve_tools(tools, permission_mode)
    if tools and not resolved:
        named = unknown or unavailable
        return OfferedTools([], [], "none of the agent's tools could be granted (" + ", ".join(named)
                            + " not recognised); Claude Code does not start it")
    offered: list[str] = []
    for entry in resolved:
        name = granted_name(entry)
        if name.startswith("mcp__"):
            server = name + "__"
            matches = [t for t in mcp_tools if t == name or t.startswith(server)]
        else:
            matches = [name]
        offered += [m for m in matches if m not in offered]
    if memory:
        offered += [name for name in MEMORY_TOOLS if name not in offered]
    offered = [name for name in offered if name not in removed]
    searches = [name for name in offered if name in SEARCH_TOOLS]
    offered = [name for name in offered if name not in SEARCH_TOOLS]
    if "Bash" not in offered:
        offered += searches
    if any(base_name(entry)[0].startswith("mcp__") for entry in resolved):
        # Measured: a listed MCP name makes Claude Code send the deferred-tool placeholder first
        # (MCP tools are deferred), even when no such server is connected.
        offered.insert(0, DEFERRED_PLACEHOLDER)
    return OfferedTools(offered, [])
