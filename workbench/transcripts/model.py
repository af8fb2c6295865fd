"""The in-memory shape of a read transcript: entries, messages, turns, tool calls and subagents.

Built by `reader.py` from a workbench run or a Claude Code session. Every entry keeps its raw line so
a view can show fields this model does not know about.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from workbench.transcripts.events import Event, PermissionDecided, ToolCallFinished

# notification: Claude Code's `<task-notification>` (a background agent ended), not typed text;
# command / command_output: a slash command the person ran (`/compact`) and what it printed.
MessageKind = Literal["prompt", "tool_results", "response", "meta", "compact_summary", "api_error",
                      "notification", "command", "command_output"]


@dataclass
class Entry:
    """One known line of the file, in file order. `data` is the parsed JSON, `line` its bytes."""

    line_no: int
    type: str
    data: dict[str, Any]
    line: bytes

    @property
    def raw(self) -> str:
        """The line as text (decoded only when asked: most entries are never shown raw)."""
        return self.line.decode("utf-8", "replace").strip()

    @property
    def uuid(self) -> str | None:
        """This line's id."""
        return self.data.get("uuid")

    @property
    def timestamp(self) -> str | None:
        """ISO 8601 time of the line, when it has one."""
        ts = self.data.get("timestamp")
        return ts if isinstance(ts, str) else None


@dataclass
class Message:
    """A user or assistant message. An assistant message is one API response, merged from every
    line that shares its `message.id` (block order kept, exact duplicate blocks dropped)."""

    role: Literal["user", "assistant"]
    kind: MessageKind
    content: list[dict[str, Any]]
    entries: list[Entry]
    id: str | None = None
    model: str | None = None
    usage: dict[str, Any] | None = None
    stop_reason: str | None = None
    request_id: str | None = None

    @property
    def timestamp(self) -> str | None:
        """Time of the message's first line."""
        return self.entries[0].timestamp if self.entries else None

    @property
    def text(self) -> str:
        """The message's text blocks joined by blank lines."""
        return "\n\n".join(
            b.get("text", "") for b in self.content if b.get("type") == "text" and b.get("text")
        )

    def tag(self, name: str) -> str:
        """The text inside `<name>…</name>` (a notification's or a command's field)."""
        text = self.text
        start = text.find(f"<{name}>")
        end = text.find(f"</{name}>", start + 1)
        return text[start + len(name) + 2 : end].strip() if start >= 0 and end > start else ""

    @property
    def command_line(self) -> str:
        """A command turn as typed: `/compact args`."""
        return " ".join(p for p in (self.tag("command-name"), self.tag("command-args")) if p)

    @property
    def command_output(self) -> str:
        """What a command printed (its stdout, else its stderr)."""
        return self.tag("local-command-stdout") or self.tag("local-command-stderr")


@dataclass
class SystemRecord:
    """A `system` line (turn duration, compaction boundary, local command, …) or a `summary`."""

    subtype: str
    entry: Entry

    @property
    def is_compaction(self) -> bool:
        """True for a compaction boundary: the context before it was summarised."""
        return self.subtype == "compact_boundary"

    @property
    def is_retry(self) -> bool:
        """True for Claude Code's retry notice (`system/api_error`: a failed request retried)."""
        return self.subtype == "api_error"

    def retry_text(self) -> str:
        """The retry notice in words: attempt, wait and the error's message."""
        data = self.entry.data
        error = data.get("error") if isinstance(data.get("error"), dict) else {}
        message = (error.get("formatted") or error.get("message") or data.get("content")
                   or "API error")
        attempt, most = data.get("retryAttempt"), data.get("maxRetries")
        wait = data.get("retryInMs")
        parts = ["retry"]
        if isinstance(attempt, int):
            parts.append(f"{attempt}/{most}" if isinstance(most, int) else str(attempt))
        if isinstance(wait, (int, float)):
            parts.append(f"in {wait / 1000:.1f} s")
        return " ".join(parts) + f": {message}"


@dataclass
class WorkbenchRecord:
    """A `type: "workbench"` line of workbench's own: one event of the run."""

    event: Event
    entry: Entry


@dataclass
class ToolResult:
    """What came back for a tool call: the `tool_result` block and the structured `toolUseResult`."""

    content: str | list[dict[str, Any]]
    is_error: bool
    detail: Any
    entry: Entry

    @property
    def text(self) -> str:
        """The result's text (text blocks joined; images named, not inlined)."""
        if isinstance(self.content, str):
            return self.content
        parts = []
        for block in self.content:
            if not isinstance(block, dict):
                continue
            if block.get("type") == "text":
                parts.append(str(block.get("text", "")))
            elif block.get("type") == "tool_reference":
                parts.append(f"[tool_reference: {block.get('tool_name') or '?'}]")
            else:
                parts.append(f"[{block.get('type', 'block')}]")
        return "\n".join(parts)


