"""Applying fixes: `apply_edits` is a pure function on text; `fix_text` applies every fix of a
file (safe ones, or unsafe too when asked) and re-validates until nothing fixable is left."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from pathlib import Path

from .diagnostics import Diagnostic, TextEdit
from .document import AgentDocument
from .rules import ValidationContext, validate

# Each round fixes every non-overlapping fix; a few rounds settle fixes that touch the same text.
MAX_ROUNDS = 8


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """`text` with every edit applied. Edits refer to the original text and must not overlap
    (raises ValueError); everything outside them stays byte-for-byte."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    parts: list[str] = []
    cursor = 0
    for edit in ordered:
        if edit.start < cursor or edit.end < edit.start or edit.end > len(text):
            raise ValueError(f"overlapping or out-of-range edit at {edit.start}-{edit.end}")
        parts.append(text[cursor : edit.start])
        parts.append(edit.new_text)
        cursor = edit.end
    parts.append(text[cursor:])
    return "".join(parts)


def fix_text(
    text: str,
    path: str | Path | None = None,
    unsafe: bool = False,
    select: Iterable[str] | None = None,
    context: ValidationContext | None = None,
) -> tuple[str, list[Diagnostic]]:
    """Apply the fixes of `text` (only codes in `select`, when given) until none applies; returns
    the new text and the diagnostics whose fixes were applied."""
    codes = set(select) if select is not None else None
    fixed: list[Diagnostic] = []
    for _ in range(MAX_ROUNDS):
        diagnostics = validate(AgentDocument.parse(text, path), context)
        chosen = _non_overlapping(
            d for d in diagnostics
            if d.fix is not None and (d.fix.safe or unsafe) and (codes is None or d.code in codes)
        )
        if not chosen:
            break
        text = apply_edits(text, [edit for d in chosen for edit in d.fix.edits])
        fixed.extend(chosen)
    return text, fixed


def _non_overlapping(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The fixes one round can apply together: in text order, each one whose edits touch none
    already taken. A line-ending conversion goes alone, as it touches every line."""
    ordered = sorted(diagnostics, key=lambda d: min((e.start for e in d.fix.edits), default=0))
    for diagnostic in ordered:
        if diagnostic.code == "AG006":
            return [diagnostic]
    starts: list[int] = []
    ends: list[int] = []
    chosen = []
    for diagnostic in ordered:
        ranges = sorted((e.start, e.end) for e in diagnostic.fix.edits)
        if _self_overlap(ranges) or not all(_free(starts, ends, a, b) for a, b in ranges):
            continue
        for a, b in ranges:
            i = bisect.bisect_right(starts, a)
            starts.insert(i, a)
            ends.insert(i, b)
        chosen.append(diagnostic)
    return chosen


def _free(starts: list[int], ends: list[int], a: int, b: int) -> bool:
    """Whether [a, b) touches no taken range; two insertions at one point also conflict."""
    i = bisect.bisect_right(starts, a)
    if i > 0 and (ends[i - 1] > a or starts[i - 1] == a):
        return False
    return not (i < len(starts) and starts[i] < b)


def _self_overlap(ranges: list[tuple[int, int]]) -> bool:
    return any(ranges[i][1] > ranges[i + 1][0] for i in range(len(ranges) - 1))
