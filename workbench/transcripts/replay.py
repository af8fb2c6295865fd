"""A read transcript as the event vocabulary, so the chat pane's widgets render it like a live run.

Each assistant response becomes an `AssistantMessage` followed by its calls; each call is
`ToolCallStarted`, its permission decision (workbench runs), the subagent's own events nested under it
(`parent_call_id` = the call, one level deeper), then `ToolCallFinished` with the result and its
`toolUseResult` as `detail` (so Edit diffs come from `structuredPatch`). Parallel subagents thus each
follow their own call, never interleaved by time.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from workbench.transcripts.events import (
    AssistantMessage,
    ErrorOccurred,
    Event,
    RetryScheduled,
    ToolCallFinished,
    ToolCallStarted,
    UserMessage,
    Warning,
)
from workbench.transcripts.export import handback_note, notification_line
from workbench.transcripts.model import Message, SystemRecord, ToolCall, Transcript, WorkbenchRecord


# The viewer shows a redacted thinking block as a thinking section that says what it is.
REDACTED_BLOCK = {"type": "thinking",
                  "thinking": "(redacted thinking: encrypted by the API, not readable)"}


def transcript_events(
    tx: Transcript, *, depth: int = 0, parent_call_id: str | None = None
) -> Iterator[Event]:
    """The events of `tx` (and its subagents, nested) in reading order."""
    where = {"depth": depth, "parent_call_id": parent_call_id}
    for item in tx.timeline:
        if isinstance(item, Message):
            yield from _message_events(item, tx, where)
        elif isinstance(item, SystemRecord) and item.is_retry:
            yield _retry_event(item, where)
        elif isinstance(item, SystemRecord) and item.is_compaction:
            meta = item.entry.data.get("compactMetadata")
            pre = meta.get("preTokens") if isinstance(meta, dict) else None
            size = f" ({pre:,} tokens before)" if isinstance(pre, int) else ""
            yield Warning(message=f"Conversation compacted{size}", level="note", **where)
        elif isinstance(item, WorkbenchRecord) and not _belongs_to_call(item, tx):
            yield dataclasses.replace(item.event, **where)
    for sub in tx.subagents:
        if sub.parent_call_id not in tx.tool_calls:
            yield Warning(message=f"Subagent {sub.agent_type or sub.agent_id} (no call links to it)",
                          **where)
            yield from transcript_events(sub.transcript, depth=depth + 1, parent_call_id=parent_call_id)


def _belongs_to_call(record: WorkbenchRecord, tx: Transcript) -> bool:
    call = tx.tool_calls.get(getattr(record.event, "call_id", ""))
    return call is not None and (record.event is call.permission or record.event is call.finished)


def _retry_event(record: SystemRecord, where: dict) -> RetryScheduled:
    data = record.entry.data
    error = data.get("error") if isinstance(data.get("error"), dict) else {}
    attempt, most, wait = data.get("retryAttempt"), data.get("maxRetries"), data.get("retryInMs")
    return RetryScheduled(
        attempt=attempt if isinstance(attempt, int) else 0,
        max_attempts=most if isinstance(most, int) else 0,
        delay_s=wait / 1000 if isinstance(wait, (int, float)) else 0.0,
        reason=str(error.get("formatted") or error.get("message") or "API error"),
        **where,
    )


def _message_events(msg: Message, tx: Transcript, where: dict) -> Iterator[Event]:
    if msg.kind == "api_error":
        # Not a reply: the error Claude Code gave up on, as its own kind of event.
        yield ErrorOccurred(message=msg.text or "API error", error_type="api_error", **where)
        return
    if msg.role == "user":
        # Typed prompts and commands only: tool results travel with their calls; injected text
        # stays hidden; Claude Code's task notifications are notices, not the person's words.
        if msg.kind == "prompt":
            yield UserMessage(message={"role": "user", "content": msg.content}, **where)
        elif msg.kind == "command":
            yield UserMessage(message={"role": "user", "content": msg.command_line or "(command)"},
                              **where)
        elif msg.kind == "command_output" and msg.command_output:
            yield Warning(message=f"Command output: {msg.command_output}", level="note", **where)
        elif msg.kind == "notification":
            yield Warning(message=notification_line(msg)[:1].upper() + notification_line(msg)[1:],
                          level="note", **where)
        return
    yield AssistantMessage(
        message={
            "id": msg.id,
            "role": "assistant",
            "model": msg.model,
            "content": [REDACTED_BLOCK if b.get("type") == "redacted_thinking" else b
                        for b in msg.content],
            "stop_reason": msg.stop_reason,
            "usage": msg.usage,
        },
        request_id=msg.request_id,
        **where,
    )
    for block in msg.content:
        if block.get("type") == "tool_use":
            call = tx.tool_calls.get(str(block.get("id")))
            if call is not None and call.message is msg:
                yield from _call_events(call, where)


def _call_events(call: ToolCall, where: dict) -> Iterator[Event]:
    yield ToolCallStarted(call_id=call.id, name=call.name, input=call.input, **where)
    if call.permission is not None:
        yield dataclasses.replace(call.permission, **where)
    if call.subagent is not None:
        yield from transcript_events(
            call.subagent.transcript, depth=where["depth"] + 1, parent_call_id=call.id
        )
    if call.result is None:
        if call.finished is not None:
            yield dataclasses.replace(call.finished, **where)
        return
    status = "denied" if call.denied else "failed" if call.result.is_error else "done"
    folded = call.handback_lines()
    detail = call.result.detail if isinstance(call.result.detail, dict) else {}
    if not detail and call.finished is not None:
        detail = call.finished.detail
    yield ToolCallFinished(
        call_id=call.id,
        name=call.name,
        status=status,
        # A hand-back that repeats the subagent's final report (shown in its run) is folded.
        content=handback_note(folded).capitalize() if folded else call.result.text,
        is_error=call.result.is_error,
        duration_ms=call.finished.duration_ms if call.finished is not None else 0.0,
        detail=detail,
        **where,
    )
