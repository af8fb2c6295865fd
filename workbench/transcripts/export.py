"""Export a read transcript to share it: Markdown, one self-contained HTML file, or JSON.

The Markdown holds every message, every tool call with its full input and its result (long results
cut with a marker), Edit/Write diffs as fenced `diff` blocks (from `structuredPatch`, else from the
old and new strings), and each subagent's own messages right after the call that spawned it. The
HTML is that Markdown rendered, with the style inlined and raw HTML from the transcript escaped.
"""

from __future__ import annotations

import difflib
import html
import json
import re
from typing import Any

from workbench.transcripts.model import (
    Message,
    Subagent,
    SystemRecord,
    ToolCall,
    Transcript,
    WorkbenchRecord,
)
from workbench.transcripts.stats import TranscriptStats, cost_words

MAX_RESULT_CHARS = 4000
EDIT_TOOLS = frozenset({"Edit", "MultiEdit", "Write", "NotebookEdit"})


def cut(text: str, limit: int = MAX_RESULT_CHARS) -> str:
    """`text`, or its first `limit` characters and a marker saying how much was cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n… [cut: {len(text) - limit:,} more characters]"


def fenced(text: str, lang: str = "") -> str:
    """A fenced code block whose fence is longer than any backtick run inside `text`."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{lang}\n{text.rstrip(chr(10))}\n{fence}"


def call_diff(call: ToolCall) -> str | None:
    """The unified diff of an edit call, from the result's `structuredPatch`, else from the old and
    new strings of the result or the input; None when the call edits nothing we can show."""
    if call.name not in EDIT_TOOLS:
        return None
    if call.result is not None and call.result.is_error:
        return None  # a failed edit changed nothing: its error is what to show
    detail = call.result.detail if call.result is not None else None
    detail = detail if isinstance(detail, dict) else {}
    path = str(detail.get("filePath") or call.input.get("file_path") or "file")
    patch = detail.get("structuredPatch")
    if isinstance(patch, list) and patch:
        lines = [f"--- a{_slash(path)}", f"+++ b{_slash(path)}"]
        for hunk in patch:
            if not isinstance(hunk, dict):
                continue
            lines.append(
                f"@@ -{hunk.get('oldStart', 0)},{hunk.get('oldLines', 0)} "
                f"+{hunk.get('newStart', 0)},{hunk.get('newLines', 0)} @@"
            )
            lines.extend(str(line) for line in hunk.get("lines") or [])
        return "\n".join(lines)
    old = detail.get("oldString", call.input.get("old_string"))
    new = detail.get("newString", call.input.get("new_string"))
    if call.name == "Write" and isinstance(call.input.get("content"), str):
        old, new = detail.get("originalFile") or "", call.input["content"]
    if not isinstance(old, str) or not isinstance(new, str):
        return None
    diff = difflib.unified_diff(
        old.splitlines(), new.splitlines(), f"a{_slash(path)}", f"b{_slash(path)}", lineterm=""
    )
    return "\n".join(diff) or None


def _slash(path: str) -> str:
    return path if path.startswith("/") else "/" + path


def to_markdown(
    tx: Transcript, stats: TranscriptStats | None = None, max_result_chars: int = MAX_RESULT_CHARS
) -> str:
    """The whole transcript as Markdown."""
    out = [f"# {tx.title or tx.session_id or 'Transcript'}", ""]
    facts = [
        ("Session", tx.session_id),
        ("Forked from", tx.forked_from),
        ("File", str(tx.path) if tx.path else None),
        ("Model", tx.model),
        ("Started", tx.entries[0].timestamp if tx.entries else None),
    ]
    if stats is not None:
        facts += [
            ("Tokens", f"{stats.input_tokens:,} in, {stats.output_tokens:,} out, "
                       f"{stats.cache_creation_input_tokens:,} cache writes, "
                       f"{stats.cache_read_input_tokens:,} cache reads"),
            ("Cost", cost_words(stats)),
            ("The totals differ", stats.cost_difference()),
            ("Tool calls", f"{sum(stats.tool_calls.values()):,}"),
            ("Errors", f"{stats.errors:,}"),
        ]
    if skipped_count(tx, stats):
        facts.append(("Skipped lines", _skipped(tx, stats)))
    out += [f"- **{k}:** {v}" for k, v in facts if v] + [""]
    out.append(_body(tx, max_result_chars))
    return "\n".join(out).rstrip() + "\n"


