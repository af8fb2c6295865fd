"""Counts in words, as the UI prints them."""

from __future__ import annotations

from workbench.plural import plural


def test_one_takes_the_singular_and_any_other_count_the_plural():
    assert plural(1, "error") == "1 error"
    assert plural(0, "error") == "0 errors"
    assert plural(3, "tool call") == "3 tool calls"


def test_an_irregular_plural_is_used_as_given():
    assert plural(2, "safe fix", "safe fixes") == "2 safe fixes"
    assert plural(1, "unknown entry", "unknown entries") == "1 unknown entry"
    assert plural(5, "unknown entry", "unknown entries") == "5 unknown entries"
