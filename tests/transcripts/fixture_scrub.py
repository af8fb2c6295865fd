"""Cutting Claude Code's own texts out of recorded session files (used by record_claude_sessions.py).

The fixtures keep every line and every field, but not Anthropic's prompt, instruction or
tool-description texts: request shapes and bodies (`api-request*`) keep only their scalar fields,
attachments only their type, and any other string longer than KEEP_CHARS is cut to its first words,
unless it is the recording's own text (a scripted prompt, a task notification, a hand-back's report).
"""

from __future__ import annotations

import json
import re

KEEP_CHARS = 160
MARK = re.compile(r"\[\[[A-Z0-9_]+\]\]")
NOTE = re.compile(r"<note>.*?</note>", re.S)
REPORT_FIRST, REPORT_LAST = "Findings for the README", "needs no change."
REQUEST_TYPES = frozenset({"api-request", "api-request-blob", "api-request-shape"})


def cut(text: str, keep: int = 60) -> str:
    if len(text) <= keep + 20:
        return text
    return text[:keep] + f" … [{len(text) - keep} characters of Claude Code's text removed]"


def scrub_text(value: str) -> str:
    if value.startswith("<task-notification>"):
        return NOTE.sub("<note>[Claude Code's note removed]</note>", value)
    if REPORT_FIRST in value and REPORT_LAST in value:  # a report, maybe in a hand-back's frame
        head, _, rest = value.partition(REPORT_FIRST)
        body, _, tail = rest.rpartition(REPORT_LAST)
        head = cut(head, 40) + ("\n" if len(head) > 60 else "")
        return head + REPORT_FIRST + body + REPORT_LAST + cut(tail, 40)
    if len(value) <= KEEP_CHARS or (MARK.match(value) and len(value) <= 400):
        return value
    return cut(value)


def scrub(value):
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    return value


def scrub_entry(data):
    if not isinstance(data, dict):
        return data
    kind = data.get("type")
    if kind in REQUEST_TYPES:
        return {k: v if isinstance(v, (int, float, bool)) or v is None
                or (isinstance(v, str) and len(v) <= 80) else "[Claude Code's request data removed]"
                for k, v in data.items()}
    if kind == "attachment":
        attachment = data.get("attachment")
        kept = {"type": attachment.get("type")} if isinstance(attachment, dict) else None
        return {**scrub(data), "attachment": kept}
    return scrub(data)


def scrub_file(text: str) -> str:
    lines = []
    for line in text.splitlines():
        try:
            data = json.loads(line)
        except ValueError:
            lines.append(line)
            continue
        lines.append(json.dumps(scrub_entry(data), ensure_ascii=False, separators=(",", ":")))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # scrub files in place: python fixture_scrub.py FILE...
    import sys
    from pathlib import Path

    for name in sys.argv[1:]:
        path = Path(name)
        path.write_text(scrub_file(path.read_text(encoding="utf-8")), encoding="utf-8")
