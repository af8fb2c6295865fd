"""One lenient reader for workbench transcripts and Claude Code session files.

Lines are read in file order. Lines that are not JSON (a half-written last line) or not an entry
are skipped and counted, never fatal; Claude Code's bookkeeping entries are counted by type and left
out of the timeline; invalid UTF-8 is replaced, not rejected. Assistant
lines sharing a `message.id` are merged into one message; tool results are paired with their calls;
`Agent`/`Task` calls are linked to their subagent's transcript, whether it lives in its own file
(Claude Code: `<session>/subagents/agent-<id>.jsonl`, or the legacy `agent-<id>.jsonl` beside the
session) or in the same file (workbench: sidechain lines with `agentId` and `parentToolUseID`).
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from workbench.transcripts.events import PermissionDecided, ToolCallFinished, event_from_dict
from workbench.transcripts.model import (
    Entry,
    Message,
    Subagent,
    SystemRecord,
    ToolCall,
    ToolResult,
    Transcript,
    WorkbenchRecord,
)

KNOWN_TYPES = frozenset({"user", "assistant", "system", "summary", "workbench"})
AGENT_TOOLS = frozenset({"Agent", "Task"})
INVALID_LINE = "<invalid json>"
NOT_AN_ENTRY = "<not an entry>"


def skip_reason(data: Any) -> str | None:
    """Why a parsed line is skipped (not JSON, or not an entry: no object with a `type`), or None
    for an entry, of a known type or not."""
    if data is None:
        return INVALID_LINE
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        return NOT_AN_ENTRY
    return None


class TranscriptError(Exception):
    """The file cannot be read at all (missing, a folder, unreadable); the message says why."""


def parse_line(raw: bytes) -> Any:
    """One JSON line, or None when it is not JSON. Invalid UTF-8 is replaced rather than rejected."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    # orjson refuses invalid UTF-8 and lone surrogate escapes; the stdlib accepts both.
    try:
        return json.loads(raw.decode("utf-8", "replace"))
    except ValueError:
        return None


