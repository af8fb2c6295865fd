"""Unified diffs and Claude Code's `structuredPatch` hunks for file edits, from the same hunks."""

from __future__ import annotations

import difflib

CONTEXT_LINES = 3


def structured_patch(old: str, new: str) -> list[dict]:
    """Hunks `{oldStart, oldLines, newStart, newLines, lines}`; each line starts with " ", "-" or "+"."""
    a = old.splitlines()
    b = new.splitlines()
    hunks = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(CONTEXT_LINES):
        first, last = group[0], group[-1]
        old_start, old_len = _range(first[1], last[2])
        new_start, new_len = _range(first[3], last[4])
        lines: list[str] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(" " + line for line in a[i1:i2])
                continue
            if tag in ("replace", "delete"):
                lines.extend("-" + line for line in a[i1:i2])
            if tag in ("replace", "insert"):
                lines.extend("+" + line for line in b[j1:j2])
        hunks.append({"oldStart": old_start, "oldLines": old_len, "newStart": new_start,
                      "newLines": new_len, "lines": lines})
    return hunks


def unified_diff(path: str, hunks: list[dict]) -> str:
    """The hunks as unified-diff text with `---`/`+++` headers; empty when there are no changes."""
    if not hunks:
        return ""
    out = [f"--- {path}", f"+++ {path}"]
    for hunk in hunks:
        out.append(f"@@ -{_fmt(hunk['oldStart'], hunk['oldLines'])} "
                   f"+{_fmt(hunk['newStart'], hunk['newLines'])} @@")
        out.extend(hunk["lines"])
    return "\n".join(out) + "\n"


def _range(start: int, stop: int) -> tuple[int, int]:
    # Unified-diff convention: an empty range starts at the line before it (so 0 for a new file).
    length = stop - start
    return (start + 1 if length else start), length


def _fmt(start: int, length: int) -> str:
    return str(start) if length == 1 else f"{start},{length}"
