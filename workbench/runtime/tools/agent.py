"""The Agent tool (formerly Task): runs another agent of the catalog as a nested session.

The nested run gets its own history, system prompt and tool set; its events appear under this call
(`parent_call_id`, `depth`), and only its final text comes back to the calling model. The run itself
is the session's business (`ToolContext.run_agent`); this module is the tool's face: schema,
validation, the catalog lookup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from workbench.runtime.tools.base import ToolContext, ToolResult

AGENT_TOOL_NAME = "Agent"
_MODELS = ("sonnet", "opus", "haiku", "fable")
_EFFORTS = ("low", "medium", "high", "xhigh", "max")


class AgentTool:
    """`Agent(description, prompt, subagent_type?, model?, effort?, run_in_background?, isolation?)`:
    Claude Code's property names and types; the descriptions are workbench's."""

    name = AGENT_TOOL_NAME
    kind = "agent"
    # Several agents of one response run at once, as in Claude Code.
    concurrency_safe = True
    description = (
        "Launch a new agent to handle a complex, multi-step task autonomously. The agent runs with "
        "its own context and tools and returns one final text result; it does not see this "
        "conversation, so the prompt must say everything it needs. Give subagent_type, the name of "
        "the agent to run."
    )
    input_schema = {
        "type": "object",
        "properties": {
            "description": {"type": "string", "description": "A short (3-5 word) description of the task"},
            "prompt": {"type": "string", "description": "The task for the agent to perform"},
            "subagent_type": {"type": "string", "description": "The name of the agent to use"},
            "model": {"type": "string", "enum": list(_MODELS),
                      "description": "Optional model for this run, over the agent's own"},
            "effort": {"type": "string", "enum": list(_EFFORTS),
                       "description": "Optional effort for this run, over the agent's own"},
            "run_in_background": {"type": "boolean",
                                  "description": "Ignored by workbench: the agent runs and answers at once"},
            "isolation": {"type": "string", "enum": ["worktree", "remote"],
                          "description": "Not supported by workbench: leave it out"},
        },
        "required": ["description", "prompt"],
        "additionalProperties": False,
    }

    def validate(self, tool_input: dict) -> str | None:
        """Required strings present, `model` one of the aliases."""
        for key in ("description", "prompt"):
            if not isinstance(tool_input.get(key), str):
                return f"The required parameter `{key}` is missing or not a string"
        for key in ("subagent_type", "model", "effort"):
            if key in tool_input and not isinstance(tool_input[key], str):
                return f"The parameter `{key}` must be a string"
        if tool_input.get("model") not in (None, *_MODELS):
            return f"The parameter `model` must be one of {', '.join(_MODELS)}"
        if tool_input.get("effort") not in (None, *_EFFORTS):
            return f"The parameter `effort` must be one of {', '.join(_EFFORTS)}"
        if tool_input.get("isolation") is not None:
            return "workbench cannot run an agent in a worktree or remotely: leave out `isolation`"
        if not str(tool_input.get("subagent_type") or "").strip():
            return "The parameter `subagent_type` is required: name the agent to run"
        return None

    def permission_summary(self, tool_input: dict, ctx: ToolContext) -> str:
        """The agent and its task."""
        return f"Agent {tool_input.get('subagent_type')}: {tool_input.get('prompt', '')}"

    async def run(self, tool_input: dict, ctx: ToolContext) -> ToolResult:
        """Run the named agent through the session's `run_agent`."""
        if ctx.run_agent is None:
            return ToolResult("Agent runs are not available here.", is_error=True)
        return await ctx.run_agent(
            str(tool_input["subagent_type"]), str(tool_input["prompt"]), tool_input.get("model"), ctx.call_id,
            effort=tool_input.get("effort"),
        )


def _normalised(name: str) -> str:
    # Claude Code matches agent names ignoring case and separators.
    return re.sub(r"[\s_\-.:]+", "", name).lower()


def find_agent(catalog: Any, wanted: str) -> tuple[str, str | None] | None:
    """The text and path of the agent named `wanted` in `catalog` (a `Catalog` with `winners`, or a
    mapping of name to file path), or None."""
    if catalog is None:
        return None
    if isinstance(catalog, Mapping):
        items = catalog.items()
    else:
        winners = getattr(catalog, "winners", None)
        items = (winners() if callable(winners) else winners or {}).items()
    key = _normalised(wanted)
    for name, value in items:
        if _normalised(str(name)) != key:
            continue
        document = getattr(value, "document", None)
        path = getattr(value, "path", value)
        if document is not None:
            return document.text, str(path)
        try:
            return Path(path).read_text(encoding="utf-8"), str(path)
        except (OSError, UnicodeDecodeError):
            return None
    return None


# The agents a model may name in `subagent_type`, one line each, in the Agent tool's description
# (the form Claude Code lists them in: `- name: description (Tools: …)`). The engine's requests and
# the routing check of `workbench test` (delegates_to) both take the description from here.
LISTING_HEAD = "The agents you can give as subagent_type:"


def listed_tools(document: Any) -> str:
    """The `(Tools: …)` part of an agent's line: its `tools` entries without the `disallowedTools`
    ones ("All tools" for none or `*`; "All tools except …" when only `disallowedTools` is given).
    A valid `memory` adds Write, Edit and Read to an explicit list, as Claude Code does."""
    tools = getattr(document, "tools", None)
    disallowed = getattr(document, "disallowed_tools", None) or []
    if not tools or tools == ["*"]:
        return "All tools except " + ", ".join(disallowed) if disallowed else "All tools"
    field_value = getattr(document, "field_value", None)
    memory = field_value("memory") if callable(field_value) else None
    if isinstance(memory, str) and memory in ("user", "project", "local"):
        tools = [*tools, *(t for t in ("Write", "Edit", "Read") if t not in tools)]
    denied = set(disallowed)
    return ", ".join(t for t in tools if t not in denied) or "None"


def agent_listing(catalog: Any) -> list[str]:
    """One line per agent of `catalog` (a `Catalog`; the winning definition of each name)."""
    winners = getattr(catalog, "winners", None)
    if not callable(winners):
        return []
    lines = []
    for name, entry in winners().items():
        document = getattr(entry, "document", None)
        if document is None or not getattr(entry, "loaded", True):
            continue
        description = (document.description or "").replace("\\n", "\n")
        lines.append(f"- {name}: {description} (Tools: {listed_tools(document)})")
    return lines


def agent_tool_description(catalog: Any) -> str:
    """The Agent tool's description, with the catalog's agents listed when there are any."""
    lines = agent_listing(catalog)
    if not lines:
        return AgentTool.description
    return AgentTool.description + "\n\n" + LISTING_HEAD + "\n" + "\n".join(lines)
