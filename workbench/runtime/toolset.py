"""Which tools an agent is offered: its `tools`/`disallowedTools` resolved among those workbench has.

As Claude Code's Agent tool does: no `tools` means every tool; `tools` means just those;
`disallowedTools` removes from either. BashOutput and KillShell come with Bash (and go without it),
as the tools of its background shells. A tool the agent asks for that workbench does not implement
(WebSearch, MCP tools, …) is listed in `missing` and named in a warning, never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import workbench.runtime.tools  # noqa: F401 - importing the package registers the local tools
from workbench.agents.document import AgentDocument
from workbench.agents.toolnames import base_name, canonical, resolve_tools
from workbench.runtime.tools.agent import AGENT_TOOL_NAME, AgentTool
from workbench.runtime.tools.base import REGISTRY, Tool


# Tools offered whenever Bash is: they read and stop its background shells.
BASH_COMPANIONS = ("BashOutput", "KillShell")


@dataclass
class ToolSet:
    """The tools offered, in a stable order, and what could not be offered."""

    tools: dict[str, Tool] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return list(self.tools)


def available_tools() -> dict[str, Tool]:
    """Every tool workbench implements, by name, sorted for byte-stable requests."""
    tools = dict(REGISTRY)
    tools.setdefault(AGENT_TOOL_NAME, AgentTool())
    return {name: tools[name] for name in sorted(tools)}


def resolve_toolset(document: AgentDocument, *, depth: int = 0, max_depth: int = 3) -> ToolSet:
    """The tools for an agent running `depth` levels below the main run."""
    available = available_tools()
    if depth >= max_depth:
        available.pop(AGENT_TOOL_NAME, None)  # the nesting limit: no deeper agents
    result = ToolSet()
    entries = document.tools
    if entries is None or any(base_name(e)[0].strip() == "*" for e in entries):
        chosen = dict(available)
    else:
        chosen = {}
        lacking: list[str] = []
        _, unknown, unavailable = resolve_tools(entries)
        for entry in entries:
            name = canonical(base_name(entry)[0].strip())
            if name in available:
                chosen[name] = available[name]
            elif name == AGENT_TOOL_NAME:
                continue  # withheld at the nesting limit, not missing
            elif entry in unavailable:
                result.warnings.append(f"{entry} is not available to subagents; the agent runs without it")
            elif entry in unknown:
                result.warnings.append(f"{entry} is not a known tool; the agent runs without it")
            else:
                lacking.append(name)
            if name not in chosen and name != AGENT_TOOL_NAME and name not in result.missing:
                result.missing.append(name)
        if lacking:
            them = "it" if len(lacking) == 1 else "them"
            result.warnings.insert(
                0, f"workbench does not implement {', '.join(lacking)}; the agent runs without {them}")
    disallowed = {canonical(base_name(entry)[0].strip()) for entry in document.disallowed_tools or []}
    for name in disallowed:
        chosen.pop(name, None)
    # Background shells come with Bash (to read and stop what it started), and only with it.
    for name in BASH_COMPANIONS:
        if "Bash" in chosen and name not in disallowed and name in available:
            chosen[name] = available[name]
        elif "Bash" not in chosen:
            chosen.pop(name, None)
    result.tools = chosen
    return result