@dataclass
class ToolCall:
    """A `tool_use` block, its result (None while interrupted or still running) and, for an
    `Agent`/`Task` call, the subagent it ran."""

    id: str
    name: str
    input: dict[str, Any]
    message: Message
    result: ToolResult | None = None
    subagent: Subagent | None = None
    # Workbench runs only: how the permission question was settled, and the call's timing/status.
    permission: PermissionDecided | None = None
    finished: ToolCallFinished | None = None

    @property
    def is_error(self) -> bool:
        """True when the result came back as an error."""
        return self.result is not None and self.result.is_error

    @property
    def denied(self) -> bool:
        """True when the call was refused permission (a workbench decision, or Claude Code's
        rejection result), not run and failed."""
        if self.permission is not None and self.permission.decision == "deny":
            return True
        if self.result is None or not self.result.is_error:
            return False
        text = self.result.text.lstrip()
        return text.startswith(_DENIAL_STARTS) or (
            text.startswith("Permission to use ") and "has been denied" in text[:400])

    def handback_lines(self) -> int | None:
        """For an Agent call whose result repeats its subagent's final report (Claude Code's
        hand-back): the number of lines folded away; None otherwise."""
        if self.subagent is None or self.result is None or self.result.is_error:
            return None
        final = next((m.text for m in reversed(self.subagent.transcript.messages)
                      if m.role == "assistant" and m.kind == "response" and m.text), "")
        first = final.strip().splitlines()[0].strip() if final.strip() else ""
        text = self.result.text
        if not first or first not in text:
            return None
        lines = len(text.splitlines())
        return lines if lines > 3 else None


@dataclass
class Subagent:
    """A subagent run: its own transcript, where it came from, and the call that spawned it."""

    agent_id: str
    transcript: Transcript
    path: Path | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    parent_call_id: str | None = None

    @property
    def agent_type(self) -> str | None:
        """The agent's `name` (from the sidecar, else the spawning call's `subagent_type`)."""
        return self.meta.get("agentType")


_DENIAL_STARTS = ("The user doesn't want to proceed with this tool use",
                  "Permission denied by the user")

TimelineItem = Message | SystemRecord | WorkbenchRecord


@dataclass
class Turn:
    """A typed prompt and everything that followed it until the next typed prompt. The first turn
    has no prompt when the file does not start with one."""

    prompt: Message | None
    items: list[TimelineItem] = field(default_factory=list)


@dataclass
class Transcript:
    """One file read: its timeline in file order, tool calls by id, subagents, and what was skipped."""

    path: Path | None
    format: Literal["claude", "workbench"] = "claude"
    session_id: str | None = None
    title: str | None = None
    entries: list[Entry] = field(default_factory=list)
    timeline: list[TimelineItem] = field(default_factory=list)
    tool_calls: dict[str, ToolCall] = field(default_factory=dict)
    subagents: list[Subagent] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    # A `--fork-session` copy: the session it was forked from (its copied responses name it).
    forked_from: str | None = None
    # Entries of other types (Claude Code's bookkeeping, newer types), by type: read, not skipped.
    ignored: Counter[str] = field(default_factory=Counter)

    @property
    def messages(self) -> list[Message]:
        """The user and assistant messages, in file order."""
        return [item for item in self.timeline if isinstance(item, Message)]

    @property
    def events(self) -> list[Event]:
        """Workbench's own events (run started, permissions, errors, …), in file order."""
        return [item.event for item in self.timeline if isinstance(item, WorkbenchRecord)]

    @property
    def skipped_lines(self) -> int:
        """How many lines of this file were skipped (not JSON, or not an entry)."""
        return sum(self.skipped.values())

    @property
    def all_skipped(self) -> Counter[str]:
        """Skipped lines of this file and every subagent file, by reason."""
        total: Counter[str] = Counter()
        for tx in self.all_transcripts():
            total.update(tx.skipped)
        return total

    @property
    def model(self) -> str | None:
        """The model of the first response."""
        return next((m.model for m in self.messages if m.model and m.role == "assistant"), None)

    @property
    def turns(self) -> list[Turn]:
        """The timeline grouped by typed prompt."""
        turns: list[Turn] = []
        for item in self.timeline:
            if isinstance(item, Message) and item.kind in ("prompt", "command"):
                turns.append(Turn(prompt=item))
            elif not turns:
                turns.append(Turn(prompt=None))
            turns[-1].items.append(item)
        return turns

    def all_transcripts(self) -> list[Transcript]:
        """This transcript and every subagent's, depth first."""
        out = [self]
        for sub in self.subagents:
            out.extend(sub.transcript.all_transcripts())
        return out
