"""`workbench run AGENT PROMPT`: run an agent headless against the Anthropic API.

Text output prints each reply once (streamed on a terminal; piped, when its response is complete,
so a retried response never repeats it), one line per tool call, a closing usage line, and each
retry as one line on stderr; `--output jsonl` prints every event as JSON. Exit status: 0 when the
run ends normally (refused tools included), 1 when it cannot finish (API failure after retries,
maxTurns reached, a cut-off response), 2 for bad arguments or a missing key, 130 when cancelled.
Failures are one line on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from pathlib import Path
from typing import Any, TextIO

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_CANCELLED = 0, 1, 2, 130
_MAIN_ARGUMENT = ("command", "file_path", "notebook_path", "path", "pattern", "url", "subagent_type",
                  "bash_id", "shell_id")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `run` options."""
    parser.add_argument("agent", help="an agent file, or the name of an agent in the catalog")
    parser.add_argument("prompt", help="the task (the first user message)")
    parser.add_argument("--cwd", default=".", help="the working directory (workspace root)")
    parser.add_argument("--add-dir", action="append", default=[], metavar="DIR",
                        help="another folder the file tools may use (repeatable)")
    parser.add_argument("--model", help="the model for agents that say `inherit` or nothing")
    parser.add_argument("--permission-mode", metavar="MODE",
                        help="default, acceptEdits, plan, bypassPermissions, dontAsk, auto")
    parser.add_argument("--allow", action="append", default=[], metavar="RULE",
                        help="an always-allow rule such as 'Bash(git status:*)' (repeatable)")
    parser.add_argument("--max-turns", type=int, metavar="N", help="stop after N responses")
    parser.add_argument("--transcript", metavar="FILE", help="where to write the transcript")
    parser.add_argument("--output", choices=("text", "jsonl"), default="text")
    parser.add_argument("--no-claude-md", action="store_true",
                        help="leave the workspace's CLAUDE.md files out of the system prompt (built-in engine)")
    parser.add_argument("--engine", choices=("auto", "builtin", "claude-code"),
                        help="run in workbench's built-in engine or in the real Claude Code (default: the "
                             "settings' engine; auto = Claude Code when installed)")
    parser.add_argument("--run-as", choices=("subagent", "main"),
                        help="Claude Code engine: hand the task to the agent as a subagent (default) or "
                             "run it as the main agent (--agent)")


