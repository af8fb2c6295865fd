"""Claude Code's messages as workbench events: the pure half of the Claude Code engine.

`EventMapper.map(message)` turns one message of the Claude Agent SDK (read by its class name and
fields, so this module imports neither the SDK nor anything that does I/O) into the events the
built-in engine emits; `ClaudeCodeSession` (`claude_code.py`) feeds it and runs the CLI. What it
keeps is one session's bookkeeping: the calls begun (id -> name, depth, parent), the nested runs
open under Agent calls, the usage already counted per message id, the main thread's response being
streamed, and the permission answers the session recorded (`denied`, `asked`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from workbench.transcripts.events import (
    AssistantMessage,
    ErrorOccurred,
    Event,
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
)
from workbench.transcripts.pricing import cost_usd

# Tools whose calls start a nested agent run.
AGENT_TOOLS = frozenset({"Agent", "Task"})


class EventMapper:
    """One Claude Code session's messages as events (see the module docstring).

    `emit` sends the events that must go out before the message's own (a nested run's start and
    end); `nested_run(call_id, depth, prompt)` builds a nested run's `RunStarted`; `on_init(data)`
    receives the init message's facts (session id, model, version)."""

    def __init__(self, *, emit: Callable[[Event], None], nested_run: Callable[[str, int, str], RunStarted],
                 on_init: Callable[[dict], None], prices: Any = None,
                 stderr_hint: Callable[[], str] = lambda: "") -> None:
        self.emit = emit
        self.nested_run = nested_run
        self.on_init = on_init
        self.prices = prices
        self.stderr_hint = stderr_hint
        self.cancelled = False
        self.errors_shown: set[str] = set()
        self.denied: set[str] = set()  # calls refused at their permission prompt
        self.asked: dict[str, float] = {}  # call id -> ms spent waiting for the person
        self.agents: dict[str, str] = {}  # Claude Code's agent id -> its Agent call id
        self.usage_seen: set[str] = set()
        self.reset()

    def reset(self) -> None:
        """Forget the last run's calls and totals (a new `send`)."""
        self.calls: dict[str, tuple[str, int]] = {}
        self.parent_of: dict[str, str | None] = {}
        self.call_started: dict[str, float] = {}  # call id -> when it started (monotonic)
        self.nested: dict[str, int] = {}
        self.started_calls: set[str] = set()
        self.stream: dict[str, Any] = {}
        self.turns = 0
        self.tool_calls = 0
        self.run_usage = UsageTotals()

    def place(self, call_id: str | None, parent: str | None = None) -> tuple[int, str | None]:
        """(depth, parent call id) of a call or message whose parent Agent call is `parent`."""
        if call_id is not None and call_id in self.calls:
            return self.calls[call_id][1], self.parent_of.get(call_id)
        if parent is None:
            return 0, None
        return self.nested.get(parent, self.calls.get(parent, ("", 0))[1] + 1), parent

    def start_call(self, call_id: str, name: str, tool_input: dict, depth: int,
                   parent: str | None) -> ToolCallStarted:
        """Note a call begun (once) and give its event."""
        self.started_calls.add(call_id)
        self.call_started[call_id] = time.monotonic()
        self.calls[call_id] = (name, depth)
        self.parent_of[call_id] = parent
        self.tool_calls += 1
        return ToolCallStarted(call_id=call_id, name=name, input=dict(tool_input or {}), depth=depth,
                               parent_call_id=parent, timestamp=time.time())

    def begin_nested(self, call_id: str, prompt: str = "") -> int:
        """The nested run under Agent call `call_id` (its RunStarted once); its depth."""
        if call_id in self.nested:
            return self.nested[call_id]
        depth = self.calls.get(call_id, ("", 0))[1] + 1
        self.nested[call_id] = depth
        self.emit(self.nested_run(call_id, depth, prompt))
        return depth

    def end_nested(self, call_id: str, status: str) -> None:
        """End the nested run under `call_id`, if one is open."""
        depth = self.nested.pop(call_id, None)
        if depth is not None:
            self.emit(RunEnded(status=status, turns=0, usage=UsageTotals(), cost_usd=0.0, duration_ms=0.0,
                                depth=depth, parent_call_id=call_id, timestamp=time.time()))

    def close_nested(self, status: str) -> None:
        """End every nested run still open, deepest first."""
        for call_id in sorted(self.nested, key=lambda c: -self.nested[c]):
            self.end_nested(call_id, status)

    def usage(self, message_id: str, model: str, usage: dict | None, depth: int,
              parent: str | None) -> Event | None:
        """A response's usage, once per message id (None the second time), added to the run's total."""
        if not message_id or not usage or message_id in self.usage_seen:
            return None
        self.usage_seen.add(message_id)
        totals = UsageTotals(int(usage.get("input_tokens") or 0), int(usage.get("output_tokens") or 0),
                             int(usage.get("cache_creation_input_tokens") or 0),
                             int(usage.get("cache_read_input_tokens") or 0))
        self.run_usage = self.run_usage + totals
        return UsageReported(message_id=message_id, model=model, usage=totals,
                             cost_usd=cost_usd(model, totals, self.prices), depth=depth,
                             parent_call_id=parent, timestamp=time.time())

    def map(self, message: Any, started: float) -> list[Event]:
        """The events of one SDK message (`started`: the run's start, `time.monotonic()`)."""
        kind = type(message).__name__
        now = time.time()
        out: list[Event] = []
        if hasattr(message, "data") and hasattr(message, "subtype"):  # system messages, task ones too
            data = getattr(message, "data", {}) or {}
            subtype = getattr(message, "subtype", "")
            if subtype == "init":
                self.on_init(data)
            elif subtype == "api_retry":
                reason = " ".join(str(part) for part in (data.get("error_status"), data.get("error")) if part)
                out.append(RetryScheduled(attempt=int(data.get("attempt") or 0),
                                          max_attempts=int(data.get("max_retries") or 0),
                                          delay_s=float(data.get("retry_delay_ms") or 0) / 1000,
                                          reason=reason or "the request failed", timestamp=now))
            elif subtype == "task_started" and data.get("tool_use_id") in self.calls:
                self.agents[str(data.get("task_id"))] = data["tool_use_id"]
                self.begin_nested(data["tool_use_id"], str(data.get("prompt") or ""))
            return out
        if kind == "StreamEvent":
            return self.map_stream(message, now)
        if kind == "AssistantMessage":
            parent = message.parent_tool_use_id
            depth = self.begin_nested(parent) if parent else 0
            for block in message.content:
                block_kind = type(block).__name__
                if block_kind in ("ToolUseBlock", "ServerToolUseBlock"):
                    if block.id not in self.started_calls:
                        out.append(self.start_call(block.id, block.name, block.input, depth, parent))
                elif parent and block_kind == "TextBlock" and block.text:
                    out.append(TextDelta(text=block.text, depth=depth, parent_call_id=parent, timestamp=now))
                elif parent and block_kind == "ThinkingBlock" and block.thinking:
                    out.append(ThinkingDelta(text=block.thinking, depth=depth, parent_call_id=parent,
                                             timestamp=now))
            if parent:
                usage = self.usage(message.message_id or "", message.model, message.usage, depth, parent)
                if usage is not None:
                    out.append(usage)
            if message.error:
                self.errors_shown.add(assistant_error(message))
                out.append(ErrorOccurred(message=assistant_error(message), error_type=str(message.error),
                                         depth=depth, parent_call_id=parent, timestamp=now))
            return out
        if kind == "UserMessage":
            parent = message.parent_tool_use_id
            content = message.content if isinstance(message.content, list) else []
            for block in content:
                if type(block).__name__ != "ToolResultBlock":
                    continue
                call_id = block.tool_use_id
                name, depth = self.calls.get(call_id, ("", 0))
                if name in AGENT_TOOLS:
                    self.end_nested(call_id, "completed")
                text = result_text(block.content)
                is_error = bool(block.is_error)
                status = "failed" if is_error else "done"
                if is_error and call_id in self.denied:
                    status = "denied"
                if self.cancelled and is_error:
                    status = "cancelled"
                detail = message.tool_use_result if isinstance(message.tool_use_result, dict) else {}
                waited = self.asked.pop(call_id, 0.0)
                began = self.call_started.pop(call_id, None)
                took = max(0.0, (time.monotonic() - began) * 1000 - waited) if began is not None else 0.0
                out.append(ToolCallFinished(
                    call_id=call_id, name=name, status=status, content=text, is_error=is_error,
                    detail=dict(detail), permission_wait_ms=waited, duration_ms=took,
                    depth=depth, parent_call_id=self.parent_of.get(call_id, parent), timestamp=now))
            return out
        if kind == "ResultMessage":
            self.close_nested("completed" if not message.is_error else "error")
            # The result's usage is the main thread's alone; the run's total counts nested runs too,
            # as the built-in engine's does (Claude Code's cost already includes them).
            totals = self.run_usage
            status, error = result_status(message, self.cancelled)
            if status == "error" and error not in self.errors_shown:
                out.append(ErrorOccurred(message=error, error_type=message.subtype,
                                         hint=self.stderr_hint(), timestamp=now))
            out.append(RunEnded(status=status, turns=int(message.num_turns or self.turns), usage=totals,
                                cost_usd=float(message.total_cost_usd or 0.0),
                                duration_ms=float(message.duration_ms or (time.monotonic() - started) * 1000),
                                tool_calls=self.tool_calls, error=error, timestamp=now))
            return out
        return out

    def map_stream(self, message: Any, now: float) -> list[Event]:
        """A partial stream event of a response (the main thread's): deltas now, the whole response
        with its usage at `message_stop`."""
        event = message.event or {}
        parent = message.parent_tool_use_id
        depth = self.begin_nested(parent) if parent else 0
        kind = event.get("type")
        out: list[Event] = []
        stream = self.stream
        if kind == "message_start":
            msg = event.get("message") or {}
            stream.clear()
            stream.update(id=msg.get("id", ""), model=msg.get("model", ""), blocks={},
                          usage=dict(msg.get("usage") or {}), stop_reason=None)
            out.append(ResponseStarted(message_id=stream["id"], model=stream["model"], depth=depth,
                                       parent_call_id=parent, timestamp=now))
        elif kind == "content_block_start":
            block = dict(event.get("content_block") or {})
            stream.setdefault("blocks", {})[event.get("index", 0)] = {**block, "_parts": {}}
        elif kind == "content_block_delta":
            delta = event.get("delta") or {}
            block = stream.setdefault("blocks", {}).setdefault(
                event.get("index", 0), {"type": "text", "text": "", "_parts": {}})
            # Pieces are kept in lists and joined once at message_stop: adding each chunk to a
            # growing string copies the whole reply again on every chunk.
            parts = block.setdefault("_parts", {})
            kind_of_delta = delta.get("type")
            if kind_of_delta == "text_delta":
                parts.setdefault("text", []).append(delta.get("text", ""))
                out.append(TextDelta(text=delta.get("text", ""), depth=depth, parent_call_id=parent,
                                     timestamp=now))
            elif kind_of_delta == "thinking_delta":
                parts.setdefault("thinking", []).append(delta.get("thinking", ""))
                out.append(ThinkingDelta(text=delta.get("thinking", ""), depth=depth, parent_call_id=parent,
                                         timestamp=now))
            elif kind_of_delta == "signature_delta":
                parts.setdefault("signature", []).append(delta.get("signature", ""))
            elif kind_of_delta == "input_json_delta":
                parts.setdefault("_json", []).append(delta.get("partial_json", ""))
        elif kind == "message_delta":
            stream["stop_reason"] = (event.get("delta") or {}).get("stop_reason")
            stream.setdefault("usage", {}).update(event.get("usage") or {})
        elif kind == "message_stop" and stream:
            content = []
            for _, block in sorted(stream.get("blocks", {}).items()):
                for field, pieces in block.pop("_parts", {}).items():
                    block[field] = block.get(field, "") + "".join(pieces)
                raw = block.pop("_json", "")
                if block.get("type") == "tool_use" and raw:
                    try:
                        block["input"] = json.loads(raw)
                    except ValueError:
                        pass
                content.append(block)
            self.turns += 1
            message_dict = {"id": stream.get("id"), "type": "message", "role": "assistant",
                            "model": stream.get("model"), "content": content,
                            "stop_reason": stream.get("stop_reason"), "usage": stream.get("usage", {})}
            out.append(AssistantMessage(message=message_dict, depth=depth, parent_call_id=parent, timestamp=now))
            usage = self.usage(stream.get("id", ""), stream.get("model", ""), stream.get("usage"), depth, parent)
            if usage is not None:
                out.append(usage)
            out.append(TurnEnded(stop_reason=str(stream.get("stop_reason")), turn=self.turns, depth=depth,
                                 parent_call_id=parent, timestamp=now))
            self.stream = {}
        return out


def result_text(content: Any) -> str:
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


def assistant_error(message: Any) -> str:
    text = " ".join(block.text for block in message.content if type(block).__name__ == "TextBlock")
    return text.strip() or f"Claude Code reported an API error ({message.error})"


def result_status(message: Any, cancelled: bool) -> tuple[str, str]:
    reason = getattr(message, "terminal_reason", None) or ""
    if cancelled or reason.startswith("aborted"):
        return "cancelled", ""
    if message.subtype == "error_max_turns" or reason == "max_turns":
        return "max_turns", ""
    if message.is_error or message.subtype.startswith("error"):
        errors = "; ".join(message.errors or []) or (message.result or "") or message.subtype
        return "error", str(errors).strip()
    return "completed", ""
