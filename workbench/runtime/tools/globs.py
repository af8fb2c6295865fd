"""Glob patterns as regular expressions over `/`-separated relative paths.

`*` and `?` stay within one folder, `**` spans any number of folders (`**/` may match none), `[...]`
is a character class and `{a,b}` an alternation (nestable), as in Claude Code's Glob tool.
"""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern:
    """The compiled regex that matches a whole relative path against `pattern`."""
    return re.compile(_translate(pattern), re.S)


def has_magic(part: str) -> bool:
    """Whether a path segment holds glob syntax."""
    return any(ch in part for ch in "*?[{")


def _translate(pattern: str) -> str:
    out: list[str] = []
    i, n = 0, len(pattern)
    depth = 0
    while i < n:
        ch = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif ch == "*":
            out.append("[^/]*")
            i += 1
        elif ch == "?":
            out.append("[^/]")
            i += 1
        elif ch == "[":
            end = pattern.find("]", i + 2)
            if end == -1:
                out.append(re.escape(ch))
                i += 1
                continue
            body = pattern[i + 1 : end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end + 1
        elif ch == "{":
            depth += 1
            out.append("(?:")
            i += 1
        elif ch == "}" and depth:
            depth -= 1
            out.append(")")
            i += 1
        elif ch == "," and depth:
            out.append("|")
            i += 1
        else:
            out.append(re.escape(ch))
            i += 1
    out.extend(")" * depth)
    return "".join(out)
