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
from dataclasses import replace
from pathlib import Path
from typing import Any

from workbench.agents.document import AgentDocument
from workbench.runtime.claude_code_events import EventMapper
from workbench.transcripts.events import (
    AgentSnapshot,
    ErrorOccurred,
    Event,
    PermissionDecided,
    PermissionRequested,
    RunEnded,
    RunStarted,
    UsageTotals,
    UserMessage,
    Warning,
)

ENGINES = ("builtin", "claude-code")
ENGINE_LABELS = {"builtin": "built-in", "claude-code": "Claude Code"}
RUN_MODES = ("subagent", "main")
INSTALL_HINT = "pip install 'workbench[claude-code]'"
NOT_INSTALLED = (f"the Claude Code engine needs the Claude Agent SDK, which is not installed: "
                 f"{INSTALL_HINT}")
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
        self._events = EventMapper(emit=self._emit, nested_run=self._nested_run, on_init=self._on_init,
                                   prices=self.prices, stderr_hint=self._stderr_hint)
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
        self._cancelled = self._events.cancelled = True
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
        self._cancelled = self._events.cancelled = False
        self._events.reset()
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
                events = self._events.map(message, started)
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
                self._events.close_nested(status)
                self._emit(RunEnded(status=status, turns=self._events.turns, usage=UsageTotals(), cost_usd=0.0,
                                    duration_ms=(time.monotonic() - started) * 1000,
                                    tool_calls=self._events.tool_calls,
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
        events = self._events
        depth, parent = events.place(call_id, events.agents.get(str(getattr(context, "agent_id", "") or "")))
        if call_id not in events.started_calls:
            # The call's message may still wait in the SDK's buffer: its block comes first.
            self._emit(events.start_call(call_id, name, tool_input, depth, parent))
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
            events.denied.add(call_id)
            return sdk.PermissionResultDeny(message="Permission to use this tool was not given.")
        asked = time.monotonic()
        answer = await self.ask_permission(request)
        events.asked[call_id] = (time.monotonic() - asked) * 1000
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
        events.denied.add(call_id)
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

    def _on_init(self, data: dict) -> None:
        """Claude Code's init message: its session id, version and model."""
        self.session_id = data.get("session_id") or self.session_id
        self.cli_version = data.get("claude_code_version") or self.cli_version
        self.model = data.get("model") or self.model
        if self.session_id:
            self.transcript_path = session_file(self.cwd, self.session_id)
            self._write_record()

    def _nested_run(self, call_id: str, depth: int, prompt: str) -> RunStarted:
        """The start of the agent's run under an Agent call."""
        return replace(self._run_started(prompt), depth=depth, parent_call_id=call_id)

    def _run_started(self, text: str) -> RunStarted:
        return RunStarted(
            run_id=uuid.uuid4().hex, session_id=self.session_id or "",
            agent=AgentSnapshot(self.name, self.path, self.agent_text), system_prompt=self.document.body or "",
            model=self.model or "", tools=tuple(self.document.tools or ()), cwd=str(self.cwd),
            permission_mode=self.permission_mode, prompt=text, engine=self.engine,
            engine_version=self.cli_version, timestamp=time.time())

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
