"""Counts in words: `plural(1, "error")` is "1 error", `plural(3, "error")` is "3 errors"."""

from __future__ import annotations


def plural(count: int, singular: str, plural: str | None = None) -> str:
    """`count` and the word for it: `singular` for exactly one, else `plural` (default: + "s")."""
    word = singular if count == 1 else (plural if plural is not None else singular + "s")
    return f"{count} {word}"
