"""Splitting a shell command line into its simple commands, for permission rules.

Not a shell parser: enough to see the parts of `a && b; c | d` and to notice the constructs that can
hide another command (substitutions) or write a file (redirections), which no prefix rule may
approve. Quotes and backslashes are honoured so `echo "a && b"` stays one command.
"""

from __future__ import annotations

from dataclasses import dataclass

_SEPARATORS = ("&&", "||", ";", "|", "&", "\n")


@dataclass(frozen=True)
class SplitCommand:
    """The simple commands of a command line and whether it hides anything a rule cannot see."""

    parts: tuple[str, ...]
    opaque: bool  # command substitution, process substitution or a file redirection


def split_command(command: str) -> SplitCommand:
    """Split on `&&`, `||`, `;`, `|`, `&` and newlines outside quotes."""
    parts: list[str] = []
    current: list[str] = []
    opaque = False
    quote = ""
    i = 0
    n = len(command)
    while i < n:
        ch = command[i]
        if quote == "'":
            current.append(ch)
            if ch == "'":
                quote = ""
            i += 1
            continue
        if ch == "\\" and i + 1 < n:
            current.append(command[i : i + 2])
            i += 2
            continue
        if ch == "`" or command.startswith("$(", i):
            opaque = True
        if quote == '"':
            current.append(ch)
            if ch == '"':
                quote = ""
            i += 1
            continue
        if ch in "'\"":
            quote = ch
            current.append(ch)
            i += 1
            continue
        if ch in "<>" and _is_file_redirection(command, i):
            opaque = True
        sep = next((s for s in _SEPARATORS if command.startswith(s, i)), None)
        if sep and not _is_fd_duplication(command, i):
            parts.append("".join(current).strip())
            current = []
            i += len(sep)
            continue
        current.append(ch)
        i += 1
    parts.append("".join(current).strip())
    return SplitCommand(tuple(p for p in parts if p), opaque)


def _is_file_redirection(command: str, i: int) -> bool:
    """`>` / `>>` / `<(` to anything but /dev/null or another descriptor."""
    if command.startswith("<(", i) or command.startswith(">(", i):
        return True
    if command[i] == "<":
        return False  # reading a file is not a write
    rest = command[i:].lstrip(">").lstrip("|").lstrip()
    return not (rest.startswith("&") or rest.startswith("/dev/null"))


def _is_fd_duplication(command: str, i: int) -> bool:
    # The `&` in `2>&1` or `>&2` is part of a redirection, not a background separator.
    return command[i] == "&" and i > 0 and command[i - 1] in "<>"


def leading_words(part: str) -> list[str]:
    """The words of one simple command, leading `VAR=value` assignments skipped."""
    words = part.split()
    while words and "=" in words[0] and not words[0].startswith("="):
        words.pop(0)
    return words
