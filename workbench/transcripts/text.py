"""A transcript as plain terminal text: what `workbench transcript show` prints.

Compact, in the manner of Claude Code's own screen: `●` for a response or a tool call with its main
argument, `⎿` for the result (the first lines, the rest counted), diffs for edits, and each
subagent's lines indented under the call that spawned it with `│`.
"""

from __future__ import annotations

import json

from workbench.transcripts.export import (
    call_diff,
    event_line,
    handback_note,
    notification_line,
    shown_with_call,
    skipped_count,
)
from workbench.transcripts.model import Message, SystemRecord, ToolCall, Transcript, WorkbenchRecord
from workbench.transcripts.stats import TranscriptStats, cost_words

RESULT_LINES = 6
_MAIN_ARG = {
    "Read": "file_path", "Write": "file_path", "Edit": "file_path", "MultiEdit": "file_path",
    "NotebookEdit": "notebook_path", "Bash": "command", "Grep": "pattern", "Glob": "pattern",
    "WebFetch": "url", "WebSearch": "query", "LS": "path",
}


def call_summary(call: ToolCall, width: int = 100) -> str:
    """`Name(main argument)`, e.g. `Bash(pytest -q)` or `Agent(reviewer: Review the change)`."""
    key = _MAIN_ARG.get(call.name)
    if key and isinstance(call.input.get(key), str):
        arg = call.input[key]
    elif call.name in ("Agent", "Task"):
        arg = f"{call.input.get('subagent_type') or 'agent'}: {call.input.get('description', '')}"
    else:
        arg = json.dumps(call.input, ensure_ascii=False)
    arg = " ".join(arg.split())
    if len(arg) > width:
        arg = arg[: width - 1] + "…"
    return f"{call.name}({arg})"


def render_text(tx: Transcript, stats: TranscriptStats | None = None) -> str:
    """The transcript as terminal text, header first."""
    head = [tx.title or tx.session_id or str(tx.path)]
    facts = [f"session {tx.session_id}" if tx.session_id else "",
             f"⑂ fork of {tx.forked_from}" if tx.forked_from else "", tx.model or ""]
    if stats is not None:
        facts += [
            f"{stats.input_tokens + stats.cache_creation_input_tokens + stats.cache_read_input_tokens:,}"
            f" tokens in, {stats.output_tokens:,} out",
            f"{sum(stats.tool_calls.values())} tool calls",
            cost_words(stats),
        ]
    skipped = skipped_count(tx, stats)
    if skipped:
        facts.append(f"{skipped} lines skipped (not JSON or not an entry)")
    head.append(" · ".join(f for f in facts if f))
    why = stats.cost_difference() if stats is not None else None
    if why:
        head.append(f"the totals differ: {why}")
    head.append("─" * 72)
    return "\n".join(head + _lines(tx)) + "\n"


def _lines(tx: Transcript) -> list[str]:
    out: list[str] = []
    for item in tx.timeline:
        if isinstance(item, Message):
            out += _message(item, tx)
        elif isinstance(item, SystemRecord):
            if item.is_compaction:
                out += ["", "── conversation compacted ──"]
            elif item.is_retry:
                out += ["", "↻ " + item.retry_text()]
        elif isinstance(item, WorkbenchRecord) and not shown_with_call(item, tx):
            out += ["", "· " + event_line(item).strip("*")]
    for sub in tx.subagents:
        if sub.parent_call_id not in tx.tool_calls:
            out += ["", f"● subagent {sub.agent_type or sub.agent_id}"]
            out += ["  │ " + line for line in _lines(sub.transcript)]
    return out


def _message(msg: Message, tx: Transcript) -> list[str]:
    if msg.role == "user":
        if msg.kind == "prompt":
            return ["", *(f"> {line}" for line in msg.text.splitlines() or [""])]
        if msg.kind == "compact_summary":
            return ["", "> (compaction summary, " + f"{len(msg.text):,} characters)"]
        if msg.kind == "command":
            return ["", f"> {msg.command_line or '(command)'}"]
        if msg.kind == "command_output":
            output = msg.command_output.splitlines() or ["(no output)"]
            return [f"  ⎿ {output[0]}", *(f"    {line}" for line in output[1:RESULT_LINES])]
        if msg.kind == "notification":
            return ["", "⚑ " + notification_line(msg)]
        return []
    if msg.kind == "api_error":
        text = msg.text or "API error"
        if not text.lower().startswith("api error"):
            text = f"API error: {text}"
        text_lines = text.splitlines()
        return ["", "✗ " + text_lines[0], *("  " + line for line in text_lines[1:])]
    out: list[str] = []
    for block in msg.content:
        kind = block.get("type")
        if kind == "text" and block.get("text"):
            text_lines = str(block["text"]).splitlines()
            out += ["", "● " + text_lines[0], *("  " + line for line in text_lines[1:])]
        elif kind == "thinking" and block.get("thinking"):
            out += ["", "✻ thinking: " + " ".join(str(block["thinking"]).split())[:100]]
        elif kind == "redacted_thinking":
            out += ["", "✻ thinking (redacted: encrypted by the API, not readable)"]
        elif kind == "tool_use":
            call = tx.tool_calls.get(str(block.get("id")))
            if call is not None:
                out += _call(call)
    return out


def _call(call: ToolCall) -> list[str]:
    out = ["", "● " + call_summary(call)]
    if call.permission is not None and call.permission.decision == "deny":
        out.append(f"  ⎿ denied by {call.permission.by}")
    diff = call_diff(call)
    folded = call.handback_lines()
    if call.result is None:
        out.append("  ⎿ (no result)")
    elif call.denied and call.permission is None:
        out.append(f"  ⎿ denied: {' '.join(call.result.text.split())}")
    elif folded:
        out.append(f"  ⎿ {handback_note(folded)}")
    elif call.result.is_error or not diff:
        lines = call.result.text.splitlines() or ["(empty)"]
        mark = "✗ " if call.result.is_error else ""
        out.append(f"  ⎿ {mark}{lines[0]}")
        out += [f"    {line}" for line in lines[1:RESULT_LINES]]
        if len(lines) > RESULT_LINES:
            out.append(f"    … +{len(lines) - RESULT_LINES} lines")
    if diff:
        out += [f"    {line}" for line in diff.splitlines()[2:]]
    if call.subagent is not None:
        out += ["  │ " + line if line else "  │" for line in _lines(call.subagent.transcript)]
    return out
