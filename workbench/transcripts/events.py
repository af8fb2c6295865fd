"""The event vocabulary: everything an agent run does, as small immutable records.

The runtime produces these, the transcript writer stores them, the transcript reader rebuilds them
from workbench runs and Claude Code sessions, the chat pane and `workbench run` render them. One
vocabulary, four views.

Every event carries `depth` and `parent_call_id`: a nested agent run (an `Agent`/`Task` call) emits its
events with `parent_call_id` set to the id of the call that spawned it and `depth` one more than its
parent's, so a view can indent them under that call.

`to_dict`/`from_dict` give a stable JSON form (`{"event": "<kind>", ...fields}`), used by
`workbench run --output jsonl` and by workbench's own transcript entries.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

ToolStatus = Literal["done", "failed", "denied", "cancelled"]
RunStatus = Literal["completed", "max_turns", "cancelled", "error"]
PermissionDecision = Literal["allow", "allow_always", "deny"]


@dataclass(frozen=True, kw_only=True)
class Event:
    """Base of every event."""

    kind: ClassVar[str] = "event"
    depth: int = 0
    parent_call_id: str | None = None
    timestamp: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: `{"event": kind, **fields}`."""
        out: dict[str, Any] = {"event": self.kind}
        for f in dataclasses.fields(self):
            out[f.name] = _jsonable(getattr(self, f.name))
        return out


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class AgentSnapshot:
    """The agent definition exactly as it was run (the editor buffer, saved or not)."""

    name: str
    path: str | None
    text: str


@dataclass(frozen=True)
class UsageTotals:
    """Token counts; the same four numbers the Messages API reports."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0

    def __add__(self, other: UsageTotals) -> UsageTotals:
        return UsageTotals(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_creation_input_tokens + other.cache_creation_input_tokens,
            self.cache_read_input_tokens + other.cache_read_input_tokens,
        )


@dataclass(frozen=True, kw_only=True)
class RunStarted(Event):
    """A run began: what was run, with what, where."""

    kind: ClassVar[str] = "run_started"
    run_id: str
    session_id: str
    agent: AgentSnapshot
    system_prompt: str
    model: str
    tools: tuple[str, ...]
    unavailable_tools: tuple[str, ...] = ()
    cwd: str = ""
    permission_mode: str = "default"
    prompt: str = ""
    # What ran it: "builtin" (workbench's loop) or "claude-code" (with the CLI's version).
    engine: str = "builtin"
    engine_version: str = ""
    # The sampling settings the run got (empty/0 in transcripts written before they were recorded).
    effort: str = ""
    max_tokens: int = 0
    # Tools offered only by name, their definitions loaded through ToolSearch.
    deferred_tools: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class UserMessage(Event):
    """A user turn as sent to the API (typed text, or the tool results of the previous turn)."""

    kind: ClassVar[str] = "user_message"
    message: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class ResponseStarted(Event):
    """The model began a response (one API request)."""

    kind: ClassVar[str] = "response_started"
    message_id: str
    model: str


@dataclass(frozen=True, kw_only=True)
class TextDelta(Event):
    """A fragment of streamed reply text."""

    kind: ClassVar[str] = "text_delta"
    text: str


@dataclass(frozen=True, kw_only=True)
class ThinkingDelta(Event):
    """A fragment of streamed thinking."""

    kind: ClassVar[str] = "thinking_delta"
    text: str


@dataclass(frozen=True, kw_only=True)
class AssistantMessage(Event):
    """A complete assistant response, in Messages API shape (content blocks, stop_reason, usage)."""

    kind: ClassVar[str] = "assistant_message"
    message: dict[str, Any]
    # The API's `request-id` of the response (a transcript line's `requestId`), when known.
    request_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class ToolCallStarted(Event):
    """The model called a tool; its input is complete."""

    kind: ClassVar[str] = "tool_call_started"
    call_id: str
    name: str
    input: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class PermissionRequested(Event):
    """A call waits for the person's yes. `summary` is what to show (the full command, a diff)."""

    kind: ClassVar[str] = "permission_requested"
    call_id: str
    name: str
    input: dict[str, Any]
    summary: str = ""
    rule_suggestion: str = ""