def iter_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(1-based line number, bytes) of every non-blank line, in file order (line ends kept:
    the JSON parsers ignore them, and not copying each line keeps big files fast)."""
    try:
        with path.open("rb") as fh:
            for number, raw in enumerate(fh, start=1):
                if not raw.isspace():
                    yield number, raw
    except IsADirectoryError:
        raise TranscriptError(f"{path}: is a folder, not a transcript file") from None
    except FileNotFoundError:
        raise TranscriptError(f"{path}: no such file") from None
    except OSError as exc:
        raise TranscriptError(f"{path}: cannot read ({exc.strerror or exc})") from None


def check_transcript(path: Path) -> None:
    """Raise `TranscriptError` unless `path` is a readable file with at least one transcript line
    (a JSON object of a known entry type): an empty file, or one that is not a transcript (text,
    binary), gets its own one-line message instead of an empty rendering."""
    if path.is_dir():
        raise TranscriptError(f"{path}: is a folder, not a transcript file")
    blank = True
    for _, raw in iter_lines(path):
        blank = False
        data = parse_line(raw)
        if isinstance(data, dict) and data.get("type") in KNOWN_TYPES:
            return
    if blank:
        raise TranscriptError(f"{path}: the transcript is empty")
    raise TranscriptError(f"{path}: not a transcript (no line is a transcript entry)")


def claude_roots() -> list[Path]:
    """Claude Code's config folders: `CLAUDE_CONFIG_DIR` (comma-separated, several allowed), else
    `~/.claude` and `~/.config/claude`."""
    override = os.environ.get("CLAUDE_CONFIG_DIR", "")
    if override.strip():
        return [Path(p.strip()).expanduser() for p in override.split(",") if p.strip()]
    home = Path.home()
    return [home / ".claude", home / ".config" / "claude"]


def project_dir_name(cwd: str) -> str:
    """The `projects/` folder name Claude Code uses for a working directory."""
    return "".join(c if c.isascii() and c.isalnum() else "-" for c in cwd)


def agent_id_of(path: Path) -> str | None:
    """The agent id in a subagent file name (`agent-<id>.jsonl`), else None."""
    name = path.name
    if name.startswith("agent-") and name.endswith(".jsonl"):
        return name[len("agent-") : -len(".jsonl")]
    return None


def subagent_files(session_path: Path, session_id: str | None = None) -> list[Path]:
    """The subagent files of a session: every `<stem>/subagents/agent-*.jsonl`, plus legacy
    `agent-*.jsonl` files beside it whose first line names this session."""
    found = sorted((session_path.parent / session_path.stem / "subagents").glob("agent-*.jsonl"))
    sid = session_id or session_path.stem
    for legacy in sorted(session_path.parent.glob("agent-*.jsonl")):
        if legacy != session_path and _first_session_id(legacy) == sid:
            found.append(legacy)
    return found


def _first_session_id(path: Path) -> str | None:
    try:
        for _, raw in iter_lines(path):
            data = parse_line(raw)
            return data.get("sessionId") if isinstance(data, dict) else None
    except TranscriptError:
        return None
    return None


def read_meta(jsonl_path: Path) -> dict[str, Any]:
    """The `.meta.json` sidecar of a subagent file (`{agentType, spawnDepth, model, …}`), or {}."""
    meta_path = jsonl_path.with_name(jsonl_path.name[: -len(".jsonl")] + ".meta.json")
    try:
        data = json.loads(meta_path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_transcript(
    path: Path | str, *, with_subagents: bool = True, max_bytes: int | None = None
) -> Transcript:
    """Read a workbench run or a Claude Code session (and, for a session, its subagent files).

    `max_bytes` reads only the lines that start within the first `max_bytes` bytes (a quick first
    look at a big file); the last line read may then be a call whose result comes later."""
    path = Path(path)
    main = _read_file(path, own_agent_id=agent_id_of(path), max_bytes=max_bytes)
    if with_subagents and main.format == "claude" and agent_id_of(path) is None:
        subs = []
        for sub_path in subagent_files(path, main.session_id):
            sub_tx = _read_file(sub_path, own_agent_id=agent_id_of(sub_path))
            agent_id = agent_id_of(sub_path) or sub_path.stem
            subs.append(Subagent(agent_id, sub_tx, path=sub_path, meta=read_meta(sub_path)))
        _link_subagents(main, subs)
    return main


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cycle collector while a file is read: building many small objects otherwise sets
    it off again and again (about 40% of the read time on big sessions), and these have no cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_file(path: Path, own_agent_id: str | None, max_bytes: int | None = None) -> Transcript:
    with _no_cyclic_gc():
        return _build(path, own_agent_id, max_bytes)


def _build(path: Path, own_agent_id: str | None, max_bytes: int | None) -> Transcript:
    root = _Builder(Transcript(path=path))
    skipped = root.transcript.skipped
    nested: dict[str, _Builder] = {}
    consumed = 0
    for line_no, raw in iter_lines(path):
        if max_bytes is not None:
            if consumed >= max_bytes:
                break
            consumed += len(raw)
        data = parse_line(raw)
        reason = skip_reason(data)
        if reason is not None:
            skipped[reason] += 1
            continue
        kind = data.get("type")
        if kind not in KNOWN_TYPES:
            # Bookkeeping (and entry types newer than this reader): counted by type, not skipped.
            root.transcript.ignored[kind] += 1
            continue
        builder = root
        agent_id = data.get("agentId")
        # A workbench file holds its nested runs inline, tagged with their own agentId; a
        # subagent file read on its own is all one agent.
        if own_agent_id is None and data.get("isSidechain") and isinstance(agent_id, str):
            builder = nested.get(agent_id) or nested.setdefault(
                agent_id, _Builder(Transcript(path=path, format="workbench"))
            )
            builder.parent_call_id = builder.parent_call_id or data.get("parentToolUseID")
        entry = Entry(line_no, kind, data, raw)
        if not builder.add(entry):
            skipped[f"workbench:{data.get('subtype')}"] += 1
        elif kind == "workbench":
            root.transcript.format = "workbench"
    tx = root.transcript
    first = tx.entries[0].data if tx.entries else {}
    tx.session_id = first.get("sessionId") or (path.stem if own_agent_id is None else None)
    if nested:
        subs = [
            Subagent(aid, b.transcript, path=path, parent_call_id=b.parent_call_id)
            for aid, b in nested.items()
        ]
        _link_subagents(tx, subs)
    return tx


def _link_subagents(main: Transcript, subs: list[Subagent]) -> None:
    """Hang each subagent under the call that spawned it (by `toolUseResult.agentId`, the nested
    run's `parentToolUseID`, or the sidecar's parent call id); unlinked ones go under `main`."""
    by_id = {s.agent_id: s for s in subs}
    owner: dict[str, Transcript] = {}
    calls: dict[str, ToolCall] = {}
    for tx in [main, *(s.transcript for s in subs)]:
        for call in tx.tool_calls.values():
            # A `fork` subagent's file starts with a copy of the parent's Agent call under the
            # same id: the first owner of a call id (the parent, read first) is the real one.
            if call.id in calls:
                continue
            owner[call.id] = tx
            calls[call.id] = call
            detail = call.result.detail if call.result is not None else None
            agent_id = detail.get("agentId") if isinstance(detail, dict) else None
            if call.name in AGENT_TOOLS and isinstance(agent_id, str) and agent_id in by_id:
                by_id[agent_id].parent_call_id = call.id
    for sub in subs:
        parent_id = sub.parent_call_id or _meta_parent_call(sub.meta)
        call = calls.get(parent_id) if parent_id else None
        if call is None or call.subagent is not None:
            main.subagents.append(sub)
            continue
        sub.parent_call_id = call.id
        call.subagent = sub
        if "agentType" not in sub.meta and isinstance(call.input.get("subagent_type"), str):
            sub.meta["agentType"] = call.input["subagent_type"]
        owner[call.id].subagents.append(sub)


def _meta_parent_call(meta: dict[str, Any]) -> str | None:
    for key in ("parentToolUseID", "parentToolUseId", "toolUseId", "toolUseID", "parent_tool_use_id"):
        value = meta.get(key)
        if isinstance(value, str):
            return value
    return None


class _Builder:
    """Turns entries into one transcript's timeline, merging responses and pairing results."""

    def __init__(self, transcript: Transcript) -> None:
        self.transcript = transcript
        self.parent_call_id: str | None = None
        self._responses: dict[str, Message] = {}

    def add(self, entry: Entry) -> bool:
        """Add one known entry; False when it cannot be used (a workbench line with no event)."""
        tx = self.transcript
        data = entry.data
        if entry.type == "assistant":
            self._add_assistant(entry)
        elif entry.type == "user":
            self._add_user(entry)
        elif entry.type == "system":
            tx.timeline.append(SystemRecord(str(data.get("subtype") or "system"), entry))
        elif entry.type == "summary":
            if tx.title is None and isinstance(data.get("summary"), str):
                tx.title = data["summary"]
            tx.timeline.append(SystemRecord("summary", entry))
        elif entry.type == "workbench":
            if not self._add_workbench(entry):
                return False
        tx.entries.append(entry)
        return True

    def _add_workbench(self, entry: Entry) -> bool:
        payload = entry.data.get("event")
        if not isinstance(payload, dict):
            return False
        try:
            event = event_from_dict(payload)
        except (KeyError, TypeError, ValueError):
            return False
        self.transcript.timeline.append(WorkbenchRecord(event, entry))
        call = self.transcript.tool_calls.get(getattr(event, "call_id", ""))
        if call is not None and isinstance(event, PermissionDecided):
            call.permission = event
        elif call is not None and isinstance(event, ToolCallFinished):
            call.finished = event
        return True

    def _add_assistant(self, entry: Entry) -> None:
        msg = entry.data.get("message")
        msg = msg if isinstance(msg, dict) else {}
        blocks = _blocks(msg.get("content"))
        message_id = msg.get("id") if isinstance(msg.get("id"), str) else None
        current = self._responses.get(message_id) if message_id else None
        if current is None:
            # Claude Code writes an API error it gave up on as a synthetic assistant message.
            kind = "api_error" if entry.data.get("isApiErrorMessage") else "response"
            current = Message("assistant", kind, [], [], id=message_id)
            self.transcript.timeline.append(current)
            if message_id:
                self._responses[message_id] = current
        current.entries.append(entry)
        origin = entry.data.get("requestSessionId")
        if isinstance(origin, str) and origin != entry.data.get("sessionId"):
            self.transcript.forked_from = self.transcript.forked_from or origin
        current.model = msg.get("model") or current.model
        current.stop_reason = msg.get("stop_reason") or current.stop_reason
        current.request_id = entry.data.get("requestId") or current.request_id
        usage = msg.get("usage")
        if isinstance(usage, dict) and _is_later_usage(usage, current.usage):
            current.usage = usage
        for block in blocks:
            if block in current.content:
                continue
            current.content.append(block)
            if block.get("type") == "tool_use" and isinstance(block.get("id"), str):
                call_input = block.get("input")
                self.transcript.tool_calls[block["id"]] = ToolCall(
                    block["id"],
                    str(block.get("name") or "?"),
                    call_input if isinstance(call_input, dict) else {},
                    current,
                )

    def _add_user(self, entry: Entry) -> None:
        data = entry.data
        msg = data.get("message")
        msg = msg if isinstance(msg, dict) else {}
        blocks = _blocks(msg.get("content"))
        results = [b for b in blocks if b.get("type") == "tool_result"]
        if results:
            kind = "tool_results"
        elif data.get("isCompactSummary"):
            kind = "compact_summary"
        elif data.get("isMeta"):
            kind = "meta"
        else:
            kind = _typed_kind(blocks)
        self.transcript.timeline.append(Message("user", kind, blocks, [entry]))
        for block in results:
            call = self.transcript.tool_calls.get(block.get("tool_use_id"))
            if call is None:
                continue
            content = block.get("content")
            call.result = ToolResult(
                content if isinstance(content, (str, list)) else "",
                bool(block.get("is_error")),
                # With parallel calls one line may answer several; its toolUseResult is the last's.
                data.get("toolUseResult") if len(results) == 1 else None,
                entry,
            )


def _typed_kind(blocks: list[dict[str, Any]]) -> str:
    """What a user line that is not a tool result holds: Claude Code's own notifications and a
    slash command's turn are told apart from text the person typed."""
    first = next((str(b.get("text") or "") for b in blocks if b.get("type") == "text"), "").lstrip()
    if first.startswith("<task-notification>"):
        return "notification"
    if first.startswith(("<command-name>", "<command-message>")):
        return "command"
    if first.startswith(("<local-command-stdout>", "<local-command-stderr>")):
        return "command_output"
    return "prompt"


def _blocks(content: Any) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    if isinstance(content, list):
        return [b for b in content if isinstance(b, dict)]
    return []


def _is_later_usage(new: dict[str, Any], old: dict[str, Any] | None) -> bool:
    """Keep the last usage seen unless it reports fewer output tokens (an early partial line)."""
    if old is None:
        return True
    return _tokens(new.get("output_tokens")) >= _tokens(old.get("output_tokens"))


def _tokens(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
