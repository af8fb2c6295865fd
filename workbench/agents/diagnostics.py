"""Diagnostics, fixes and text positions: the shapes every view of the rule table shares.

Offsets are indexes into the document's text (Python `str` indexes, so Unicode code points).
Positions are 1-based lines and columns, columns counted in code points, ends exclusive — exactly
what `workbench lint --format json` prints (see shared/spec/rules.md).

The records are named tuples, not dataclasses: `workbench lint` starts a process per run, and
importing `dataclasses` and generating a dozen classes was a tenth of its start-up.
"""

from __future__ import annotations

import bisect
from enum import Enum
from typing import NamedTuple


class Severity(str, Enum):
    """What Claude Code will do: error (skips the file), warning (ignores a value), info."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for error, 1 for warning, 2 for info: sort key, most severe first."""
        return _RANK[self]


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class TextEdit(NamedTuple):
    """Replace `text[start:end]` with `new_text`."""

    start: int
    end: int
    new_text: str


class Fix(NamedTuple):
    """A list of text edits that mends one diagnostic. `safe` fixes never change what Claude Code
    applies today; unsafe ones may, and run only when asked."""

    description: str
    safe: bool
    edits: tuple[TextEdit, ...]


class Diagnostic(NamedTuple):
    """One finding of the rule table, with its range as offsets into the text."""

    code: str
    name: str
    severity: Severity
    message: str
    start: int
    end: int
    fix: Fix | None = None


class LineIndex:
    """Maps offsets to 1-based (line, column) and back. Lines end at `\\n` only (a `\\r` before
    it is part of the line's text, as editors that show CRLF files count it)."""

    __slots__ = ("_starts", "_length")

    def __init__(self, text: str) -> None:
        starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self._starts = starts
        self._length = len(text)

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of an offset; offsets are clamped into the text."""
        offset = max(0, min(offset, self._length))
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1

    def offset(self, line: int, column: int) -> int:
        """The offset of a 1-based (line, column), clamped into the text."""
        line = max(1, min(line, len(self._starts)))
        start = self._starts[line - 1]
        end = self._starts[line] - 1 if line < len(self._starts) else self._length
        return max(start, min(start + column - 1, end))

    def line_start(self, line: int) -> int:
        """Offset of the first character of a 1-based line."""
        return self._starts[max(1, min(line, len(self._starts))) - 1]