def skipped_count(tx: Transcript, stats: TranscriptStats | None = None) -> int:
    """Lines skipped (not JSON, or not an entry) in the session and its subagent files: the same
    number `stats` counts, the viewer header and the exports show."""
    if stats is not None:
        return stats.skipped_lines
    return sum(tx.all_skipped.values())


def _skipped(tx: Transcript, stats: TranscriptStats | None) -> str:
    parts = ", ".join(f"{kind} × {n}" for kind, n in sorted(tx.all_skipped.items()))
    return f"{skipped_count(tx, stats)} ({parts})"


def _body(tx: Transcript, limit: int) -> str:
    chunks: list[str] = []
    for item in tx.timeline:
        if isinstance(item, Message):
            chunks.append(_message(item, tx, limit))
        elif isinstance(item, SystemRecord):
            chunks.append(_system(item))
        elif isinstance(item, WorkbenchRecord) and not shown_with_call(item, tx):
            chunks.append(event_line(item))
    for sub in _unlinked(tx):
        chunks.append(_subagent(sub, limit))
    return "\n\n".join(c for c in chunks if c)


def shown_with_call(record: WorkbenchRecord, tx: Transcript) -> bool:
    """Permission decisions and call timings are shown inside their call's section."""
    call = tx.tool_calls.get(getattr(record.event, "call_id", ""))
    return call is not None and (record.event is call.permission or record.event is call.finished)


def _unlinked(tx: Transcript) -> list[Subagent]:
    """Subagents no call in this transcript claims (e.g. their Agent call was compacted away)."""
    return [s for s in tx.subagents if s.parent_call_id not in tx.tool_calls]


def handback_note(lines: int) -> str:
    """What stands for an Agent call's result that repeats its subagent's final report."""
    return f"hand-back: the subagent's final report ({lines:,} lines, shown in its run), folded"


def notification_line(msg: Message) -> str:
    """A `<task-notification>` in one line: which background task ended, how, and what it said."""
    summary = msg.tag("summary") or f"task {msg.tag('task-id') or '?'}"
    status = msg.tag("status")
    result = msg.tag("result")
    line = f"task notification: {summary}" + (f" ({status})" if status else "")
    if result:
        first = result.splitlines()[0].strip()
        more = len(result.splitlines()) - 1
        line += f" — {first}" + (f" (+{more} lines)" if more > 0 else "")
    return line


def _subagent(sub: Subagent, limit: int) -> str:
    heading = f"**Subagent {sub.agent_type or 'subagent'}** (`{sub.agent_id}`)"
    return _quote(heading + "\n\n" + _body(sub.transcript, limit))


def _message(msg: Message, tx: Transcript, limit: int) -> str:
    when = f" · {msg.timestamp}" if msg.timestamp else ""
    if msg.role == "user":
        if msg.kind == "tool_results":
            return _orphan_results(msg, tx, limit)
        if msg.kind == "command":
            return f"## Command{when}\n\n`{msg.command_line or '(command)'}`"
        if msg.kind == "command_output":
            return f"*Command output:*\n\n{fenced(cut(msg.command_output or '(no output)', limit))}"
        if msg.kind == "notification":
            return f"*{notification_line(msg)}*"
        label = {"prompt": "User", "meta": "User (injected)", "compact_summary": "Compaction summary"}
        text = msg.text or "*(no text)*"
        body = _quote(text) if msg.kind != "prompt" else text
        return f"## {label[msg.kind]}{when}\n\n{body}"
    if msg.kind == "api_error":
        return f"## API error{when}\n\n{_quote(msg.text or 'API error')}"
    head = f"## Assistant{f' ({msg.model})' if msg.model else ''}{when}"
    parts = [head]
    for block in msg.content:
        kind = block.get("type")
        if kind == "text" and block.get("text"):
            parts.append(str(block["text"]))
        elif kind == "thinking" and block.get("thinking"):
            parts.append(_quote("**Thinking:** " + str(block["thinking"])))
        elif kind == "redacted_thinking":
            parts.append(_quote("**Thinking (redacted):** encrypted by the API, not readable"))
        elif kind == "tool_use":
            call = tx.tool_calls.get(str(block.get("id")))
            if call is not None:
                parts.append(_call(call, limit))
        elif kind:
            parts.append(f"*[{kind} block]*")
    if msg.stop_reason and msg.stop_reason not in ("end_turn", "tool_use"):
        parts.append(f"*Stopped: {msg.stop_reason}*")
    return "\n\n".join(parts)


