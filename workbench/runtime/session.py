"""A session: one agent definition, run against the Messages API with its tools executed locally.

`async for event in session.send(text)` streams a response, runs the tool calls it made (asking
permission where the policy says so), sends the results back and repeats until the model ends its
turn, `maxTurns` is reached, the run fails or `session.cancel()` is called. Every step is an event
(`workbench.transcripts.events`), also written to the run's transcript.

The loop runs in its own task and hands events over through a queue, so a cancel reaches whatever
the loop is awaiting (a stream read, a tool's child process) and the transcript is completed by the
loop itself even when the consumer goes away. A nested agent run (the Agent tool) is a child session
that runs inside the parent's loop and emits into the parent's stream, one `depth` deeper.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from workbench.agents.document import AgentDocument
from workbench.paths import data_dir
from workbench.runtime.models import context_as_reminders, max_tokens_for, resolve_effort, resolve_model
from workbench.runtime.permissions import PermissionPolicy, normalise_mode
from workbench.runtime.provider import Provider, ProviderError, StreamResult
from workbench.runtime.system_prompt import Framing, build_framing
from workbench.runtime.tools.subagent_tools import find_skills, skill_body, skills_listing, web_search_result
from workbench.runtime.toolset import DEFERRED_PLACEHOLDER, ToolSet, resolve_toolset
from workbench.runtime.tools.agent import AGENT_TOOL_NAME, agent_tool_description, find_agent
from workbench.runtime.tools.base import Tool, ToolContext, ToolResult
from workbench.settings import Settings, load_settings
from workbench.transcripts.events import (
    AgentSnapshot,
    AssistantMessage,
    ErrorOccurred,
    Event,
    PermissionDecided,
    PermissionRequested,
    RunEnded,
    RunStarted,
    ToolCallFinished,
    ToolCallStarted,
    TurnEnded,
    UsageReported,
    UsageTotals,
    UserMessage,
    Warning,
)
from workbench.transcripts.pricing import cost_usd
from workbench.transcripts.writer import TranscriptWriter

# A safety net for agents without maxTurns: a runaway loop still ends.
DEFAULT_MAX_TURNS = 200
# Nesting depth below the main run, as Claude Code limits it; the Agent tool is withheld at the limit.
MAX_AGENT_DEPTH = 3
# How many concurrency-safe calls of one response run at once (Claude Code's default is 10).
MAX_PARALLEL_TOOLS = 10
EPHEMERAL = {"type": "ephemeral"}
# Thinking blocks come back summarised (the SDK's documented value; Claude Code sends "updates",
# a beta value behind its own beta header), so they stream into the chat pane.
THINKING_DISPLAY = "summarized"
# The Messages API's server-side web search tool, which WebSearch calls.
WEB_SEARCH_TOOL_TYPE = "web_search_20250305"
WEB_SEARCH_MAX_TOKENS = 4_096
_BINDING_MODES = frozenset({"bypassPermissions", "plan"})
# Variables a Bash call must not see: the run's own API credentials.
_SECRET_PREFIXES = ("ANTHROPIC_",)
_SECRET_NAMES = frozenset({"CLAUDE_CODE_OAUTH_TOKEN"})


@dataclass(frozen=True)
class PermissionAnswer:
    """The person's answer to a `PermissionRequested`."""

    decision: Literal["allow", "allow_always", "deny"]
    reason: str = ""


AskPermission = Callable[[PermissionRequested], Awaitable[PermissionAnswer]]


@dataclass
class _Call:
    """One tool call of a response on its way to a result (`block`, the `tool_result` once answered)."""

    call_id: str
    name: str
    input: Any
    tool: Tool | None
    started: float
    block: dict[str, Any] | None = None
    waited: float = 0.0  # seconds spent waiting for a permission answer


@dataclass
class RunSummary:
    """What one `send` came to (also the Agent tool's result for a nested run)."""

    status: str
    turns: int
    usage: UsageTotals
    cost_usd: float
    tool_calls: int
    duration_ms: float
    final_text: str
    error: str = ""
    last_usage: dict | None = None


