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


# ---- delegates_to in the real Claude Code (`--engine claude-code`) ----------------------------

ROUTING_STOP = "workbench test: routing check only, nothing runs"
RESULT_WAIT_S = 60.0  # after the first tool call, for Claude Code's result (its cost)


def _block(block: Any) -> dict[str, Any] | None:
    """A content block of the SDK's AssistantMessage as the API's dict, for read_routing."""
    kind = type(block).__name__
    if kind == "TextBlock":
        return {"type": "text", "text": block.text}
    if kind == "ToolUseBlock":
        return {"type": "tool_use", "id": block.id, "name": block.name, "input": dict(block.input or {})}
    return None


async def route_in_claude_code(case: Any, sample: Any, agent: Any, project: Any, *, engine: Any = None,
                               model: str | None = None) -> None:
    """A `delegates_to` sample in the real Claude Code: the prompt goes to its main thread in the
    project folder itself (so its `.claude/agents` are what Claude Code lists; the suite's agent text
    is given as a session agent, which wins over its file), and the turn is stopped at the first tool
    call: a PreToolUse hook refuses every call before it runs (and every permission request is
    refused too), so nothing is executed or changed. The first response's first Agent call decides,
    as with the built-in request (`single_turn.read_routing`)."""
    import time
    from pathlib import Path

    from workbench.agents.document import AgentDocument
    from workbench.runtime.claude_code import NOT_INSTALLED, agent_definition, agent_name, choose_cli
    from workbench.testing.single_turn import read_routing, routing_assertion

    wanted = routing_assertion(case)
    sample.engine = "claude-code"
    started = time.monotonic()
    try:
        import claude_agent_sdk as sdk
    except ImportError:
        sample.status, sample.error = "error", NOT_INSTALLED
        sample.failures.append((wanted.label(), f"the routing run failed: {NOT_INSTALLED}"))
        return
    calls: list[dict[str, Any]] = []  # every tool call Claude Code tried (all refused)
    stderr: list[str] = []

    async def refuse(hook_input: dict, tool_use_id: str | None, context: Any) -> dict:
        if not hook_input.get("agent_id"):
            calls.append({"name": hook_input.get("tool_name"), "input": hook_input.get("tool_input") or {}})
        return {"continue_": False, "stopReason": ROUTING_STOP,
                "hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny",
                                       "permissionDecisionReason": ROUTING_STOP}}

    async def deny(name: str, tool_input: dict, context: Any) -> Any:
        return sdk.PermissionResultDeny(message=ROUTING_STOP, interrupt=True)

    document = AgentDocument.parse(agent.text, path=Path(agent.path) if agent.path else None)
    cli_path = getattr(engine, "cli_path", None)
    if cli_path is None:
        cli_path, _ = choose_cli()
    options: dict[str, Any] = {
        "cwd": str(Path(project).resolve()),
        "agents": {agent_name(document, agent.path): sdk.AgentDefinition(**agent_definition(document))},
        "permission_mode": "default",
        "can_use_tool": deny,
        "hooks": {"PreToolUse": [sdk.HookMatcher(matcher=None, hooks=[refuse])]},
        "stderr": stderr.append,
    }
    if cli_path is not None:
        options["cli_path"] = str(cli_path)
    if model:
        options["model"] = model
    content: list[dict[str, Any]] = []
    first_id: str | None = None
    client = sdk.ClaudeSDKClient(sdk.ClaudeAgentOptions(**options))
    try:
        await client.connect()
        await client.query(case.prompt)
        seen_tool_at: float | None = None
        async for message in _until(client.receive_response(), lambda: seen_tool_at):
            if isinstance(message, sdk.SystemMessage) and message.subtype == "init":
                sample.model = str(message.data.get("model") or sample.model)
            elif isinstance(message, sdk.AssistantMessage) and message.parent_tool_use_id is None:
                sample.model = message.model or sample.model
                if first_id is None:
                    first_id = message.message_id or ""
                if message.message_id and first_id and message.message_id != first_id:
                    continue  # only the first response decides
                blocks = [b for b in (_block(x) for x in message.content) if b is not None]
                content += blocks
                if any(b["type"] == "tool_use" for b in blocks) and seen_tool_at is None:
                    seen_tool_at = time.monotonic()
            elif isinstance(message, sdk.ResultMessage):
                sample.cost_usd = float(message.total_cost_usd or 0.0)
                sample.turns = 1
    except Exception as exc:  # noqa: BLE001 - a CLI failure fails the sample, never the run
        tail = f" ({stderr[-1].strip()})" if stderr else ""
        sample.status, sample.error = "error", f"{type(exc).__name__}: {exc}{tail}"
    finally:
        try:
            await client.disconnect()
        except Exception:  # noqa: BLE001 - a process already gone is closed
            pass
        sample.duration_s = time.monotonic() - started
    if not content and calls:  # the hook fired before the message reached us
        content = [{"type": "tool_use", "name": c["name"], "input": c["input"]} for c in calls[:1]]
    if sample.status == "error" and not content:
        sample.failures.append((wanted.label(), f"the routing run failed: {sample.error}"))
        return
    sample.status, sample.turns = "completed", 1
    sample.reply = "".join(b.get("text", "") for b in content if b["type"] == "text")
    sample.tool_calls = [(b["name"], dict(b["input"])) for b in content if b["type"] == "tool_use"]
    sample.tool_call_count = len(sample.tool_calls)
    problem = read_routing({"content": content}, wanted.value)
    if problem is not None:
        sample.failures.append((wanted.label(), problem))


async def _until(messages: Any, tool_seen_at: Any) -> Any:
    """`messages` until they end, or RESULT_WAIT_S after the first tool call was seen."""
    import asyncio
    import time

    iterator = messages.__aiter__()
    while True:
        seen = tool_seen_at()
        timeout = None if seen is None else max(0.0, seen + RESULT_WAIT_S - time.monotonic())
        try:
            message = await asyncio.wait_for(iterator.__anext__(), timeout)
        except (StopAsyncIteration, asyncio.TimeoutError):
            return
        yield message
