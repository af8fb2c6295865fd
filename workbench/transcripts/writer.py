"""Writes a run's events as a JSONL transcript, one flushed line per entry.

Conversation lines take the shape of Claude Code's session files (`type` user/assistant, a Messages
API `message`, `uuid`/`parentUuid` threading, `toolUseResult` beside each tool result); what those
files lack (the agent and system prompt as run, permission decisions, retries, errors, timings) goes
in `{"type": "workbench", "subtype": <event kind>, "event": {...}}` lines. Events of a nested agent
run land in the same file, marked `isSidechain` with their own `agentId` and thread. The format is
pinned in docs/internals.md. Each line is flushed as written, so a killed run loses at most the line
being written.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from workbench.transcripts.events import (
    AssistantMessage,
    Event,
    RunStarted,
    ToolCallFinished,
    UserMessage,
)

# The event kinds stored as workbench lines; deltas and the rest are rebuilt from the messages.
WORKBENCH_SUBTYPES = frozenset({
    "run_started", "permission_requested", "permission_decided", "tool_call_finished",
    "retry", "warning", "error", "run_ended",
})


class TranscriptWriter:
    """Appends one run's entries to `path` (created with its folders)."""

    def __init__(self, path: Path, session_id: str):
        self.path = Path(path)
        self.session_id = session_id
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("a", encoding="utf-8")
        self._cwd = ""
        self._last_uuid: dict[str | None, str | None] = {}
        self._agent_ids: dict[str, str] = {}
        self._details: dict[str, dict[str, Any]] = {}

    def write(self, event: Event) -> None:
        """Record `event` (a no-op for kinds the transcript does not keep, such as text deltas).
        An `AssistantMessage`'s `request_id` becomes the line's `requestId`, as Claude Code writes it."""
        if self._file is None:
            return
        if isinstance(event, RunStarted):
            if event.parent_call_id is None:
                self._cwd = event.cwd
            else:
                self._agent_ids[event.parent_call_id] = event.session_id
        if isinstance(event, AssistantMessage):
            entry: dict[str, Any] = {"type": "assistant", "message": event.message}
            if event.request_id:
                entry["requestId"] = event.request_id
            self._line(event, entry)
        elif isinstance(event, UserMessage):
            self._user_lines(event)
        elif event.kind in WORKBENCH_SUBTYPES:
            if isinstance(event, ToolCallFinished):
                self._details[event.call_id] = event.detail
            self._line(event, {"type": "workbench", "subtype": event.kind, "event": event.to_dict()})

    def close(self) -> None:
        """Close the file; later writes are ignored."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def _user_lines(self, event: UserMessage) -> None:
        content = event.message.get("content")
        results = [b for b in content if isinstance(b, dict) and b.get("type") == "tool_result"] \
            if isinstance(content, list) else []
        if not results:
            self._line(event, {"type": "user", "message": event.message})
            return
        # As Claude Code does: one user line per tool result, all answering the same assistant line.
        thread = event.parent_call_id
        parent = self._last_uuid.get(thread)
        for block in results:
            self._last_uuid[thread] = parent
            entry: dict[str, Any] = {"type": "user", "message": {"role": "user", "content": [block]}}
            detail = self._details.pop(block.get("tool_use_id", ""), None)
            if detail:
                entry["toolUseResult"] = detail
            self._line(event, entry)

    def _line(self, event: Event, entry: dict[str, Any]) -> None:
        thread = event.parent_call_id
        line_uuid = str(uuid.uuid4())
        entry.update({
            "uuid": line_uuid,
            "parentUuid": self._last_uuid.get(thread),
            "sessionId": self.session_id,
            "timestamp": _iso(event.timestamp),
            "cwd": self._cwd,
            "isSidechain": thread is not None,
        })
        if thread is not None:
            entry["agentId"] = self._agent_ids.get(thread, "")
            entry["parentToolUseID"] = thread
        self._last_uuid[thread] = line_uuid
        self._file.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._file.flush()


def _iso(timestamp: float) -> str:
    moment = datetime.fromtimestamp(timestamp, timezone.utc) if timestamp else datetime.now(timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