class Session:
    """One agent run (or conversation) with its history; see the module docstring."""

    def __init__(
        self,
        agent_text: str,
        *,
        path: str | Path | None = None,
        model: str | None = None,
        cwd: str | Path,
        add_dirs: tuple[str | Path, ...] | list[str | Path] = (),
        permission_mode: str | None = None,
        allow_rules: tuple[str, ...] | list[str] = (),
        max_turns: int | None = None,
        include_claude_md: bool = True,
        transcript_path: str | Path | None = None,
        ask_permission: AskPermission | None = None,
        catalog: Any = None,
        settings: Settings | None = None,
        provider: Provider | None = None,
        max_tokens: int | None = None,
        record: bool = True,
    ) -> None:
        """`model` is the app's model, used when the agent says `inherit` or nothing. `catalog`
        (a `Catalog`, or a mapping of agent name to file path) is where the Agent tool finds agents.
        `record=False` writes no transcript; `transcript_path=None` means the default location.
        `max_tokens` None means Claude Code's limit for the model."""
        self.settings = settings if settings is not None else load_settings()
        self.document = AgentDocument.parse(agent_text, path)
        self.agent = AgentSnapshot(
            name=str(self.document.name or (Path(path).stem if path else "agent")),
            path=str(path) if path else None,
            text=agent_text,
        )
        self.cwd = Path(cwd).resolve()
        self.add_dirs = tuple(Path(d).resolve() for d in add_dirs)
        self.model = resolve_model(
            _text_or_none(self.document.model), default=model or self.settings.default_model,
            settings_models=self.settings.models,
        )
        self._notices = list(self.settings.problems)
        self.policy = PermissionPolicy(self._mode(permission_mode), [*self.settings.allow, *allow_rules])
        self.max_turns = max_turns or _positive_int(self.document.max_turns) or DEFAULT_MAX_TURNS
        self.include_claude_md = include_claude_md
        self.ask_permission = ask_permission
        self.catalog = catalog
        self.provider = provider or Provider()
        self._max_tokens_given = max_tokens
        self.max_tokens = max_tokens or max_tokens_for(self.model)
        fields = self.document.fields if isinstance(self.document.fields, dict) else {}
        self._effort_field = fields.get("effort")
        self.effort = resolve_effort(self._effort_field, self.model)
        self.session_id = str(uuid.uuid4())
        self.history: list[dict[str, Any]] = []
        self.depth = 0
        self.parent_call_id: str | None = None
        self._record = record
        self._transcript_path = Path(transcript_path) if transcript_path else None
        self._writer: TranscriptWriter | None = None
        self._queue: asyncio.Queue | None = None
        self._task: asyncio.Task | None = None
        self._emit_up: Callable[[Event], None] | None = None
        self._framing: Framing | None = None
        self._nested: dict[str, RunSummary] = {}
        self.max_parallel_tools = MAX_PARALLEL_TOOLS
        # One permission question at a time across this session and its nested runs.
        self._ask_lock = asyncio.Lock()
        self._loaded: list[str] = []  # deferred tools loaded through ToolSearch, in load order
        self.toolset: ToolSet = resolve_toolset(self.document, depth=0, max_depth=MAX_AGENT_DEPTH,
                                                permission_mode=self.policy.mode)
        self._tool_defs = _tool_definitions(self.toolset, self._loaded, self.catalog)
        self.context = ToolContext(
            cwd=self.cwd, roots=(self.cwd, *self.add_dirs), env=_tool_environment(os.environ),
            run_agent=self._run_agent, web_search=self._web_search, load_tools=self._load_tools,
            deferred_tools={name: tool.description for name, tool in self.toolset.deferred.items()},
        )

    def set_permission_mode(self, requested: str | None) -> None:
        """Change the permission mode from the next request on (None: the agent's, else settings')."""
        self.policy.mode = self._mode(requested)

    def _mode(self, requested: str | None) -> str:
        """The permission mode: the argument (ValueError if unknown), else the agent's, else settings'."""
        if requested:
            return normalise_mode(requested)
        for source, mode in (("the agent's permissionMode", _text_or_none(self.document.permission_mode)),
                             ("the settings' permission_mode", self.settings.permission_mode)):
            if not mode:
                continue
            try:
                return normalise_mode(mode)
            except ValueError as exc:
                # A typo in a file should not stop the run: say so and fall back to the next source.
                self._notices.append(f"{source}: {exc}; ignored")
        return "default"

    @property
    def transcript_path(self) -> Path | None:
        """Where this session's transcript is (or will be) written."""
        if not self._record or self.depth:
            return None
        if self._transcript_path is None:
            self._transcript_path = data_dir() / "transcripts" / date.today().isoformat() / (
                f"{self.session_id}.jsonl"
            )
        return self._transcript_path

    @property
    def framing(self) -> Framing:
        """The system prompt and the first message's context (built once per session, so the cache
        prefix stays stable)."""
        if self._framing is None:
            fields = self.document.fields if isinstance(self.document.fields, dict) else {}
            memory = fields.get("memory")
            skills = find_skills(self.cwd) if ("Skill" in self.toolset.tools or fields.get("skills")) else {}
            self._framing = build_framing(
                self.document.body, self.cwd, model=self.model, include_claude_md=self.include_claude_md,
                bash="Bash" in self.toolset.tools,
                skills=skills_listing(skills) if "Skill" in self.toolset.tools else "",
                deferred=tuple(self.toolset.deferred),
                memory=memory if isinstance(memory, str) and memory in ("user", "project", "local") else None,
                agent_name=self.agent.name, preload=_preloaded_skills(fields.get("skills"), skills),
                context_as_reminders=context_as_reminders(self.model),
            )
        return self._framing

    @property
    def system_prompt(self) -> str:
        """The system prompt as sent."""
        return self.framing.system

    async def send(self, text: str) -> AsyncIterator[Event]:
        """Send a user message and stream the run's events until it ends (`RunEnded` is last)."""
        if self._task is not None:
            raise RuntimeError("a run is already in progress in this session")
        queue: asyncio.Queue = asyncio.Queue()
        done = object()
        self._queue = queue
        task = asyncio.create_task(self._run(text))
        self._task = task
        task.add_done_callback(lambda _t: queue.put_nowait(done))
        try:
            while (item := await queue.get()) is not done:
                yield item
            if not task.cancelled() and task.exception() is not None:
                raise task.exception()
        finally:
            if not task.done():
                task.cancel()
                await asyncio.wait([task])
            self._task = None

    def cancel(self) -> None:
        """Stop the current run: the stream is closed, running tools and background shells are
        killed, the run ends with status `cancelled` and the transcript keeps everything up to then."""
        if self._task is not None and not self._task.done():
            self._task.cancel()

    async def aclose(self) -> None:
        """Kill the background shells still running; close the transcript and the API connections."""
        await self.context.shells.close()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        await self.provider.aclose()

    # -- the loop -------------------------------------------------------------------------------

    def _emit(self, event: Event) -> None:
        """Hand `event` to the consumer and the transcript."""
        if self._emit_up is not None:
            self._emit_up(event)
            return
        try:
            if self._writer is None and self.transcript_path is not None:
                self._writer = TranscriptWriter(self.transcript_path, self.session_id)
            if self._writer is not None:
                self._writer.write(event)
        except OSError as exc:
            # A transcript that cannot be written must not stop the run: say so once, go on without it.
            self._record, self._writer = False, None
            if self._queue is not None:
                self._queue.put_nowait(Warning(message=f"transcript not written: {exc}", **self._event_kw()))
        if self._queue is not None:
            self._queue.put_nowait(event)

    def _event_kw(self) -> dict[str, Any]:
        return {"depth": self.depth, "parent_call_id": self.parent_call_id, "timestamp": time.time()}

    async def _run(self, text: str) -> RunSummary:
        """One run, with the agent's MCP servers started for it and stopped at its end."""
        fields = self.document.fields if isinstance(self.document.fields, dict) else {}
        if not fields.get("mcpServers"):
            return await self._run_inner(text)
        from workbench.runtime.mcp_servers import McpServers, server_configs

        configs, problems = server_configs(fields["mcpServers"], self.cwd)
        servers = McpServers()
        try:
            await servers.start(configs, self.cwd)
            self._notices += [*problems, *servers.problems]
            self.toolset = resolve_toolset(self.document, depth=self.depth, max_depth=MAX_AGENT_DEPTH,
                                           permission_mode=self.policy.mode, mcp_tools=servers.tools)
            self._tool_defs = _tool_definitions(self.toolset, self._loaded, self.catalog)
            self.context.deferred_tools = {n: t.description for n, t in self.toolset.deferred.items()}
            self._framing = None  # the deferred list may now name MCP tools
            return await self._run_inner(text)
        finally:
            await servers.aclose()

    async def _run_inner(self, text: str) -> RunSummary:
        started = time.monotonic()
        summary = RunSummary("completed", 0, UsageTotals(), 0.0, 0, 0.0, "")
        if self._framing is None:
            # git and the CLAUDE.md files are read off the event loop, which may be drawing a UI.
            await asyncio.to_thread(lambda: self.framing)
        self._emit(RunStarted(
            run_id=uuid.uuid4().hex, session_id=self.session_id, agent=self.agent,
            system_prompt=self.system_prompt, model=self.model, tools=tuple(self.toolset.names),
            unavailable_tools=tuple(self.toolset.missing), cwd=str(self.cwd),
            permission_mode=self.policy.mode, prompt=text, effort=self.effort, max_tokens=self.max_tokens,
            deferred_tools=tuple(self.toolset.deferred), **self._event_kw(),
        ))
        for message in [*self._notices, *self.toolset.warnings]:
            self._emit(Warning(message=message, **self._event_kw()))
        try:
            if self.toolset.refusal:
                # As Claude Code: an agent none of whose tools resolve is not started; no request.
                summary.status, summary.error = "error", f"agent not started: {self.toolset.refusal}"
                self._emit(ErrorOccurred(message=summary.error, error_type="invalid_agent",
                                         hint="fix the tools field (workbench lint names the entries)",
                                         **self._event_kw()))
                self._finish(summary, started)
                return summary
            await self._loop(text, summary)
        except asyncio.CancelledError:
            summary.status, summary.error = "cancelled", "cancelled by the user"
            try:
                await self.context.shells.close()  # a cancel stops what the run left running too
            finally:
                self._finish(summary, started)
            raise
        except ProviderError as exc:
            summary.status, summary.error = "error", str(exc)
            self._emit(ErrorOccurred(message=str(exc), error_type=exc.error_type, hint=exc.hint,
                                     **self._event_kw()))
        except Exception as exc:  # noqa: BLE001 - a bug still ends the run properly, transcript included
            summary.status, summary.error = "error", f"internal error: {type(exc).__name__}: {exc}"
            self._emit(ErrorOccurred(message=summary.error, error_type="internal_error", **self._event_kw()))
        self._finish(summary, started)
        return summary

    def _finish(self, summary: RunSummary, started: float) -> None:
        summary.duration_ms = (time.monotonic() - started) * 1000
        self._emit(RunEnded(
            status=summary.status, turns=summary.turns, usage=summary.usage,
            cost_usd=summary.cost_usd, duration_ms=summary.duration_ms,
            tool_calls=summary.tool_calls, error=summary.error, **self._event_kw(),
        ))

    async def _loop(self, text: str, summary: RunSummary) -> None:
        self._add_user_text(text)
        while True:
            if summary.turns >= self.max_turns:
                summary.status = "max_turns"
                return
            message, request_id = await self._respond()
            summary.turns += 1
            self._account(message, summary)
            stop = message.get("stop_reason")
            content = list(message.get("content") or [])
            calls = [b for b in content if b.get("type") == "tool_use"]
            self._emit(AssistantMessage(message=message, request_id=request_id, **self._event_kw()))
            self._emit(TurnEnded(stop_reason=str(stop), turn=summary.turns, **self._event_kw()))
            summary.final_text = "".join(b.get("text", "") for b in content if b.get("type") == "text")
            if stop != "tool_use" or not calls:
                # Never keep a tool_use that will get no result (a max_tokens cut, a refusal).
                kept = [b for b in content if b.get("type") != "tool_use"]
                if kept:
                    self.history.append({"role": "assistant", "content": kept})
                if stop == "pause_turn":
                    continue
                if stop == "refusal":
                    details = message.get("stop_details") or {}
                    why = ": ".join(str(details[k]) for k in ("category", "explanation") if details.get(k))
                    self._emit(Warning(message="the model refused to continue" + (f" ({why})" if why else ""),
                                       **self._event_kw()))
                if stop == "max_tokens" and calls:
                    summary.status = "error"
                    summary.error = (f"the response hit max_tokens inside a tool call; "
                                     f"its {len(calls)} tool call(s) were not run")
                    self._emit(ErrorOccurred(message=summary.error, error_type="max_tokens",
                                             hint="raise max_tokens or ask the agent to continue",
                                             **self._event_kw()))
                elif stop == "max_tokens":
                    self._emit(Warning(message="the reply was cut off at max_tokens", **self._event_kw()))
                return
            self.history.append({"role": "assistant", "content": content})
            await self._run_calls(calls, summary)

    async def _respond(self) -> tuple[dict[str, Any], str | None]:
        """One streamed response: the message and the request id the API gave it."""
        request: dict[str, Any] = {
            "model": self.model,
            "max_tokens": self.max_tokens,
            # As Claude Code: adaptive thinking always, the effort in output_config, no temperature.
            "thinking": {"type": "adaptive", "display": THINKING_DISPLAY},
            "output_config": {"effort": self.effort},
            "system": [{"type": "text", "text": self.system_prompt, "cache_control": EPHEMERAL}],
            "messages": _with_cache_breakpoint(self.history),
        }
        if self._tool_defs:
            request["tools"] = self._tool_defs
        result: StreamResult | None = None
        async for item in self.provider.stream(request, depth=self.depth, parent_call_id=self.parent_call_id):
            if isinstance(item, StreamResult):
                result = item
            else:
                self._emit(item)
        assert result is not None  # Provider.stream yields a result or raises
        return result.message, result.request_id

    def _account(self, message: dict[str, Any], summary: RunSummary) -> None:
        raw = message.get("usage") or {}
        usage = UsageTotals(
            int(raw.get("input_tokens") or 0), int(raw.get("output_tokens") or 0),
            int(raw.get("cache_creation_input_tokens") or 0), int(raw.get("cache_read_input_tokens") or 0),
        )
        model = message.get("model") or self.model
        cost = cost_usd(model, raw, self.settings.prices)
        summary.usage = summary.usage + usage
        summary.cost_usd += cost
        summary.last_usage = raw
        self._emit(UsageReported(message_id=str(message.get("id", "")), model=model, usage=usage,
                                 cost_usd=cost, **self._event_kw()))

    def _add_user_text(self, text: str) -> None:
        block = {"type": "text", "text": text}
        if not self.history:
            # The first message carries the context Claude Code puts around the task.
            blocks = [*({"type": "text", "text": t} for t in self.framing.before_task), block,
                      *({"type": "text", "text": t} for t in self.framing.after_task)]
            message = {"role": "user", "content": blocks}
            self.history.append(message)
            self._emit(UserMessage(message=message, **self._event_kw()))
            return
        if self.history and self.history[-1]["role"] == "user":
            # After a cancelled response the last turn is a user one: extend it, keeping roles alternating.
            last = self.history[-1]
            content = last["content"]
            last["content"] = ([{"type": "text", "text": content}] if isinstance(content, str) else content) + [block]
            message = {"role": "user", "content": [block]}
        else:
            message = {"role": "user", "content": [block]}
            self.history.append(message)
        self._emit(UserMessage(message=message, **self._event_kw()))

    async def _run_calls(self, calls: list[dict[str, Any]], summary: RunSummary) -> None:
        """Run one response's tool calls and answer them in one user message, in block order.

        As Claude Code does: a run of consecutive concurrency-safe calls (reads, searches, fetches,
        agents) executes together, at most `max_parallel_tools` at a time; any other call waits for
        the calls before it and runs alone. Permission prompts are asked one at a time, in order,
        before the call they concern starts."""
        states: list[_Call] = []
        try:
            index = 0
            while index < len(calls):
                end = index + 1
                if self._concurrency_safe(calls[index]):
                    while end < len(calls) and self._concurrency_safe(calls[end]):
                        end += 1
                group = [self._begin_call(call, summary) for call in calls[index:end]]
                states += group
                if len(group) == 1:
                    await self._settle(group[0], summary)
                else:
                    await self._run_together(group, summary)
                index = end
        finally:
            # A call cancelled before it finished (waiting for its prompt or for a slot) still ends.
            for state in states:
                if state.block is None:
                    self._emit(ToolCallFinished(
                        call_id=state.call_id, name=state.name, status="cancelled",
                        content="Cancelled by the user.", is_error=True,
                        duration_ms=(time.monotonic() - state.started - state.waited) * 1000,
                        permission_wait_ms=state.waited * 1000, **self._event_kw()))
            # Every tool_use gets its result, cancelled ones included, or the next request is a 400.
            results = {state.call_id: state.block for state in states if state.block is not None}
            answered = [results.get(c["id"]) or {
                "type": "tool_result", "tool_use_id": c["id"], "content": "Cancelled by the user.",
                "is_error": True} for c in calls]
            message = {"role": "user", "content": answered}
            self.history.append(message)
            self._emit(UserMessage(message=message, **self._event_kw()))

    def _offered_tool(self, name: str) -> Tool | None:
        """The tool `name` if the model may call it now (offered, or deferred and loaded)."""
        if name in self.toolset.tools:
            return self.toolset.tools[name]
        return self.toolset.deferred.get(name) if name in self._loaded else None

    def _unavailable_reason(self, name: str) -> str:
        if name in self.toolset.deferred:
            return (f"Error: {name} is deferred: load its definition first with ToolSearch "
                    f"(query \"select:{name}\")")
        if name in ("Glob", "Grep") and "Bash" in self.toolset.tools:
            return f"Error: No such tool available: {name}. Search with find or grep through Bash instead."
        return f"Error: No such tool available: {name}"

    def _load_tools(self, names: list[str]) -> None:
        """ToolSearch loaded these deferred tools: their definitions go with every later request."""
        added = [n for n in names if n in self.toolset.deferred and n not in self._loaded]
        if added:
            self._loaded += added
            self._tool_defs = _tool_definitions(self.toolset, self._loaded, self.catalog)

    async def _web_search(self, tool_input: dict) -> ToolResult:
        """WebSearch as Claude Code runs it: one Messages API call whose only tool is the API's
        server-side web search; what it found is the tool result."""
        search: dict[str, Any] = {"type": WEB_SEARCH_TOOL_TYPE, "name": "web_search", "max_uses": 8}
        for key in ("allowed_domains", "blocked_domains"):
            if tool_input.get(key):
                search[key] = list(tool_input[key])
        query = str(tool_input["query"])
        request = {
            "model": self.model, "max_tokens": WEB_SEARCH_MAX_TOKENS, "tools": [search],
            "messages": [{"role": "user", "content": f"Perform a web search for the query: {query}"}],
        }
        try:
            message = await self.provider.create(request)
        except ProviderError as exc:
            return _error(f"Web search failed: {exc}")
        return web_search_result(query, message)

    def _concurrency_safe(self, call: dict[str, Any]) -> bool:
        tool = self._offered_tool(call.get("name", ""))
        return bool(getattr(tool, "concurrency_safe", False)) and isinstance(call.get("input"), dict)

    def _begin_call(self, call: dict[str, Any], summary: RunSummary) -> _Call:
        """Announce a call (`ToolCallStarted`) and check its input; a bad call is answered at once."""
        call_id, name, tool_input = call["id"], call.get("name", ""), call.get("input")
        summary.tool_calls += 1
        self._emit(ToolCallStarted(call_id=call_id, name=name,
                                   input=tool_input if isinstance(tool_input, dict) else {"_raw": tool_input},
                                   **self._event_kw()))
        state = _Call(call_id, name, tool_input, self._offered_tool(name), time.monotonic())
        if state.tool is None:
            self._answer(state, _error(f"<tool_use_error>{self._unavailable_reason(name)}</tool_use_error>"),
                         summary)
        elif not isinstance(tool_input, dict):
            self._answer(state, _error(f"<tool_use_error>InputValidationError: {name} input must be an "
                                       f"object</tool_use_error>"), summary)
        elif problem := state.tool.validate(tool_input):
            self._answer(state, _error(f"<tool_use_error>InputValidationError: {name} failed due to the "
                                       f"following issue:\n{problem}</tool_use_error>"), summary)
        return state

    async def _settle(self, state: _Call, summary: RunSummary) -> None:
        """Ask permission for one begun call, then run it (alone)."""
        if state.block is not None or self._failed_precheck(state, summary):
            return
        refusal = await self._timed_permission(state)
        if refusal is not None:
            self._answer(state, _error(refusal), summary, status="denied")
        else:
            await self._execute(state, summary)

    async def _run_together(self, group: list[_Call], summary: RunSummary) -> None:
        """Run concurrency-safe calls together: those that need no prompt start at once, the
        others after their prompt, asked one at a time in call order."""
        slots = asyncio.Semaphore(self.max_parallel_tools)

        async def run(state: _Call) -> None:
            async with slots:
                await self._execute(state, summary)

        async with asyncio.TaskGroup() as tasks:
            waiting: list[_Call] = []
            for state in group:
                if state.block is not None:
                    continue
                if self.policy.check(state.tool, state.input, self.context).decision == "ask":
                    waiting.append(state)
                    continue
                refusal = await self._timed_permission(state)
                if refusal is not None:
                    self._answer(state, _error(refusal), summary, status="denied")
                else:
                    tasks.create_task(run(state))
            for state in waiting:
                if self._failed_precheck(state, summary):
                    continue
                # Checked again: an "always allow" given to an earlier prompt may cover this call.
                refusal = await self._timed_permission(state)
                if refusal is not None:
                    self._answer(state, _error(refusal), summary, status="denied")
                else:
                    tasks.create_task(run(state))

    def _failed_precheck(self, state: _Call, summary: RunSummary) -> bool:
        """Answer a call that would ask for permission but is bound to fail (the tool's own checks
        say so) with that failure, so no one is asked to allow it; True when it was answered."""
        precheck = getattr(state.tool, "precheck", None)
        if precheck is None or self.policy.check(state.tool, state.input, self.context).decision != "ask":
            return False
        try:
            failure = precheck(state.input, self.context)
        except Exception:  # noqa: BLE001 - a check that breaks leaves the call to run as before
            return False
        if failure is None:
            return False
        self._answer(state, failure, summary)
        return True

    async def _execute(self, state: _Call, summary: RunSummary) -> None:
        """Run a permitted call with its own view of the context (its call id), then answer it."""
        context = dataclasses.replace(self.context, call_id=state.call_id)
        try:
            result = await state.tool.run(state.input, context)
        except asyncio.CancelledError:
            self._answer(state, ToolResult("Cancelled by the user.", is_error=True), summary, status="cancelled")
            raise
        except Exception as exc:  # noqa: BLE001 - a tool bug becomes an error result, not a crash
            result = _error(f"Error: {type(exc).__name__}: {exc}")
        self._answer(state, result, summary)

    def _answer(self, state: _Call, result: ToolResult, summary: RunSummary, status: str = "done") -> None:
        """Record a call's result and emit its `ToolCallFinished`."""
        if result.is_error and status == "done":
            status = "failed"
        nested = self._nested.pop(state.call_id, None)
        if nested is not None:  # the run's totals include its nested runs
            summary.usage = summary.usage + nested.usage
            summary.cost_usd += nested.cost_usd
        state.block = {"type": "tool_result", "tool_use_id": state.call_id, "content": result.content}
        if result.is_error:  # as Claude Code: a success carries no is_error key
            state.block["is_error"] = True
        self._emit(ToolCallFinished(
            call_id=state.call_id, name=state.name, status=status, content=_content_text(result.content),
            is_error=result.is_error,
            duration_ms=(time.monotonic() - state.started - state.waited) * 1000,
            permission_wait_ms=state.waited * 1000,
            detail=result.detail, **self._event_kw()))

    async def _timed_permission(self, state: _Call) -> str | None:
        """`_permission` for a call, its wait (a prompt, or its turn behind another) kept apart."""
        asked = time.monotonic()
        try:
            return await self._permission(state.tool, state.call_id, state.input)
        finally:
            state.waited += time.monotonic() - asked

    async def _permission(self, tool: Tool, call_id: str, tool_input: dict) -> str | None:
        """None when the call may run, else the refusal text that goes back to the model."""
        verdict = self.policy.check(tool, tool_input, self.context)
        if verdict.decision != "ask":
            return self._decided(tool.name, call_id, verdict)
        if self.ask_permission is None:
            self._emit(self._request(tool, call_id, tool_input, verdict))
            reason = "there was no one to ask (a headless run without a terminal)"
            self._emit(PermissionDecided(call_id=call_id, name=tool.name, decision="deny", by="headless",
                                         reason=reason, **self._event_kw()))
            return f"Permission to use {tool.name} was not given: {reason}."
        async with self._ask_lock:
            # Checked again: an "always allow" given while this call waited its turn may cover it.
            verdict = self.policy.check(tool, tool_input, self.context)
            if verdict.decision != "ask":
                return self._decided(tool.name, call_id, verdict)
            request = self._request(tool, call_id, tool_input, verdict)
            self._emit(request)
            answer = await self.ask_permission(request)
            self._emit(PermissionDecided(call_id=call_id, name=tool.name, decision=answer.decision, by="user",
                                         reason=answer.reason, **self._event_kw()))
            if answer.decision == "allow_always":
                self.policy.allow_always(verdict.rule_suggestion or tool.name)
        if answer.decision == "deny":
            why = f": {answer.reason}" if answer.reason else "."
            return f"The user did not give permission to use {tool.name}{why}"
        return None

    def _request(self, tool: Tool, call_id: str, tool_input: dict, verdict: Any) -> PermissionRequested:
        return PermissionRequested(
            call_id=call_id, name=tool.name, input=tool_input,
            summary=tool.permission_summary(tool_input, self.context),
            rule_suggestion=verdict.rule_suggestion, **self._event_kw())

    def _decided(self, name: str, call_id: str, verdict: Any) -> str | None:
        """The outcome of a verdict that needs no person: None (allowed) or the refusal text."""
        if verdict.decision == "allow":
            if verdict.by == "rule":
                self._emit(PermissionDecided(call_id=call_id, name=name, decision="allow", by="rule",
                                             **self._event_kw()))
            return None
        self._emit(PermissionDecided(call_id=call_id, name=name, decision="deny", by=verdict.by,
                                     reason=verdict.reason, **self._event_kw()))
        return f"Permission to use {name} was not given: {verdict.reason}"

    # -- nested agent runs ----------------------------------------------------------------------

    async def _run_agent(self, subagent_type: str, prompt: str, model: str | None, call_id: str, *,
                         effort: str | None = None) -> ToolResult:
        found = find_agent(self.catalog, subagent_type)
        if found is None:
            return _error(f"Agent type '{subagent_type}' not found.")
        text, path = found
        refusal = resolve_toolset(AgentDocument.parse(text, path)).refusal
        if refusal:  # Claude Code answers the Agent call with the reason and sends no request
            return _error(f"Agent type '{subagent_type}' cannot be started: {refusal}.")
        child = Session(
            text, path=path, model=self.model, cwd=self.cwd, add_dirs=self.add_dirs,
            permission_mode=None, allow_rules=[str(r) for r in self.policy.rules],
            include_claude_md=self.include_claude_md, ask_permission=self.ask_permission,
            catalog=self.catalog, settings=self.settings, provider=self.provider,
            max_tokens=self._max_tokens_given, record=False,
        )
        # The Agent call's model and effort override the file's (CLAUDE_CODE_SUBAGENT_MODEL has
        # no effect in Claude Code 2.1.332, so none here either).
        child._become_nested(self, call_id, model, effort)
        try:
            summary = await child._run(prompt)
        finally:
            # As in Claude Code, a subagent's background commands end with its answer.
            await child.context.shells.close()
        blocks = [{"type": "text", "text": summary.final_text}] if summary.final_text else []
        usage = summary.last_usage or {}
        detail = {
            "status": "completed" if summary.status == "completed" else summary.status,
            "agentId": child.session_id, "agentType": child.agent.name, "content": blocks,
            "resolvedModel": child.model, "totalToolUseCount": summary.tool_calls,
            "totalDurationMs": round(summary.duration_ms), "prompt": prompt, "usage": usage,
            "totalTokens": sum(int(usage.get(k) or 0) for k in (
                "input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")),
        }
        self._nested[call_id] = summary
        if summary.status in ("completed", "max_turns"):
            # As Claude Code hands a subagent's answer back: its text, then a block naming the
            # agent's id and what the run used (workbench's words).
            hand_back = (f"agentId: {child.session_id} (the {child.agent.name} agent's run; its answer "
                         f"is above)\n<usage>total_tokens: {detail['totalTokens']}\n"
                         f"tool_uses: {summary.tool_calls}\nduration_ms: {detail['totalDurationMs']}</usage>")
            answer = summary.final_text or "(the agent returned no text)"
            return ToolResult([{"type": "text", "text": answer}, {"type": "text", "text": hand_back}],
                              detail=detail)
        return ToolResult(f"The agent did not finish: {summary.error or summary.status}", is_error=True,
                          detail=detail)

    def use_model(self, model: str) -> None:
        """Run on `model` (an alias or id) whatever the file's `model:` says, as an Agent call's
        `model` input makes Claude Code do; effort and max_tokens follow the new model."""
        self.model = resolve_model(model, default=self.model, settings_models=self.settings.models)
        self.max_tokens = self._max_tokens_given or max_tokens_for(self.model)
        self.effort = resolve_effort(self._effort_field, self.model)
        self._framing = None  # its model line and context placement follow the model

    def _become_nested(self, parent: Session, call_id: str, model_override: str | None,
                       effort_override: str | None = None) -> None:
        self.depth = parent.depth + 1
        self.parent_call_id = call_id
        self._emit_up = parent._emit
        self._ask_lock = parent._ask_lock
        self._notices = [n for n in self._notices if n not in self.settings.problems]  # told once, above
        # The parent's mode governs when the agent names none (Claude Code's inheritance), and always
        # when it is bypassPermissions (Claude Code's rule) or plan (a read-only run stays read-only).
        if not _text_or_none(self.document.permission_mode) or parent.policy.mode in _BINDING_MODES:
            self.policy.mode = parent.policy.mode
        if model_override:
            self.model = resolve_model(model_override, default=parent.model, settings_models=self.settings.models)
            self.max_tokens = self._max_tokens_given or max_tokens_for(self.model)
        self.effort = resolve_effort(effort_override or self._effort_field, self.model)
        self.toolset = resolve_toolset(self.document, depth=self.depth, max_depth=MAX_AGENT_DEPTH,
                                       permission_mode=self.policy.mode)
        self._tool_defs = _tool_definitions(self.toolset, self._loaded, self.catalog)
        self.context.deferred_tools = {name: tool.description for name, tool in self.toolset.deferred.items()}


