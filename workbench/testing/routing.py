"""What the main thread is offered to delegate to, as Claude Code offers it (measured on Claude Code
2.1.337), for `delegates_to` cases.

Claude Code's main thread does not list agents in the Agent tool's description: one line per agent,
`- name: description (Tools: …)`, sorted by name ignoring case, follows the environment, model and
deferred-tool parts of the `role: "system"` message after the first user message. The list holds
Claude Code's own built-in agents besides the project's and user's (a file of the same name wins
over a built-in). Its subagents' requests list no agents at all, so the built-in engine's Agent
tool (which lists the catalog for nested runs) is left as it is.

The built-ins' descriptions here are workbench's own words for the scope each has; the names and
tool sets are Claude Code's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The tools Claude Code's read-only built-ins (Explore, Plan) go without.
_READ_ONLY_EXCEPT = ("All tools except Agent, Artifact, ArtifactComments, ArtifactData, ArtifactCheck, "
                     "ExitPlanMode, Edit, Write, NotebookEdit")


@dataclass(frozen=True)
class BuiltinAgent:
    name: str
    description: str
    tools: str  # the `(Tools: …)` part, as Claude Code shows it


BUILTIN_AGENTS: tuple[BuiltinAgent, ...] = (
    BuiltinAgent("claude", "The fallback agent: takes any task that no more specialised agent covers.", "*"),
    BuiltinAgent(
        "Explore",
        "Searches the code without changing anything and reports only what it found: for questions "
        "whose answer means looking through many files, folders or naming patterns. It locates code "
        "rather than judging it. Tell it how wide to look, from a quick pass to an exhaustive search.",
        _READ_ONLY_EXCEPT),
    BuiltinAgent(
        "general-purpose",
        "An all-round agent for open questions, code searches and tasks of several steps; give it a "
        "search when the right file or keyword may take more than a couple of attempts to find.",
        "*"),
    BuiltinAgent(
        "Plan",
        "Works out how to build a change before anyone writes it: the steps in order, the files that "
        "matter, and the design choices with their costs.",
        _READ_ONLY_EXCEPT),
    BuiltinAgent("statusline-setup", "Sets up the status line of the user's Claude Code.", "Read, Edit"),
)

LISTING_HEAD = "Agents the Agent tool can start (name one as subagent_type):"
AGENT_TOOL_NOTE = "The agents to choose from are listed in the system prompt."


def builtin_names() -> list[str]:
    return [agent.name for agent in BUILTIN_AGENTS]


def main_thread_listing(catalog: Any) -> list[str]:
    """The catalog's agents and the built-ins its files do not replace, one line each, sorted by
    name ignoring case, as Claude Code lists them to its main thread."""
    from workbench.runtime.tools.agent import agent_listing

    lines: dict[str, str] = {}
    for agent in BUILTIN_AGENTS:
        lines[agent.name] = f"- {agent.name}: {agent.description} (Tools: {agent.tools})"
    winners = getattr(catalog, "winners", None)
    names = list(winners()) if callable(winners) else []
    for name, line in zip(_loaded(catalog, names), agent_listing(catalog)):
        lines[name] = line
    return [lines[name] for name in sorted(lines, key=lambda n: (n.lower(), n))]


def _loaded(catalog: Any, names: list[str]) -> list[str]:
    # The names agent_listing lists, in its order (it skips entries that did not load).
    winners = catalog.winners()
    return [n for n in names
            if getattr(winners[n], "document", None) is not None and getattr(winners[n], "loaded", True)]


def listing_section(catalog: Any) -> str:
    """The listing with its heading: the end of the routing request's system prompt."""
    return LISTING_HEAD + "\n" + "\n".join(main_thread_listing(catalog))


def is_builtin(name: str) -> bool:
    from workbench.runtime.tools.agent import _normalised

    return any(_normalised(agent.name) == _normalised(name) for agent in BUILTIN_AGENTS)