def _call(call: ToolCall, limit: int) -> str:
    call_input = json.dumps(call.input, indent=2, ensure_ascii=False)
    parts = [f"### Tool call: {call.name} `{call.id}`", fenced(call_input, "json")]
    if call.permission is not None:
        p = call.permission
        reason = f": {p.reason}" if p.reason else ""
        parts.append(f"*Permission: {p.decision} (by {p.by}){reason}*")
    diff = call_diff(call)
    if diff:
        parts.append(fenced(diff, "diff"))
    if call.finished is not None:
        parts.append(f"*{call.finished.status} in {call.finished.duration_ms:,.0f} ms*")
    folded = call.handback_lines()
    if call.result is None:
        parts.append("*No result (interrupted, or the file is still being written).*")
    elif call.denied and call.permission is None:
        parts += ["**Denied:**", fenced(cut(call.result.text, limit))]
    elif folded:
        parts.append(f"**Result:** *{handback_note(folded)}*")
    else:
        label = "**Result (error):**" if call.result.is_error else "**Result:**"
        parts += [label, fenced(cut(call.result.text, limit))]
    if call.subagent is not None:
        parts.append(_subagent(call.subagent, limit))
    return "\n\n".join(parts)


def _orphan_results(msg: Message, tx: Transcript, limit: int) -> str:
    """Results whose call is not in this file (e.g. it was compacted away) are still shown."""
    parts = []
    for block in msg.content:
        if block.get("type") == "tool_result" and block.get("tool_use_id") not in tx.tool_calls:
            content = block.get("content")
            text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
            parts.append(f"### Tool result `{block.get('tool_use_id')}`\n\n{fenced(cut(text, limit))}")
    return "\n\n".join(parts)


def _system(record: SystemRecord) -> str:
    data = record.entry.data
    if record.is_compaction:
        meta = data.get("compactMetadata") if isinstance(data.get("compactMetadata"), dict) else {}
        pre = meta.get("preTokens")
        size = f", {pre:,} tokens before" if isinstance(pre, int) else ""
        return f"---\n\n*Conversation compacted ({meta.get('trigger', 'unknown')}{size})*\n\n---"
    if record.subtype == "summary":
        return ""
    if record.is_retry:
        return f"*API {record.retry_text()}*"
    if record.subtype == "turn_duration" and isinstance(data.get("durationMs"), (int, float)):
        return f"*Turn took {data['durationMs'] / 1000:.1f} s*"
    content = data.get("content")
    return f"*System ({record.subtype}){': ' + str(content) if content else ''}*"


def event_line(record: WorkbenchRecord) -> str:
    """One Markdown line for a workbench event (run started, permission, retry, error, …)."""
    event = record.event
    d = event.to_dict()
    kind = d["event"]
    if kind == "run_started":
        return (f"*Run started: agent {d['agent']['name']} on {d['model']}, tools: "
                f"{', '.join(d['tools']) or 'none'}*")
    if kind == "permission_decided":
        return f"*Permission: {d['name']} `{d['call_id']}` → {d['decision']} (by {d['by']})*"
    if kind == "permission_requested":
        return f"*Permission asked: {d['name']} `{d['call_id']}`*"
    if kind == "retry":
        return f"*Retry {d['attempt']}/{d['max_attempts']} in {d['delay_s']:.1f} s: {d['reason']}*"
    if kind in ("warning", "error"):
        return f"**{kind.capitalize()}:** {d['message']}"
    if kind == "run_ended":
        return f"*Run ended: {d['status']}, {d['turns']} turns, ${d['cost_usd']:.4f}*"
    if kind == "tool_call_finished":
        return f"*{d['name']} `{d['call_id']}` {d['status']} in {d['duration_ms']:.0f} ms*"
    return f"*{kind}*"


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))


_CSS = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 980px; margin: 2em auto; padding: 0 1em;
       color: #1f2328; background: #fff; }