def _tool_definitions(toolset: ToolSet, loaded: list[str], catalog: Any = None) -> list[dict[str, Any]]:
    """The API tool list as Claude Code sends it: the offered tools in order, an empty
    `defer_loading` placeholder right after ToolSearch while tools are deferred, then the deferred
    tools loaded so far (with `defer_loading`, so ToolSearch's `tool_reference` blocks name them).
    No cache breakpoint on a tool (Claude Code puts none there). The Agent tool lists `catalog`'s agents."""
    placeholder = {"name": DEFERRED_PLACEHOLDER, "description": "Stands for the deferred tools.",
                   "input_schema": {"type": "object", "properties": {}}, "defer_loading": True}
    defs: list[dict[str, Any]] = [placeholder] if toolset.placeholder_first else []
    for tool in toolset.tools.values():
        defs.append(_definition(tool, catalog))
        if tool.name == "ToolSearch" and toolset.deferred:
            defs.append(placeholder)
    defs += [{**_definition(toolset.deferred[name]), "defer_loading": True} for name in loaded]
    return defs


def _definition(tool: Tool, catalog: Any = None) -> dict[str, Any]:
    description = agent_tool_description(catalog) if tool.name == AGENT_TOOL_NAME else tool.description
    return {"name": tool.name, "description": description, "input_schema": tool.input_schema}