def run(args: argparse.Namespace) -> int:
    """Run the agent; see the module docstring for the exit statuses."""
    try:
        return asyncio.run(_run(args))
    except _UsageError as exc:
        print(f"workbench: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - the command promises one line, never a traceback
        print(f"workbench: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED


class _UsageError(Exception):
    pass


async def _run(args: argparse.Namespace) -> int:
    from workbench.runtime.engines import EngineUnavailable, choose_engine, open_session
    from workbench.runtime.permissions import normalise_mode, parse_rule
    from workbench.runtime.provider import has_credentials
    from workbench.settings import load_settings

    cwd = Path(args.cwd).expanduser()
    if not cwd.is_dir():
        raise _UsageError(f"--cwd {args.cwd}: not a folder")
    for folder in args.add_dir:
        if not Path(folder).expanduser().is_dir():
            raise _UsageError(f"--add-dir {folder}: not a folder")
    if args.max_turns is not None and args.max_turns < 1:
        raise _UsageError("--max-turns must be at least 1")
    try:
        if args.permission_mode:
            normalise_mode(args.permission_mode)
        for rule in args.allow:
            parse_rule(rule)
    except ValueError as exc:
        raise _UsageError(str(exc)) from None
    settings = load_settings()
    try:
        engine = choose_engine(getattr(args, "engine", None), settings, getattr(args, "run_as", None))
    except (ValueError, EngineUnavailable) as exc:
        raise _UsageError(str(exc)) from None
    text, path, catalog = _load_agent(args.agent, cwd)
    # Claude Code has its own login; the built-in engine needs a key.
    if engine.name == "builtin" and not has_credentials():
        raise _UsageError("no API key: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN)")
    if args.output == "text":  # the first line on stderr says what runs the agent
        print(f"engine: {engine.label}" + (f" ({engine.run_as})" if engine.name == "claude-code" else ""),
              file=sys.stderr)

    interactive = sys.stdin.isatty()
    try:
        session = open_session(
            engine, text, path=path, model=args.model, cwd=cwd,
            add_dirs=[Path(d).expanduser() for d in args.add_dir],
            permission_mode=args.permission_mode, allow_rules=args.allow, max_turns=args.max_turns,
            include_claude_md=not args.no_claude_md, transcript_path=args.transcript,
            ask_permission=_ask_on_terminal if interactive else None, catalog=catalog,
        )
    except ValueError as exc:  # e.g. an unknown permissionMode in the agent file
        raise _UsageError(str(exc)) from None

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, session.cancel)
    # As a subagent, Claude Code's main thread only relays: the reply is the delegated agent's (depth 1).
    reply_depth = 1 if engine.name == "claude-code" and engine.run_as == "subagent" else 0
    view = _TextView(sys.stdout, reply_depth=reply_depth) if args.output == "text" else None
    ended = None
    try:
        async for event in session.send(args.prompt):
            if view is not None:
                view.show(event)
            else:
                sys.stdout.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
                sys.stdout.flush()
            if event.kind == "run_ended" and event.depth == 0:
                ended = event
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        await session.aclose()
    if session.transcript_path is not None:
        print(f"transcript: {session.transcript_path}", file=sys.stderr)
    return _exit_status(ended)


def _exit_status(ended: Any) -> int:
    if ended is None:
        print("workbench: the run ended without a result", file=sys.stderr)
        return EXIT_FAILED
    if ended.status == "completed":
        return EXIT_OK
    if ended.status == "cancelled":
        print("workbench: cancelled", file=sys.stderr)
        return EXIT_CANCELLED
    if ended.status == "max_turns":
        print(f"workbench: stopped after {ended.turns} turns (maxTurns reached)", file=sys.stderr)
        return EXIT_FAILED
    print(f"workbench: {ended.error or 'the run failed'}", file=sys.stderr)
    return EXIT_FAILED


def _load_agent(agent: str, cwd: Path) -> tuple[str, str, Any]:
    """The agent's text and path (a file, else a catalog name) and the catalog for the Agent tool."""
    from workbench.agents.catalog import Catalog, default_scopes

    catalog = Catalog.load(default_scopes(cwd=cwd))
    candidate = Path(agent).expanduser()
    if candidate.is_file():
        path = candidate
    else:
        from workbench.runtime.tools.agent import find_agent

        found = find_agent(catalog, agent)
        if found is None:
            raise _UsageError(f"{agent}: no such file, and no agent of that name in the catalog")
        return found[0], found[1] or agent, catalog
    try:
        return path.read_text(encoding="utf-8"), str(path), catalog
    except UnicodeDecodeError:
        raise _UsageError(f"{agent}: not a UTF-8 text file") from None
    except OSError as exc:
        raise _UsageError(f"{agent}: cannot read ({exc.strerror or exc})") from None


async def _ask_on_terminal(request: Any) -> Any:
    """Ask on the terminal: y (once), a (always), anything else (or end of input) no."""
    from workbench.runtime.session import PermissionAnswer

    shown = request.summary or request.name
    always = request.rule_suggestion or request.name
    # The question goes to stderr so that stdout stays the reply (or clean JSON lines).
    sys.stderr.write(f"\nAllow {request.name}? {shown}\n[y]es / [a]lways ({always}) / [N]o: ")
    sys.stderr.flush()
    reply = await asyncio.to_thread(sys.stdin.readline)
    choice = reply.strip().lower()
    if choice in ("y", "yes"):
        return PermissionAnswer("allow")
    if choice in ("a", "always"):
        return PermissionAnswer("allow_always")
    return PermissionAnswer("deny", "the user said no")


class _TextView:
    """The human-readable rendering: reply text as it streams, a line per tool call, a usage line.

    A retried response says its reply again from the start, so each reply must appear once: piped,
    a reply's text is held until its response completes (a retry drops what the failed attempt said);
    on a terminal it streams, and after a retry the new attempt starts on a clean line.
    """

    def __init__(self, out: TextIO, err: TextIO | None = None, reply_depth: int = 0):
        self.out = out
        # The run whose text is the reply: the top one, or (Claude Code relaying to the agent) the
        # delegated run one level down, whose replies arrive as whole blocks.
        self.reply_depth = reply_depth
        self.err = err or sys.stderr
        self.streaming = out.isatty()
        self.at_line_start = True
        self.pending: list[str] = []
        self.inputs: dict[str, dict] = {}

    def _write(self, text: str) -> None:
        if text:
            self.out.write(text)
            self.out.flush()
            self.at_line_start = text.endswith("\n")

    def _flush_reply(self) -> None:
        """Print the text held for the current response (piped output)."""
        text, self.pending = "".join(self.pending), []
        self._write(text)

    def _line(self, text: str, stream: TextIO | None = None) -> None:
        target = stream or self.out
        if target is self.out:
            self._flush_reply()
            if not self.at_line_start:
                self.out.write("\n")
        target.write(text + "\n")
        target.flush()
        if target is self.out:
            self.at_line_start = True

    def show(self, event: Any) -> None:
        kind = event.kind
        indent = "  " * event.depth
        if kind == "text_delta" and event.depth == self.reply_depth:
            text = event.text
            if event.depth > 0 and not text.endswith("\n"):
                text += "\n"  # a nested reply arrives a whole block at a time
            if self.streaming:
                self._write(text)
            else:
                self.pending.append(text)
        elif kind in ("assistant_message", "run_ended") and event.depth in (0, self.reply_depth):
            self._flush_reply()
        if kind == "tool_call_started":
            self.inputs[event.call_id] = event.input
            if event.name in ("Agent", "Task"):
                self._line(f"{indent}⏺ {_call_label(event.name, event.input)} started")
        elif kind == "tool_call_finished":
            label = _call_label(event.name, self.inputs.pop(event.call_id, {}))
            self._line(f"{indent}⏺ {label} → {_outcome(event)}")
        elif kind == "retry":
            if event.depth == 0:
                # The failed attempt's text is not the reply: drop it, or (already shown) end its line.
                self.pending = []
                if not self.at_line_start:
                    self._write("\n")
            self._line(f"{indent}retrying in {event.delay_s:.1f} s ({event.attempt}/{event.max_attempts}): "
                       f"{event.reason}", self.err)
        elif kind == "warning":
            self._line(f"{indent}warning: {event.message}", self.err)
        elif kind == "run_ended" and event.depth == 0:
            u = event.usage
            self._line(
                f"— {event.turns} turn(s), {event.tool_calls} tool call(s); tokens: {u.input_tokens:,} in, "
                f"{u.output_tokens:,} out, {u.cache_read_input_tokens:,} cache read, "
                f"{u.cache_creation_input_tokens:,} cache write; cost ${event.cost_usd:.4f}"
            )


def _call_label(name: str, tool_input: dict) -> str:
    """`Read(src/app.py)`: the tool and its main argument, shortened to one line."""
    value = next((tool_input[k] for k in _MAIN_ARGUMENT if isinstance(tool_input.get(k), str)), "")
    value = " ".join(value.split())
    if len(value) > 80:
        value = value[:79] + "…"
    return f"{name}({value})"


def _outcome(event: Any) -> str:
    first = (event.content or "").strip().splitlines()
    summary = first[0][:120] if first else ""
    if event.status == "done":
        return "ok"
    return f"{event.status}: {summary}" if summary else event.status
