"""Which tools an agent is offered: its `tools`/`disallowedTools` resolved as Claude Code resolves
them for a subagent (`agents.toolnames.offered_tools`, the same table the lint rules use), then
matched to the tools workbench implements.

No `tools` means Claude Code's default set, with some tools deferred behind ToolSearch; a list means
those tools in the file's order (Glob and Grep last, and only without Bash); `memory` adds Read,
Write and Edit. A granted tool workbench does not implement is listed in `missing` and named in a
warning, never dropped silently. When nothing in `tools` resolves, `refusal` says why and the agent
is not run, as Claude Code refuses to start it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import workbench.runtime.tools  # noqa: F401 - importing the package registers the local tools
from workbench.agents.document import AgentDocument
from workbench.agents.toolnames import DEFERRED_PLACEHOLDER, offered_tools
from workbench.runtime.tools.agent import AGENT_TOOL_NAME, AgentTool
from workbench.runtime.tools.base import REGISTRY, Tool

__all__ = ["DEFERRED_PLACEHOLDER", "ToolSet", "available_tools", "resolve_toolset"]


@dataclass
class ToolSet:
    """The tools offered in full (in request order), those deferred behind ToolSearch, what could
    not be offered, and the refusal when the agent may not run at all."""

    tools: dict[str, Tool] = field(default_factory=dict)
    deferred: dict[str, Tool] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refusal: str | None = None
    # Claude Code sends the deferred-tool placeholder first when `tools` names an MCP tool.
    placeholder_first: bool = False

    @property
    def names(self) -> list[str]:
        return list(self.tools)


def available_tools() -> dict[str, Tool]:
    """Every tool workbench implements, by name, sorted for byte-stable requests."""
    tools = dict(REGISTRY)
    tools.setdefault(AGENT_TOOL_NAME, AgentTool())
    return {name: tools[name] for name in sorted(tools)}


def resolve_toolset(
    document: AgentDocument, *, depth: int = 0, max_depth: int = 3, permission_mode: str | None = None,
    mcp_tools: dict[str, Tool] | None = None,
) -> ToolSet:
    """The tools for an agent running `depth` levels below the main run; `mcp_tools`: the tools of
    its connected MCP servers, by their `mcp__server__tool` names."""
    available = {**available_tools(), **(mcp_tools or {})}
    fields = document.fields if isinstance(document.fields, dict) else {}
    mode = permission_mode if permission_mode is not None else document.permission_mode
    offer = offered_tools(document.tools, document.disallowed_tools, permission_mode=mode,
                          memory=bool(fields.get("memory")), mcp_tools=tuple(mcp_tools or ()))
    result = ToolSet(refusal=offer.refusal)
    lacking: list[str] = []
    for names, into in ((offer.offered, result.tools), (offer.deferred, result.deferred)):
        for name in names:
            if name == DEFERRED_PLACEHOLDER:
                result.placeholder_first = True
                continue
            if name == AGENT_TOOL_NAME and depth >= max_depth:
                continue  # the nesting limit: no deeper agents
            if name in available:
                into[name] = available[name]
            elif name not in result.missing:
                result.missing.append(name)
                if into is result.tools:
                    lacking.append(name)
    if lacking:
        them = "it" if len(lacking) == 1 else "them"
        result.warnings.append(f"workbench does not implement {', '.join(lacking)}; the agent runs without {them}")
    if "ToolSearch" not in result.tools:
        result.deferred.clear()
    return result
