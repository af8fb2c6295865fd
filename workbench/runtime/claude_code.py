"""The Claude Code engine: the agent runs in the real Claude Code, driven through the Claude Agent SDK.

`ClaudeCodeSession` has the built-in `Session`'s interface (`send`, `cancel`, `aclose`,
`set_permission_mode`, `session_id`, `transcript_path`) and yields the same events, mapped from the
SDK's messages:

- partial stream events of the main thread → `ResponseStarted`, `TextDelta`, `ThinkingDelta`, then
  the whole response as `AssistantMessage`, `UsageReported` and `TurnEnded`;
- a `tool_use` block → `ToolCallStarted` (once its input is complete); its `tool_result` (a user
  message) → `ToolCallFinished` with Claude Code's `toolUseResult` as `detail`;
- messages with a `parent_tool_use_id` belong to the nested run under that Agent call: a nested
  `RunStarted`/`RunEnded` pair frames them, `depth` one more than the call's. Claude Code streams
  only the main thread, so a nested reply arrives whole (one `TextDelta` per text block);
- `api_retry` system messages → `RetryScheduled`; the result message → `RunEnded` (Claude Code's own
  totals and cost); an API failure or a CLI that fails → `ErrorOccurred`; lines the CLI prints on
  stderr → `Warning` events (and into the error when the CLI fails).

Permissions: Claude Code asks through the SDK's `can_use_tool` callback, which becomes the same
`PermissionRequested` → `ask_permission` → `PermissionDecided` as the built-in engine's; "always"
answers with Claude Code's own suggestions (session rules).

Two ways to run (`mode`): "subagent" (default) — Claude Code's main thread hands the task to the
agent through its Agent tool; a PreToolUse hook makes that call verbatim (its `prompt` is set to the
task exactly, in the foreground) and a PostToolUse hook ends the main thread's turn when the agent
hands back — and "main", the agent as the main thread (`--agent`). Either way the agent is passed
as a session agent (`agents=`), built from the editor's text as the rule table parses it, so it wins
over a file of the same name; the cwd is the project and the user's settings are loaded as in
their own sessions. One CLI process serves a session: follow-ups are further queries in the same
Claude Code session (no second process start); `cancel()` interrupts.

The SDK is imported on the first `send` (never at import time); `sdk_available()` says whether it
can be.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from workbench.agents.document import AgentDocument
from workbench.transcripts.events import (
    AgentSnapshot,
    AssistantMessage,
    ErrorOccurred,
    Event,
    PermissionDecided,
    PermissionRequested,
    ResponseStarted,
    RetryScheduled,
    RunEnded,
    RunStarted,
    TextDelta,
    ThinkingDelta,
    ToolCallFinished,
    ToolCallStarted,
    TurnEnded,
    UsageReported,
    UsageTotals,
    UserMessage,
    Warning,
)
from workbench.transcripts.pricing import cost_usd

ENGINES = ("builtin", "claude-code")
ENGINE_LABELS = {"builtin": "built-in", "claude-code": "Claude Code"}
RUN_MODES = ("subagent", "main")
INSTALL_HINT = "pip install 'workbench[claude-code]'"
NOT_INSTALLED = (f"the Claude Code engine needs the Claude Agent SDK, which is not installed: "
                 f"{INSTALL_HINT}")
# Tools whose calls start a nested agent run.
AGENT_TOOLS = frozenset({"Agent", "Task"})
_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")

AskPermission = Callable[[PermissionRequested], Awaitable[Any]]


class EngineUnavailable(Exception):
    """The Claude Code engine cannot run here (the SDK is missing); `str` says how to install it."""


def sdk_available() -> bool:
    """Whether `claude_agent_sdk` can be imported (without importing it)."""
    try:
        return importlib.util.find_spec("claude_agent_sdk") is not None
    except (ImportError, ValueError):
        return False


def resolve_engine(choice: str | None) -> str:
    """`builtin` or `claude-code` for a setting or option (`auto`/None: Claude Code when the SDK is
    installed). ValueError for an unknown name."""
    choice = (choice or "auto").strip()
    if choice == "auto":
        return "claude-code" if sdk_available() else "builtin"
    if choice in ("built-in",):
        return "builtin"
    if choice not in ENGINES:
        raise ValueError(f"unknown engine {choice!r}: use auto, builtin or claude-code")
    return choice


def parse_version(text: str) -> tuple[int, int, int] | None:
    """(major, minor, patch) of the first version number in `text` (`2.1.337 (Claude Code)`)."""
    match = _VERSION.search(text or "")
    return tuple(int(part) for part in match.groups()) if match else None  # type: ignore[return-value]


def bundled_cli() -> tuple[Path | None, str]:
    """The CLI inside the SDK's wheel and its version ("" when unknown)."""
    spec = importlib.util.find_spec("claude_agent_sdk")
    if spec is None or not spec.submodule_search_locations:
        return None, ""
    folder = Path(next(iter(spec.submodule_search_locations)))
    binary = folder / "_bundled" / ("claude.exe" if os.name == "nt" else "claude")
    found = None
    for name in ("_bundled/claude.version", "_cli_version.py"):
        try:
            found = parse_version((folder / name).read_text(encoding="utf-8"))
        except OSError:
            continue
        if found:
            break
    return (binary if binary.is_file() else None), ".".join(map(str, found)) if found else ""


