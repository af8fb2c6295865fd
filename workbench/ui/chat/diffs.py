"""Unified diffs of file edits, from a finished call's `detail` or from the call's input.

A finished Edit/Write carries Claude Code's `structuredPatch` hunks (real line numbers); before it
finishes (or when replaying an old transcript without them) the diff is rebuilt from the input. The
rendering highlights the code by the file's language and keeps `+`/`-` marks in the text, so the diff
reads without colour too.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from textual.content import Content
from textual.highlight import highlight


@dataclass(frozen=True)
class Hunk:
    """One hunk: where it starts in the old and new file, and its lines as (mark, text)."""

    old_start: int
    new_start: int
    lines: tuple[tuple[str, str], ...]


def hunks_from_patch(patch: Any) -> list[Hunk]:
    """Hunks from a `structuredPatch` list (lenient: malformed entries are skipped)."""
    hunks: list[Hunk] = []
    if not isinstance(patch, list):
        return hunks
    for entry in patch:
        if not isinstance(entry, dict) or not isinstance(entry.get("lines"), list):
            continue
        lines = tuple(
            (line[0], line[1:]) if line[:1] in ("+", "-", " ") else (" ", line)
            for line in entry["lines"]
            if isinstance(line, str) and not line.startswith("\\")
        )
        hunks.append(Hunk(int(entry.get("oldStart") or 1), int(entry.get("newStart") or 1), lines))
    return hunks


def hunks_from_texts(old: str, new: str, context: int = 3) -> list[Hunk]:
    """Hunks of the unified diff between two texts."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    hunks: list[Hunk] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        lines: list[tuple[str, str]] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend((" ", line) for line in old_lines[i1:i2])
                continue
            lines.extend(("-", line) for line in old_lines[i1:i2])
            lines.extend(("+", line) for line in new_lines[j1:j2])
        hunks.append(Hunk(group[0][1] + 1, group[0][3] + 1, tuple(lines)))
    return hunks


def edit_hunks(name: str, tool_input: dict[str, Any], detail: dict[str, Any] | None = None) -> list[Hunk]:
    """The diff of an Edit, MultiEdit or Write call: from `detail` when it has one, else the input."""
    detail = detail or {}
    if detail.get("structuredPatch"):
        return hunks_from_patch(detail["structuredPatch"])
    if name == "Write":
        original = detail.get("originalFile")
        return hunks_from_texts(original or "", str(tool_input.get("content", "")))
    if name == "Edit":
        edits = [tool_input]
    elif name == "MultiEdit":
        edits = [edit for edit in tool_input.get("edits") or [] if isinstance(edit, dict)]
    else:
        return []
    text = _file_text(tool_input.get("file_path"))
    hunks: list[Hunk] = []
    for edit in edits:
        old, new = str(edit.get("old_string", "")), str(edit.get("new_string", ""))
        hunks += _numbered_as_in_file(hunks_from_texts(old, new), old, new, text)
    return hunks


# Files larger than this are not read to number a pending edit's lines (the snippet's own count).
_MAX_NUMBERING_BYTES = 2_000_000


def _file_text(path: object) -> str | None:
    """The text of the file an edit is for, with \n line ends, when it can be read now."""
    if not isinstance(path, str) or not path:
        return None
    try:
        file = Path(path)
        if not file.is_file() or file.stat().st_size > _MAX_NUMBERING_BYTES:
            return None
        return file.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
    except (OSError, ValueError):
        return None


def _numbered_as_in_file(hunks: list[Hunk], old: str, new: str, text: str | None) -> list[Hunk]:
    """Hunks of a snippet renumbered to where the snippet stands in the file: the old text before
    the edit is made, or the new text once it has been (a finished call without its patch)."""
    if text is None or not hunks:
        return hunks
    at = text.find(old) if old else -1
    if at < 0 and new:
        at = text.find(new)
    if at < 0:
        return hunks
    before = text.count("\n", 0, at)
    return [replace(hunk, old_start=hunk.old_start + before, new_start=hunk.new_start + before)
            for hunk in hunks]


def diff_stats(hunks: list[Hunk]) -> tuple[int, int]:
    """Lines added and removed."""
    added = sum(1 for h in hunks for mark, _ in h.lines if mark == "+")
    removed = sum(1 for h in hunks for mark, _ in h.lines if mark == "-")
    return added, removed


_LINE_STYLE = {"+": "on $success 15%", "-": "on $error 15%", " ": ""}
_MARK_STYLE = {"+": "bold $success", "-": "bold $error", " ": "dim"}


def render_diff(hunks: list[Hunk], path: str | None = None, max_lines: int | None = None) -> Content:
    """The hunks as highlighted Content: `@@` headers, then `+`/`-`/` ` marked lines.

    `max_lines` cuts the output (for a collapsed preview) and says how many lines were left out.
    """
    parts: list[Content] = []
    shown = 0
    total = sum(len(h.lines) + 1 for h in hunks)
    for hunk in hunks:
        if max_lines is not None and shown >= max_lines:
            break
        parts.append(Content.styled(f"@@ -{hunk.old_start} +{hunk.new_start} @@", "$text-muted"))
        shown += 1
        code = "\n".join(text for _, text in hunk.lines)
        highlighted = highlight(code, path=path).split("\n") if code.strip() else []
        # The highlighter drops trailing empty lines; keep one rendered line per diff line.
        highlighted += [Content("")] * (len(hunk.lines) - len(highlighted))
        for (mark, _), line in zip(hunk.lines, highlighted):
            if max_lines is not None and shown >= max_lines:
                break
            marked = Content.assemble((f"{mark} ", _MARK_STYLE[mark]), line)
            parts.append(marked.stylize(_LINE_STYLE[mark]) if _LINE_STYLE[mark] else marked)
            shown += 1
    if shown < total:
        parts.append(Content.styled(f"… {total - shown} more diff lines", "$text-muted italic"))
    return Content("\n").join(parts)
