"""structuredPatch hunks agree with the text change they describe."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.runtime.tools.diffs import structured_patch, unified_diff


def _apply(old: str, hunks: list[dict]) -> list[str]:
    lines = old.splitlines()
    out: list[str] = []
    position = 0
    for hunk in hunks:
        start = hunk["oldStart"] - 1 if hunk["oldLines"] else hunk["oldStart"]
        out.extend(lines[position:start])
        position = start
        for line in hunk["lines"]:
            if line[0] in " -":
                assert lines[position] == line[1:]
                position += 1
            if line[0] in " +":
                out.append(line[1:])
    return out + lines[position:]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "", "d e"]), max_size=12),
       st.lists(st.sampled_from(["a", "b", "x", "", "d e"]), max_size=12))
def test_applying_the_hunks_to_the_old_text_gives_the_new_text(old_lines, new_lines):
    old, new = "\n".join(old_lines), "\n".join(new_lines)
    assert _apply(old, structured_patch(old, new)) == new.splitlines()


def test_hunks_keep_three_lines_of_context_and_split_far_changes():
    old = "".join(f"{i}\n" for i in range(20))
    new = old.replace("2\n", "two\n", 1).replace("17\n", "seventeen\n")
    hunks = structured_patch(old, new)
    assert [(h["oldStart"], h["oldLines"]) for h in hunks] == [(1, 6), (15, 6)]


def test_no_change_gives_no_hunks_and_no_diff():
    assert structured_patch("same\n", "same\n") == []
    assert unified_diff("f", []) == ""