def cli_version(binary: str | Path, timeout: float = 15.0) -> str:
    """`claude --version`'s number ("" when it does not answer)."""
    try:
        done = subprocess.run([str(binary), "--version"], capture_output=True, text=True,
                              timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    found = parse_version(done.stdout)
    return ".".join(map(str, found)) if found else ""


def choose_cli(path_env: str | None = None) -> tuple[Path | None, str]:
    """The CLI to run and its version: a `claude` on PATH when it is newer than the bundled one,
    else the bundled one (None when neither exists: the SDK then looks for itself)."""
    bundled, bundled_version = bundled_cli()
    on_path = shutil.which("claude", path=path_env)
    if on_path:
        version = cli_version(on_path)
        mine = parse_version(version)
        if mine and (bundled is None or mine > (parse_version(bundled_version) or (0, 0, 0))):
            return Path(on_path), version
    return bundled, bundled_version


def agent_definition(document: AgentDocument) -> dict[str, Any]:
    """The keyword arguments of the SDK's `AgentDefinition` for an agent file, from the fields the
    rule table's parse gives (what Claude Code's loader reads)."""
    fields = document.fields or {}
    out: dict[str, Any] = {
        "description": str(fields.get("description") or document.description or ""),
        "prompt": document.body or "",
    }
    if document.tools is not None:
        out["tools"] = list(document.tools)
    if document.disallowed_tools is not None:
        out["disallowedTools"] = list(document.disallowed_tools)
    if isinstance(fields.get("model"), str) and fields["model"].strip():
        out["model"] = fields["model"].strip()
    for key in ("skills", "mcpServers"):
        value = fields.get(key)
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list):
            out[key] = value
    for key in ("memory", "permissionMode", "initialPrompt"):
        if isinstance(fields.get(key), str):
            out[key] = fields[key]
    if isinstance(fields.get("maxTurns"), int) and not isinstance(fields.get("maxTurns"), bool):
        out["maxTurns"] = fields["maxTurns"]
    if isinstance(fields.get("effort"), (str, int)) and not isinstance(fields.get("effort"), bool):
        out["effort"] = fields["effort"]
    if isinstance(fields.get("background"), bool):
        out["background"] = fields["background"]
    return out


def agent_name(document: AgentDocument, path: str | Path | None) -> str:
    """The name Claude Code knows the agent by: its `name`, else the file's stem."""
    name = document.name if isinstance(document.name, str) and document.name.strip() else ""
    if not name and path is not None:
        name = Path(path).stem
    return name.strip() or "agent"


def session_file(cwd: str | Path, session_id: str) -> Path:
    """Where Claude Code writes a session's transcript (`$CLAUDE_CONFIG_DIR` or `~/.claude`)."""
    root = os.environ.get("CLAUDE_CONFIG_DIR", "").split(",")[0].strip()
    base = Path(root).expanduser() if root else Path.home() / ".claude"
    folder = re.sub(r"[^A-Za-z0-9]", "-", str(Path(cwd).resolve()))
    return base / "projects" / folder / f"{session_id}.jsonl"