@dataclass(frozen=True, kw_only=True)
class PermissionDecided(Event):
    """How a permission question was settled and by whom (`user`, `rule`, `mode`, `headless`)."""

    kind: ClassVar[str] = "permission_decided"
    call_id: str
    name: str
    decision: PermissionDecision
    by: str = "user"
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class ToolCallFinished(Event):
    """A call ended. `content` is what went back to the model; `duration_ms` is the call's own time,
    without `permission_wait_ms` (a person deciding); `detail` is structured extra
    (for edits: `{"path", "diff", "structuredPatch"}`; for Bash: `{"exit_code", ...}`)."""

    kind: ClassVar[str] = "tool_call_finished"
    call_id: str
    name: str
    status: ToolStatus
    content: str
    is_error: bool = False
    duration_ms: float = 0.0
    detail: dict[str, Any] = field(default_factory=dict)
    # Time spent waiting for a person's answer to the permission prompt, not in `duration_ms`.
    permission_wait_ms: float = 0.0


@dataclass(frozen=True, kw_only=True)
class UsageReported(Event):
    """The usage of one API response (reported once per message id)."""

    kind: ClassVar[str] = "usage"
    message_id: str
    model: str
    usage: UsageTotals
    cost_usd: float = 0.0


@dataclass(frozen=True, kw_only=True)
class RetryScheduled(Event):
    """A request failed in a way worth retrying; the next attempt starts after `delay_s`."""

    kind: ClassVar[str] = "retry"
    attempt: int
    max_attempts: int
    delay_s: float
    reason: str


@dataclass(frozen=True, kw_only=True)
class Warning(Event):  # noqa: A001 - the event's name in the vocabulary
    """Something the person should know that does not stop the run (e.g. tools workbench lacks)."""

    kind: ClassVar[str] = "warning"
    message: str
    # "note" for what a recorded session says in passing (a compaction, a command's output, a
    # background task's notification): shown plainly, not as a warning.
    level: str = "warning"


@dataclass(frozen=True, kw_only=True)
class ErrorOccurred(Event):
    """An error the run could not recover from, or a visible problem with model output."""

    kind: ClassVar[str] = "error"
    message: str
    error_type: str = ""
    hint: str = ""


@dataclass(frozen=True, kw_only=True)
class TurnEnded(Event):
    """The model ended a response; `stop_reason` as the API gave it."""

    kind: ClassVar[str] = "turn_ended"
    stop_reason: str
    turn: int


@dataclass(frozen=True, kw_only=True)
class RunEnded(Event):
    """The run is over; totals over all its responses (nested runs included)."""

    kind: ClassVar[str] = "run_ended"
    status: RunStatus
    turns: int
    usage: UsageTotals
    cost_usd: float
    duration_ms: float
    tool_calls: int = 0
    error: str = ""


EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls
    for cls in (
        RunStarted,
        UserMessage,
        ResponseStarted,
        TextDelta,
        ThinkingDelta,
        AssistantMessage,
        ToolCallStarted,
        PermissionRequested,
        PermissionDecided,
        ToolCallFinished,
        UsageReported,
        RetryScheduled,
        Warning,
        ErrorOccurred,
        TurnEnded,
        RunEnded,
    )
}

_NESTED: dict[str, type] = {"agent": AgentSnapshot, "usage": UsageTotals}


def event_from_dict(data: dict[str, Any]) -> Event:
    """Rebuild an event from its JSON form; unknown fields are ignored. Raises KeyError/TypeError
    for an unknown kind or missing fields (callers reading files treat that as a skipped line)."""
    cls = EVENT_TYPES[data["event"]]
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        nested = _NESTED.get(f.name)
        if nested is not None and isinstance(value, dict):
            value = nested(**{k: v for k, v in value.items() if k in nested.__dataclass_fields__})
        elif isinstance(value, list) and f.name in ("tools", "unavailable_tools", "deferred_tools"):
            value = tuple(value)
        kwargs[f.name] = value
    return cls(**kwargs)