def _with_cache_breakpoint(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The history with a cache breakpoint on the last block of the last message (history unchanged)."""
    if not history:
        return history
    last = history[-1]
    content = last["content"]
    blocks = [{"type": "text", "text": content}] if isinstance(content, str) else list(content)
    if not blocks:
        return history
    blocks[-1] = {**blocks[-1], "cache_control": EPHEMERAL}
    return [*history[:-1], {**last, "content": blocks}]


def _tool_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment tools run with: everything but the API credentials."""
    return {k: v for k, v in environ.items()
            if not k.startswith(_SECRET_PREFIXES) and k not in _SECRET_NAMES}


def _error(message: str) -> ToolResult:
    return ToolResult(message, is_error=True)


def _content_text(content: str | list[dict]) -> str:
    if isinstance(content, str):
        return content
    return "\n".join(b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text")


def _preloaded_skills(wanted: Any, skills: dict) -> list[tuple[str, str]]:
    """(name, instructions) of each skill the agent's `skills:` names that exists."""
    names = wanted.replace(",", " ").split() if isinstance(wanted, str) else wanted if isinstance(wanted, list) else []
    found = []
    for name in names:
        if isinstance(name, str) and name in skills:
            try:
                found.append((name, skill_body(skills[name][1])))
            except OSError:
                continue
    return found


def _text_or_none(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _positive_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