class ClaudeCodeSession:
    """One agent run (or conversation) in Claude Code; see the module docstring."""

    engine = "claude-code"

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
        ask_permission: AskPermission | None = None,
        mode: str = "subagent",
        cli_path: str | Path | None = None,
        cli_version: str = "",
        env: dict[str, str] | None = None,
        settings: Any = None,
    ) -> None:
        if mode not in RUN_MODES:
            raise ValueError(f"unknown run mode {mode!r}: use subagent or main")
        self.agent_text = agent_text
        self.path = str(path) if path is not None else None
        self.document = AgentDocument.parse(agent_text, path=Path(path) if path else None)
        self.name = agent_name(self.document, path)
        self.cwd = Path(cwd).expanduser().resolve()
        self.add_dirs = [Path(d).expanduser().resolve() for d in add_dirs]
        self.model = model
        self.permission_mode = permission_mode or self.document.permission_mode or (
            getattr(settings, "permission_mode", None)) or "default"
        self.allow_rules = list(allow_rules) + list(getattr(settings, "allow", []) or [])
        self.max_turns = max_turns
        self.ask_permission = ask_permission
        self.mode = mode
        self.cli_path = Path(cli_path) if cli_path else None
        self.cli_version = cli_version
        self.env = dict(env or {})
        self.prices = getattr(settings, "prices", None)
        self.session_id: str | None = None
        self.transcript_path: Path | None = None
        self.stderr_lines: list[str] = []
        self._client: Any = None
        self._queue: asyncio.Queue[Event | None] | None = None
        self._task = ""
        self._cancelled = False
        self._running = False
        # Per run: call id -> (name, depth), nested runs begun (Agent call id -> nested depth),
        # message ids whose usage was reported, calls whose start was emitted.
        self._calls: dict[str, tuple[str, int]] = {}
        self._nested: dict[str, int] = {}
        self._usage_seen: set[str] = set()
        self._started_calls: set[str] = set()
        self._stream: dict[str, Any] = {}
        self._turns = 0
        self._tool_calls = 0
        self._run_usage = UsageTotals()
        self._asked: dict[str, float] = {}
        self._parent_of: dict[str, str | None] = {}
        self._call_started: dict[str, float] = {}  # call id -> when it started (monotonic)
        self._errors_shown: set[str] = set()
        self._denied: set[str] = set()  # calls refused at their permission prompt
        self._agents: dict[str, str] = {}  # Claude Code's agent id -> its Agent call id
        self._mode_changed = False
        self._recorded: str | None = None

    # -- the interface shared with the built-in Session ------------------------------------------

    def set_permission_mode(self, mode: str | None) -> None:
        """The permission mode from the next request on (a follow-up's)."""
        if mode:
            self.permission_mode = mode
            self._mode_changed = True

    def cancel(self) -> None:
        """Interrupt the running turn (safe from any callback)."""
        self._cancelled = True
        client = self._client
        if client is not None and self._running:
            try:
                asyncio.get_running_loop().create_task(self._interrupt(client))
            except RuntimeError:
                pass

    async def aclose(self) -> None:
        """End the CLI process."""
        client, self._client = self._client, None
        if client is not None:
            try:
                await client.disconnect()
            except Exception:  # noqa: BLE001 - a process already gone is closed
                pass

    async def send(self, text: str) -> AsyncIterator[Event]:
        """Run `text` as the task (or a follow-up) and yield the run's events; the last is RunEnded."""
        self._task = text
        self._cancelled = False
        self._reset_run()
        started = time.monotonic()
        queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self._queue = queue
        first = self._client is None
        self._running = True
        pump = asyncio.ensure_future(self._pump(text, first, started))
        try:
            while True:
                event = await queue.get()
                if event is None:
                    break
                yield event
        finally:
            self._running = False
            if not pump.done():
                pump.cancel()
                try:
                    await pump
                except (asyncio.CancelledError, Exception):  # noqa: BLE001
                    pass

    # -- the run --------------------------------------------------------------------------------

    def _emit(self, event: Event) -> None:
        if self._queue is not None:
            self._queue.put_nowait(event)

    def _reset_run(self) -> None:
        self._calls.clear()
        self._parent_of.clear()
        self._nested.clear()
        self._started_calls.clear()
        self._stream = {}
        self._turns = 0
        self._tool_calls = 0
        self._run_usage = UsageTotals()

    async def _pump(self, text: str, first: bool, started: float) -> None:
        ended = False
        try:
            if first:
                try:
                    await self._connect()
                except EngineUnavailable as exc:
                    self._emit(ErrorOccurred(message=str(exc), error_type="not_installed",
                                             hint=INSTALL_HINT, timestamp=time.time()))
                    return
            if self._cancelled:  # cancelled while the CLI was starting: nothing is sent
                return
            if self._mode_changed:
                self._mode_changed = False
                await self._client.set_permission_mode(self.permission_mode)
            await self._client.query(self._task)
            announced = False
            async for message in self._client.receive_response():
                # The run is announced with what Claude Code's init message says (model, session).
                is_init = hasattr(message, "data") and getattr(message, "subtype", "") == "init"
                events = self._map(message, started)
                if not announced and (is_init or events):
                    announced = True
                    self._emit(self._run_started(text))
                    self._emit(UserMessage(message={"role": "user", "content": text}, timestamp=time.time()))
                for event in events:
                    ended = ended or (isinstance(event, RunEnded) and event.depth == 0)
                    self._emit(event)
        except Exception as exc:  # noqa: BLE001 - a CLI failure is shown, never raised
            self._emit(ErrorOccurred(message=self._failure(exc), error_type=type(exc).__name__,
                                     hint=self._hint(exc), timestamp=time.time()))
            await self.aclose()
        finally:
            if not ended:
                status = "cancelled" if self._cancelled else "error"
                self._close_nested(status)
                self._emit(RunEnded(status=status, turns=self._turns, usage=UsageTotals(), cost_usd=0.0,
                                    duration_ms=(time.monotonic() - started) * 1000,
                                    tool_calls=self._tool_calls,
                                    error="" if self._cancelled else "the Claude Code run failed",
                                    timestamp=time.time()))
            self._emit(None)  # type: ignore[arg-type]

    async def _connect(self) -> None:
        try:
            import claude_agent_sdk as sdk
        except ImportError:
            raise EngineUnavailable(NOT_INSTALLED) from None
        if self.cli_path is None:
            self.cli_path, version = choose_cli()
            self.cli_version = self.cli_version or version
        definition = sdk.AgentDefinition(**agent_definition(self.document))
        options: dict[str, Any] = {
            "cwd": str(self.cwd),
            "add_dirs": [str(d) for d in self.add_dirs],
            "agents": {self.name: definition},
            "include_partial_messages": True,
            "forward_subagent_text": True,
            "permission_mode": self.permission_mode,
            "allowed_tools": self.allow_rules,
            "can_use_tool": self._can_use_tool,
            "stderr": self._stderr,
            "env": self.env,
        }
        if self.cli_path is not None:
            options["cli_path"] = str(self.cli_path)
        if self.model:
            options["model"] = self.model
        if self.max_turns:
            options["max_turns"] = self.max_turns
        if self.session_id:  # the CLI went away mid-session: a new one resumes the same session
            options["resume"] = self.session_id
        if self.mode == "main":
            options["extra_args"] = {"agent": self.name}
        else:
            options["system_prompt"] = {
                "type": "preset", "preset": "claude_code",
                "append": (f"You are only a relay in this session. Hand every task you are given to the "
                           f"'{self.name}' agent with the Agent tool (subagent_type '{self.name}'), "
                           f"passing the task as it is, and do nothing else."),
            }
            options["hooks"] = {
                "PreToolUse": [sdk.HookMatcher(matcher="Agent|Task", hooks=[self._verbatim_handover])],
                "PostToolUse": [sdk.HookMatcher(matcher="Agent|Task", hooks=[self._handed_back])],
            }
        client = sdk.ClaudeSDKClient(sdk.ClaudeAgentOptions(**options))
        try:
            await client.connect()
        except Exception:
            try:
                await client.disconnect()
            except Exception:  # noqa: BLE001
                pass
            raise
        self._client = client

    async def _interrupt(self, client: Any) -> None:
        try:
            await client.interrupt()
        except Exception:  # noqa: BLE001 - the turn may have ended meanwhile
            pass

    # -- hooks and callbacks (called by the SDK in the run's loop) ---------------------------------

    async def _verbatim_handover(self, hook_input: dict, tool_use_id: str | None, context: Any) -> dict:
        """The main thread's delegation to this agent carries the task exactly, in the foreground."""
        tool_input = dict(hook_input.get("tool_input") or {})
        if hook_input.get("agent_id") or str(tool_input.get("subagent_type", "")) != self.name:
            return {}
        tool_input["prompt"] = self._task
        tool_input["run_in_background"] = False
        return {"hookSpecificOutput": {"hookEventName": "PreToolUse", "updatedInput": tool_input}}

    async def _handed_back(self, hook_input: dict, tool_use_id: str | None, context: Any) -> dict:
        """The agent handed back: the main thread's turn ends (its own reply is not the agent's)."""
        if hook_input.get("agent_id"):
            return {}
        tool_input = hook_input.get("tool_input") or {}
        if str(tool_input.get("subagent_type", "")) != self.name:
            return {}
        return {"continue_": False, "stopReason": f"the {self.name} agent handed back"}

    async def _can_use_tool(self, name: str, tool_input: dict, context: Any) -> Any:
        import claude_agent_sdk as sdk

        call_id = getattr(context, "tool_use_id", None) or f"call_{uuid.uuid4().hex[:12]}"
        depth, parent = self._place(call_id, self._agents.get(str(getattr(context, "agent_id", "") or "")))
        if call_id not in self._started_calls:
            # The call's message may still wait in the SDK's buffer: its block comes first.
            self._emit(self._start_call(call_id, name, tool_input, depth, parent))
        suggestions = list(getattr(context, "suggestions", None) or [])
        rule = _rule_text(suggestions) or name
        request = PermissionRequested(
            call_id=call_id, name=name, input=dict(tool_input), rule_suggestion=rule,
            summary=getattr(context, "title", None) or "", depth=depth, parent_call_id=parent,
            timestamp=time.time())
        self._emit(request)
        if self.ask_permission is None:
            self._emit(PermissionDecided(call_id=call_id, name=name, decision="deny", by="headless",
                                         reason="permission was not given (no one to ask)",
                                         depth=depth, parent_call_id=parent, timestamp=time.time()))
            self._denied.add(call_id)
            return sdk.PermissionResultDeny(message="Permission to use this tool was not given.")
        asked = time.monotonic()
        answer = await self.ask_permission(request)
        self._asked[call_id] = (time.monotonic() - asked) * 1000
        decision = getattr(answer, "decision", "deny")
        reason = getattr(answer, "reason", "") or ""
        self._emit(PermissionDecided(call_id=call_id, name=name, decision=decision, by="user",
                                     reason=reason, depth=depth, parent_call_id=parent,
                                     timestamp=time.time()))
        if decision == "allow":
            return sdk.PermissionResultAllow()
        if decision == "allow_always":
            updates = suggestions or [sdk.PermissionUpdate(
                type="addRules", rules=[sdk.PermissionRuleValue(tool_name=name)], behavior="allow",
                destination="session")]
            for update in updates:  # "always" lasts for this session, as in workbench's engine
                update.destination = "session"
            return sdk.PermissionResultAllow(updated_permissions=updates)
        self._denied.add(call_id)
        return sdk.PermissionResultDeny(message=reason or "The user denied this tool call.")

    def _stderr(self, line: str) -> None:
        line = line.rstrip()
        if not line:
            return
        self.stderr_lines.append(line)
        del self.stderr_lines[:-50]
        self._emit(Warning(message=f"claude: {line}", timestamp=time.time()))

    # -- mapping SDK messages to events ----------------------------------------------------------

    def _write_record(self) -> None:
        """Beside Claude Code's session file, what re-running it needs (once per session)."""
        if self._recorded == self.session_id:
            return
        self._recorded = self.session_id
        from workbench.transcripts.engine_record import EngineRecord, write_engine_record

        try:
            write_engine_record(EngineRecord(
                session_id=self.session_id or "", agent=AgentSnapshot(self.name, self.path, self.agent_text),
                prompt=self._task, engine=self.engine, engine_version=self.cli_version, run_as=self.mode,
                model=self.model or "", cwd=str(self.cwd), transcript=str(self.transcript_path or "")))
        except OSError as exc:
            self._emit(Warning(message=f"the run's record was not written: {exc.strerror or exc}",
                               timestamp=time.time()))

    def _run_started(self, text: str) -> RunStarted:
        return RunStarted(
            run_id=uuid.uuid4().hex, session_id=self.session_id or "",
            agent=AgentSnapshot(self.name, self.path, self.agent_text), system_prompt=self.document.body or "",
            model=self.model or "", tools=tuple(self.document.tools or ()), cwd=str(self.cwd),
            permission_mode=self.permission_mode, prompt=text, engine=self.engine,
            engine_version=self.cli_version, timestamp=time.time())

    def _place(self, call_id: str | None, parent: str | None = None) -> tuple[int, str | None]:
        """(depth, parent call id) of a call or message whose parent Agent call is `parent`."""
        if call_id is not None and call_id in self._calls:
            name, depth = self._calls[call_id]
            return depth, self._parent_of.get(call_id)
        if parent is None:
            return 0, None
        return self._nested.get(parent, self._calls.get(parent, ("", 0))[1] + 1), parent

    def _start_call(self, call_id: str, name: str, tool_input: dict, depth: int,
                    parent: str | None) -> ToolCallStarted:
        self._started_calls.add(call_id)
        self._call_started[call_id] = time.monotonic()
        self._calls[call_id] = (name, depth)
        self._parent_of[call_id] = parent
        self._tool_calls += 1
        return ToolCallStarted(call_id=call_id, name=name, input=dict(tool_input or {}), depth=depth,
                               parent_call_id=parent, timestamp=time.time())

    def _begin_nested(self, call_id: str, prompt: str = "") -> int:
        """The nested run under Agent call `call_id` (its RunStarted once); its depth."""
        if call_id in self._nested:
            return self._nested[call_id]
        depth = self._calls.get(call_id, ("", 0))[1] + 1
        self._nested[call_id] = depth
        self._emit(RunStarted(
            run_id=uuid.uuid4().hex, session_id=self.session_id or "",
            agent=AgentSnapshot(self.name, self.path, self.agent_text), system_prompt=self.document.body or "",
            model=self.model or "", tools=tuple(self.document.tools or ()), cwd=str(self.cwd),
            permission_mode=self.permission_mode, prompt=prompt, depth=depth, parent_call_id=call_id,
            engine=self.engine, engine_version=self.cli_version, timestamp=time.time()))
        return depth

    def _end_nested(self, call_id: str, status: str) -> None:
        depth = self._nested.pop(call_id, None)
        if depth is not None:
            self._emit(RunEnded(status=status, turns=0, usage=UsageTotals(), cost_usd=0.0, duration_ms=0.0,
                                depth=depth, parent_call_id=call_id, timestamp=time.time()))

    def _close_nested(self, status: str) -> None:
        for call_id in sorted(self._nested, key=lambda c: -self._nested[c]):
            self._end_nested(call_id, status)

    def _usage(self, message_id: str, model: str, usage: dict | None, depth: int, parent: str | None) -> Event | None:
        if not message_id or not usage or message_id in self._usage_seen:
            return None
        self._usage_seen.add(message_id)
        totals = UsageTotals(int(usage.get("input_tokens") or 0), int(usage.get("output_tokens") or 0),
                             int(usage.get("cache_creation_input_tokens") or 0),
                             int(usage.get("cache_read_input_tokens") or 0))
        self._run_usage = self._run_usage + totals
        return UsageReported(message_id=message_id, model=model, usage=totals,
                             cost_usd=cost_usd(model, totals, self.prices), depth=depth,
                             parent_call_id=parent, timestamp=time.time())

    def _map(self, message: Any, started: float) -> list[Event]:
        kind = type(message).__name__
        now = time.time()
        out: list[Event] = []
        if hasattr(message, "data") and hasattr(message, "subtype"):  # system messages, task ones too
            data = getattr(message, "data", {}) or {}
            subtype = getattr(message, "subtype", "")
            if subtype == "init":
                self.session_id = data.get("session_id") or self.session_id
                self.cli_version = data.get("claude_code_version") or self.cli_version
                self.model = data.get("model") or self.model
                if self.session_id:
                    self.transcript_path = session_file(self.cwd, self.session_id)
                    self._write_record()
            elif subtype == "api_retry":
                reason = " ".join(str(part) for part in (data.get("error_status"), data.get("error")) if part)
                out.append(RetryScheduled(attempt=int(data.get("attempt") or 0),
                                          max_attempts=int(data.get("max_retries") or 0),
                                          delay_s=float(data.get("retry_delay_ms") or 0) / 1000,
                                          reason=reason or "the request failed", timestamp=now))
            elif subtype == "task_started" and data.get("tool_use_id") in self._calls:
                self._agents[str(data.get("task_id"))] = data["tool_use_id"]
                self._begin_nested(data["tool_use_id"], str(data.get("prompt") or ""))
            return out
        if kind == "StreamEvent":
            return self._map_stream(message, now)
        if kind == "AssistantMessage":
            parent = message.parent_tool_use_id
            depth = self._begin_nested(parent) if parent else 0
            for block in message.content:
                block_kind = type(block).__name__
                if block_kind in ("ToolUseBlock", "ServerToolUseBlock"):
                    if block.id not in self._started_calls:
                        out.append(self._start_call(block.id, block.name, block.input, depth, parent))
                elif parent and block_kind == "TextBlock" and block.text:
                    out.append(TextDelta(text=block.text, depth=depth, parent_call_id=parent, timestamp=now))
                elif parent and block_kind == "ThinkingBlock" and block.thinking:
                    out.append(ThinkingDelta(text=block.thinking, depth=depth, parent_call_id=parent,
                                             timestamp=now))
            if parent:
                usage = self._usage(message.message_id or "", message.model, message.usage, depth, parent)
                if usage is not None:
                    out.append(usage)
            if message.error:
                self._errors_shown.add(_assistant_error(message))
                out.append(ErrorOccurred(message=_assistant_error(message), error_type=str(message.error),
                                         depth=depth, parent_call_id=parent, timestamp=now))
            return out
        if kind == "UserMessage":
            parent = message.parent_tool_use_id
            content = message.content if isinstance(message.content, list) else []
            for block in content:
                if type(block).__name__ != "ToolResultBlock":
                    continue
                call_id = block.tool_use_id
                name, depth = self._calls.get(call_id, ("", 0))
                if name in AGENT_TOOLS:
                    self._end_nested(call_id, "completed")
                text = _result_text(block.content)
                is_error = bool(block.is_error)
                status = "failed" if is_error else "done"
                if is_error and call_id in self._denied:
                    status = "denied"
                if self._cancelled and is_error:
                    status = "cancelled"
                detail = message.tool_use_result if isinstance(message.tool_use_result, dict) else {}
                waited = self._asked.pop(call_id, 0.0)
                began = self._call_started.pop(call_id, None)
                took = max(0.0, (time.monotonic() - began) * 1000 - waited) if began is not None else 0.0
                out.append(ToolCallFinished(
                    call_id=call_id, name=name, status=status, content=text, is_error=is_error,
                    detail=dict(detail), permission_wait_ms=waited, duration_ms=took,
                    depth=depth, parent_call_id=self._parent_of.get(call_id, parent), timestamp=now))
            return out
        if kind == "ResultMessage":
            self._close_nested("completed" if not message.is_error else "error")
            # The result's usage is the main thread's alone; the run's total counts nested runs too,
            # as the built-in engine's does (Claude Code's cost already includes them).
            totals = self._run_usage
            status, error = _result_status(message, self._cancelled)
            if status == "error" and error not in self._errors_shown:
                out.append(ErrorOccurred(message=error, error_type=message.subtype,
                                         hint=self._stderr_hint(), timestamp=now))
            out.append(RunEnded(status=status, turns=int(message.num_turns or self._turns), usage=totals,
                                cost_usd=float(message.total_cost_usd or 0.0),
                                duration_ms=float(message.duration_ms or (time.monotonic() - started) * 1000),
                                tool_calls=self._tool_calls, error=error, timestamp=now))
            return out
        return out

    def _map_stream(self, message: Any, now: float) -> list[Event]:
        event = message.event or {}
        parent = message.parent_tool_use_id
        depth = self._begin_nested(parent) if parent else 0
        kind = event.get("type")
        out: list[Event] = []
        stream = self._stream
        if kind == "message_start":
            msg = event.get("message") or {}
            stream.clear()
            stream.update(id=msg.get("id", ""), model=msg.get("model", ""), blocks={},
                          usage=dict(msg.get("usage") or {}), stop_reason=None)
            out.append(ResponseStarted(message_id=stream["id"], model=stream["model"], depth=depth,
                                       parent_call_id=parent, timestamp=now))
        elif kind == "content_block_start":
            block = dict(event.get("content_block") or {})
            stream.setdefault("blocks", {})[event.get("index", 0)] = {**block, "_json": ""}
        elif kind == "content_block_delta":
            delta = event.get("delta") or {}
            block = stream.setdefault("blocks", {}).setdefault(event.get("index", 0), {"type": "text", "text": ""})
            if delta.get("type") == "text_delta":
                block["text"] = block.get("text", "") + delta.get("text", "")
                out.append(TextDelta(text=delta.get("text", ""), depth=depth, parent_call_id=parent,
                                     timestamp=now))
            elif delta.get("type") == "thinking_delta":
                block["thinking"] = block.get("thinking", "") + delta.get("thinking", "")
                out.append(ThinkingDelta(text=delta.get("thinking", ""), depth=depth, parent_call_id=parent,
                                         timestamp=now))
            elif delta.get("type") == "signature_delta":
                block["signature"] = block.get("signature", "") + delta.get("signature", "")
            elif delta.get("type") == "input_json_delta":
                block["_json"] = block.get("_json", "") + delta.get("partial_json", "")
        elif kind == "message_delta":
            stream["stop_reason"] = (event.get("delta") or {}).get("stop_reason")
            stream.setdefault("usage", {}).update(event.get("usage") or {})
        elif kind == "message_stop" and stream:
            import json

            content = []
            for _, block in sorted(stream.get("blocks", {}).items()):
                raw = block.pop("_json", "")
                if block.get("type") == "tool_use" and raw:
                    try:
                        block["input"] = json.loads(raw)
                    except ValueError:
                        pass
                content.append(block)
            self._turns += 1
            message_dict = {"id": stream.get("id"), "type": "message", "role": "assistant",
                            "model": stream.get("model"), "content": content,
                            "stop_reason": stream.get("stop_reason"), "usage": stream.get("usage", {})}
            out.append(AssistantMessage(message=message_dict, depth=depth, parent_call_id=parent, timestamp=now))
            usage = self._usage(stream.get("id", ""), stream.get("model", ""), stream.get("usage"), depth, parent)
            if usage is not None:
                out.append(usage)
            out.append(TurnEnded(stop_reason=str(stream.get("stop_reason")), turn=self._turns, depth=depth,
                                 parent_call_id=parent, timestamp=now))
            self._stream = {}
        return out

    # -- failures --------------------------------------------------------------------------------

    def _failure(self, exc: Exception) -> str:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        name = type(exc).__name__
        if name == "CLINotFoundError":
            return f"Claude Code's CLI was not found: {text}"
        if self.stderr_lines:
            return f"Claude Code failed: {text} — {self.stderr_lines[-1]}"
        return f"Claude Code failed: {text}"

    def _hint(self, exc: Exception) -> str:
        if type(exc).__name__ == "CLINotFoundError":
            return f"install it with {INSTALL_HINT} (its wheel bundles the CLI) or put `claude` on PATH"
        return self._stderr_hint()

    def _stderr_hint(self) -> str:
        return "; ".join(self.stderr_lines[-3:])


