"""The frontmatter fields Claude Code reads (agent-format.md §2): one table for rules and schema."""

from __future__ import annotations

from typing import NamedTuple


class FieldSpec(NamedTuple):
    """One frontmatter field: its YAML type(s), allowed values and a one-line description."""

    name: str
    types: tuple[str, ...]  # JSON Schema type names: "string", "integer", "boolean", "array", "object"
    description: str
    required: bool = False
    values: tuple[str, ...] | None = None  # allowed string values, when the set is closed
    case_sensitive: bool = True


COLORS = ("red", "blue", "green", "yellow", "purple", "orange", "pink", "cyan")
PERMISSION_MODES = ("default", "acceptEdits", "auto", "dontAsk", "bypassPermissions", "plan", "manual")
MEMORY_SCOPES = ("user", "project", "local")
EFFORT_LEVELS = ("low", "medium", "high", "xhigh", "max")
MODEL_ALIASES = ("sonnet", "opus", "haiku", "fable", "best", "opusplan", "sonnet[1m]", "opus[1m]")
HOOK_TYPES = ("command", "http", "mcp_tool", "prompt", "agent")
MCP_SERVER_TYPES = ("stdio", "http", "sse", "ws")
BUILTIN_AGENT_NAMES = ("Explore", "Plan", "general-purpose", "claude", "statusline-setup",
                       "claude-code-guide")

FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("name", ("string",), "Unique identifier: lowercase letters, digits and hyphens.",
                  required=True),
        FieldSpec("description", ("string",), "When Claude should delegate to this agent.",
                  required=True),
        FieldSpec("tools", ("string", "array"),
                  "Tools the agent may use (comma/space separated or a list); omit to inherit all."),
        FieldSpec("disallowedTools", ("string", "array"), "Tools removed from the agent."),
        FieldSpec("model", ("string",), "A model alias, a full model id, or `inherit`."),
        FieldSpec("permissionMode", ("string",), "The permission mode the agent runs in.",
                  values=PERMISSION_MODES),
        FieldSpec("maxTurns", ("integer",), "The most agentic turns the agent may take."),
        FieldSpec("skills", ("string", "array"), "Skills preloaded into the agent's context."),
        FieldSpec("mcpServers", ("array",), "MCP servers: names of configured ones, or inline."),
        FieldSpec("hooks", ("object",), "Hooks active while the agent runs (settings.json shape)."),
        FieldSpec("memory", ("string",), "Persistent memory scope.", values=MEMORY_SCOPES),
        FieldSpec("background", ("boolean",), "Run as a background agent."),
        FieldSpec("effort", ("string", "integer"), "Reasoning effort.", values=EFFORT_LEVELS),
        FieldSpec("isolation", ("string",), "Run in a separate git worktree.", values=("worktree",)),
        FieldSpec("color", ("string",), "Display colour.", values=COLORS),
        FieldSpec("initialPrompt", ("string",),
                  "First user turn, submitted when the agent runs as the main session."),
    )
}

# Hook events that make Claude Code skip the file when written as top-level keys with a value
# other than null or `[]` (AG174), and the events under `hooks` whose shape it checks (AG166).
TOP_LEVEL_HOOK_EVENTS = ("PreToolUse", "PermissionRequest")
CHECKED_HOOK_EVENTS = TOP_LEVEL_HOOK_EVENTS

# Keys people write that Claude Code ignores, with the field they meant (AG100).
KNOWN_MISTAKES = {
    "allowed-tools": "tools",
    "allowedTools": "tools",
    "allowed_tools": "tools",
    "tool": "tools",
    "disallowed-tools": "disallowedTools",
    "disallowed_tools": "disallowedTools",
    "permission-mode": "permissionMode",
    "permission_mode": "permissionMode",
    "max-turns": "maxTurns",
    "max_turns": "maxTurns",
    "mcp-servers": "mcpServers",
    "mcp_servers": "mcpServers",
    "initial-prompt": "initialPrompt",
    "initial_prompt": "initialPrompt",
}
