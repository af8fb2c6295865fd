"""Setting one frontmatter field in an agent's text, leaving every other byte as it was.

The form helpers (tool, model and colour pickers) go through here. A field is replaced line for
line where it is; a new one goes where the old wizard would have written it (name, description,
tools, model, effort, color, memory), else at the end of the block. Textual-free on purpose.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.agents.document import AgentDocument

WIZARD_ORDER = ("name", "description", "tools", "model", "effort", "color", "memory")

# Values that read the same as a YAML plain scalar; anything else is written double-quoted.
_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9 ,._\-\[\]()*/@+]*")


class FrontmatterEditError(Exception):
    """The frontmatter cannot be edited safely as it is (say, it is not closed)."""


def yaml_scalar(value: str) -> str:
    """`value` as a YAML scalar that reads back exactly: plain when safe, else double-quoted."""
    if _PLAIN.fullmatch(value) and not value.endswith(" ") and value.lower() not in {
        "yes", "no", "on", "off", "true", "false", "null", "y", "n", "~",
    }:
        return value
    return json.dumps(value, ensure_ascii=False)


def _entry_lines(text: str, document: AgentDocument, key: str) -> tuple[int, int]:
    """(start, end) offsets of the whole lines that hold `key` and its value."""
    key_span = document.key_spans[key]
    value_span = document.value_spans.get(key)
    end = max(key_span.end, value_span.end if value_span else key_span.end)
    start = text.rfind("\n", 0, key_span.start) + 1
    # A block value's span runs on to the next key; comments and blank lines before it stay.
    lines = text[start:end].split("\n")
    while len(lines) > 1 and (not lines[-1].strip() or lines[-1].lstrip().startswith("#")):
        lines.pop()
    end = start + len("\n".join(lines))
    line_end = text.find("\n", end)
    return start, len(text) if line_end == -1 else line_end + 1


def set_field(text: str, key: str, value: str | None) -> str:
    """The text with frontmatter `key` set to `value` (a YAML scalar), or removed when None."""
    from workbench.agents.document import AgentDocument

    document = AgentDocument.parse(text)
    # The line ending of the opening `---` line is the frontmatter's; the body may differ.
    newline = "\r\n" if text.partition("\n")[0].endswith("\r") else "\n"
    line = f"{key}: {yaml_scalar(value)}{newline}" if value is not None else ""
    if not document.has_frontmatter:
        if value is None:
            return text
        return f"---{newline}{line}---{newline}{text}"
    if document.frontmatter_span is None:
        raise FrontmatterEditError("the frontmatter has no closing --- line; close it first")
    if key in document.key_spans:
        start, end = _entry_lines(text, document, key)
        return text[:start] + line + text[end:]
    if value is None:
        return text
    position = document.frontmatter_span.end
    if key in WIZARD_ORDER:
        before = [k for k in WIZARD_ORDER[:WIZARD_ORDER.index(key)] if k in document.key_spans]
        if before:
            position = _entry_lines(text, document, before[-1])[1]
    if position > 0 and text[position - 1] != "\n":
        line = newline + line
    return text[:position] + line + text[position:]