def _rule_text(suggestions: list[Any]) -> str:
    """Claude Code's suggested rules as workbench writes rules (`Bash(git status:*)`)."""
    out = []
    for update in suggestions:
        for rule in getattr(update, "rules", None) or []:
            content = getattr(rule, "rule_content", None)
            out.append(f"{rule.tool_name}({content})" if content else rule.tool_name)
    return ", ".join(out)


def _result_text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    parts = []
    for item in content:
        if isinstance(item, dict) and item.get("type") == "text":
            parts.append(str(item.get("text", "")))
        elif isinstance(item, dict):
            parts.append(f"[{item.get('type', 'content')}]")
    return "\n".join(parts)


def _assistant_error(message: Any) -> str:
    text = " ".join(block.text for block in message.content if type(block).__name__ == "TextBlock")
    return text.strip() or f"Claude Code reported an API error ({message.error})"


def _result_status(message: Any, cancelled: bool) -> tuple[str, str]:
    reason = getattr(message, "terminal_reason", None) or ""
    if cancelled or reason.startswith("aborted"):
        return "cancelled", ""
    if message.subtype == "error_max_turns" or reason == "max_turns":
        return "max_turns", ""
    if message.is_error or message.subtype.startswith("error"):
        errors = "; ".join(message.errors or []) or (message.result or "") or message.subtype
        return "error", str(errors).strip()
    return "completed", ""
