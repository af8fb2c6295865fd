"""An Edit's diff, before its call has finished (the permission prompt, a pending block), is numbered
as in the file, not from the snippet's first line."""

from workbench.ui.chat.diffs import edit_hunks, render_diff


def test_a_pending_edit_on_line_2_is_numbered_2(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("one\ntwo\nthree\n")
    hunks = edit_hunks("Edit", {"file_path": str(path), "old_string": "two", "new_string": "TWO"})
    assert [(h.old_start, h.new_start) for h in hunks] == [(2, 2)]
    assert "@@ -2 +2 @@" in render_diff(hunks, str(path)).plain


def test_crlf_files_and_snippets_spanning_lines_count_from_where_the_snippet_starts(tmp_path):
    path = tmp_path / "win.txt"
    path.write_bytes(b"a\r\nb\r\nc\r\nd\r\ne\r\n")
    hunks = edit_hunks("Edit", {"file_path": str(path), "old_string": "c\nd", "new_string": "c\nD"})
    assert [(h.old_start, h.new_start) for h in hunks] == [(3, 3)]


def test_a_finished_edit_without_its_patch_is_found_by_its_new_text(tmp_path):
    path = tmp_path / "done.txt"
    path.write_text("x\ny\nz = 2\n")  # the edit z = 1 -> z = 2 has been made
    hunks = edit_hunks("Edit", {"file_path": str(path), "old_string": "z = 1", "new_string": "z = 2"})
    assert [(h.old_start, h.new_start) for h in hunks] == [(3, 3)]


def test_multiedit_numbers_each_edit_in_the_file(tmp_path):
    path = tmp_path / "m.txt"
    path.write_text("\n".join(f"line {n}" for n in range(1, 21)) + "\n")
    edits = [{"old_string": "line 5", "new_string": "LINE 5"},
             {"old_string": "line 17", "new_string": "LINE 17"}]
    hunks = edit_hunks("MultiEdit", {"file_path": str(path), "edits": edits})
    assert [h.old_start for h in hunks] == [5, 17]


def test_without_a_readable_file_the_snippet_counts_from_1(tmp_path):
    hunks = edit_hunks("Edit", {"file_path": str(tmp_path / "gone.txt"), "old_string": "a",
                                "new_string": "b"})
    assert [(h.old_start, h.new_start) for h in hunks] == [(1, 1)]
    patch = [{"oldStart": 9, "oldLines": 1, "newStart": 9, "newLines": 1, "lines": ["-a", "+b"]}]
    assert edit_hunks("Edit", {"file_path": "x", "old_string": "a", "new_string": "b"},
                      {"structuredPatch": patch})[0].old_start == 9