h1 { border-bottom: 1px solid #d0d7de; }
h2 { font-size: 1.1em; margin-top: 2em; color: #57606a; }
h3 { font-size: 1em; color: #0550ae; }
pre { background: #f6f8fa; padding: .8em; overflow-x: auto; border-radius: 6px; }
code { font: 13px ui-monospace, monospace; }
blockquote { margin: .5em 0; padding: 0 1em; border-left: 3px solid #d0d7de; color: #424a53; }
pre code.language-diff { white-space: pre; }
.diff-add { background: #dafbe1; display: block; } .diff-del { background: #ffebe9; display: block; }
@media (prefers-color-scheme: dark) {
  body { color: #e6edf3; background: #0d1117; } pre { background: #161b22; }
  h3 { color: #79c0ff; } .diff-add { background: #033a16; } .diff-del { background: #67060c; }
}
"""


def to_html(
    tx: Transcript, stats: TranscriptStats | None = None, max_result_chars: int = MAX_RESULT_CHARS
) -> str:
    """One self-contained HTML page (style inlined, nothing fetched); transcript HTML is escaped."""
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": False})
    body = renderer.render(to_markdown(tx, stats, max_result_chars))
    body = re.sub(
        r'<pre><code class="language-diff">(.*?)</code></pre>',
        lambda m: '<pre><code class="language-diff">' + _color_diff(m.group(1)) + "</code></pre>",
        body,
        flags=re.S,
    )
    title = html.escape(tx.title or tx.session_id or "Transcript")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )


def _color_diff(escaped: str) -> str:
    out = []
    for line in escaped.split("\n"):
        if line.startswith("+") and not line.startswith("+++"):
            out.append(f'<span class="diff-add">{line}</span>')
        elif line.startswith("-") and not line.startswith("---"):
            out.append(f'<span class="diff-del">{line}</span>')
        else:
            out.append(line + "\n")
    return "".join(out)


def to_json(tx: Transcript, stats: TranscriptStats | None = None) -> dict[str, Any]:
    """The transcript as plain data: merged messages, tool calls with results, nested subagents."""
    out = _tx_dict(tx)
    if stats is not None:
        out["stats"] = stats.to_dict()
    return out


def _tx_dict(tx: Transcript) -> dict[str, Any]:
    return {
        "path": str(tx.path) if tx.path else None,
        "format": tx.format,
        "session_id": tx.session_id,
        "forked_from": tx.forked_from,
        "title": tx.title,
        "model": tx.model,
        "skipped": dict(tx.skipped),
        "ignored": dict(sorted(tx.ignored.items())),
        "timeline": [_item_dict(item) for item in tx.timeline],
        "tool_calls": [_call_dict(call) for call in tx.tool_calls.values()],
        "unlinked_subagents": [_sub_dict(sub) for sub in _unlinked(tx)],
    }


def _item_dict(item: Message | SystemRecord | WorkbenchRecord) -> dict[str, Any]:
    if isinstance(item, Message):
        return {
            "type": item.role,
            "kind": item.kind,
            "id": item.id,
            "model": item.model,
            "timestamp": item.timestamp,
            "content": item.content,
            "usage": item.usage,
            "stop_reason": item.stop_reason,
            "lines": [e.line_no for e in item.entries],
        }
    if isinstance(item, SystemRecord):
        return {"type": "system", "subtype": item.subtype, "line": item.entry.line_no,
                "data": item.entry.data}
    return {"type": "workbench", "line": item.entry.line_no, "event": item.event.to_dict()}


def _call_dict(call: ToolCall) -> dict[str, Any]:
    result = call.result
    return {
        "id": call.id,
        "name": call.name,
        "input": call.input,
        "message_id": call.message.id,
        "result": None if result is None else {
            "content": result.content,
            "is_error": result.is_error,
            "detail": result.detail,
            "line": result.entry.line_no,
        },
        "subagent": None if call.subagent is None else _sub_dict(call.subagent),
    }


def _sub_dict(sub: Subagent) -> dict[str, Any]:
    return {
        "agent_id": sub.agent_id,
        "path": str(sub.path) if sub.path else None,
        "meta": sub.meta,
        "transcript": _tx_dict(sub.transcript),
    }
