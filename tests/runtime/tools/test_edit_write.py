"""Write, Edit and MultiEdit: read-before-edit, uniqueness, atomicity, diffs that match the change."""

from __future__ import annotations

import os

from workbench.runtime.tools import REGISTRY


async def _read(call, path):
    result = await call("Read", file_path=str(path))
    assert not result.is_error


async def test_write_creates_a_file_and_its_parent_folders(workspace, call):
    target = workspace / "a" / "b" / "new.txt"
    result = await call("Write", file_path=str(target), content="hi\n")
    assert not result.is_error and target.read_text() == "hi\n"
    assert result.detail["type"] == "create" and result.detail["originalFile"] is None
    assert result.detail["structuredPatch"] == [
        {"oldStart": 0, "oldLines": 0, "newStart": 1, "newLines": 1, "lines": ["+hi"]}]


async def test_write_over_an_unread_file_is_refused_and_leaves_it_alone(workspace, call):
    target = workspace / "keep.txt"
    target.write_text("original\n")
    result = await call("Write", file_path=str(target), content="new\n")
    assert result.is_error and "has not been read in this conversation; Read it first" in result.content
    assert target.read_text() == "original\n"


async def test_write_after_a_read_overwrites_and_reports_an_update(workspace, call):
    target = workspace / "f.txt"
    target.write_text("one\n")
    await _read(call, target)
    result = await call("Write", file_path=str(target), content="two\n")
    assert not result.is_error and target.read_text() == "two\n"
    assert result.detail["type"] == "update" and result.detail["originalFile"] == "one\n"


async def test_edit_of_a_file_changed_since_it_was_read_is_refused(workspace, call):
    target = workspace / "f.txt"
    target.write_text("alpha\n")
    await _read(call, target)
    target.write_text("alpha beta\n")
    os.utime(target, (1, 1))  # a different mtime, whatever the clock resolution
    result = await call("Edit", file_path=str(target), old_string="alpha", new_string="gamma")
    assert result.is_error and "changed on disk since it was read; Read it again" in result.content
    assert target.read_text() == "alpha beta\n"


async def test_edit_replaces_a_unique_string_and_gives_claude_codes_detail(workspace, call):
    target = workspace / "code.py"
    target.write_text("a = 1\nb = 2\nc = 3\n")
    await _read(call, target)
    result = await call("Edit", file_path=str(target), old_string="b = 2", new_string="b = 20")
    assert not result.is_error
    assert target.read_text() == "a = 1\nb = 20\nc = 3\n"
    detail = result.detail
    assert detail["oldString"] == "b = 2" and detail["newString"] == "b = 20"
    assert detail["originalFile"] == "a = 1\nb = 2\nc = 3\n" and detail["replaceAll"] is False
    assert detail["structuredPatch"] == [{"oldStart": 1, "oldLines": 3, "newStart": 1, "newLines": 3,
                                          "lines": [" a = 1", "-b = 2", "+b = 20", " c = 3"]}]
    assert detail["diff"].startswith(f"--- {target}\n+++ {target}\n@@ -1,3 +1,3 @@\n")


async def test_edit_requires_a_unique_match_unless_replace_all(workspace, call):
    target = workspace / "dup.txt"
    target.write_text("x\nx\n")
    await _read(call, target)
    refused = await call("Edit", file_path=str(target), old_string="x", new_string="y")
    assert refused.is_error and "occurs 2 times" in refused.content and "replace_all" in refused.content
    done = await call("Edit", file_path=str(target), old_string="x", new_string="y", replace_all=True)
    assert not done.is_error and target.read_text() == "y\ny\n"


async def test_edit_errors_for_missing_text_and_identical_strings(workspace, call):
    target = workspace / "f.txt"
    target.write_text("hello\n")
    await _read(call, target)
    missing = await call("Edit", file_path=str(target), old_string="bye", new_string="x")
    same = await call("Edit", file_path=str(target), old_string="hello", new_string="hello")
    assert missing.is_error and missing.content == f"old_string not found in {target}"
    assert same.is_error and same.content == "new_string is identical to old_string"


async def test_consecutive_edits_need_only_the_first_read(workspace, call):
    target = workspace / "f.txt"
    target.write_text("1\n2\n")
    await _read(call, target)
    first = await call("Edit", file_path=str(target), old_string="1", new_string="one")
    second = await call("Edit", file_path=str(target), old_string="2", new_string="two")
    assert not first.is_error and not second.is_error
    assert target.read_text() == "one\ntwo\n"


async def test_edit_with_an_empty_old_string_creates_a_new_file(workspace, call):
    target = workspace / "fresh.txt"
    result = await call("Edit", file_path=str(target), old_string="", new_string="made\n")
    assert not result.is_error and target.read_text() == "made\n"


async def test_permission_summary_shows_the_diff_without_writing(workspace, ctx):
    target = workspace / "f.txt"
    target.write_text("keep\nold\n")
    summary = REGISTRY["Edit"].permission_summary(
        {"file_path": str(target), "old_string": "old", "new_string": "new"}, ctx)
    assert summary.splitlines()[-2:] == ["-old", "+new"]
    write_summary = REGISTRY["Write"].permission_summary(
        {"file_path": str(workspace / "n.txt"), "content": "a\n"}, ctx)
    assert write_summary.startswith(f"Create {workspace / 'n.txt'}") and write_summary.endswith("+a")
    assert target.read_text() == "keep\nold\n" and not (workspace / "n.txt").exists()


async def test_write_keeps_the_file_mode(workspace, call):
    target = workspace / "run.sh"
    target.write_text("echo 1\n")
    target.chmod(0o755)
    await _read(call, target)
    await call("Write", file_path=str(target), content="echo 2\n")
    assert target.stat().st_mode & 0o777 == 0o755


async def test_edit_of_a_crlf_file_matches_lines_quoted_with_plain_newlines(workspace, call):
    target = workspace / "win.txt"
    target.write_bytes(b"one\r\ntwo\r\nthree\r\n")
    await _read(call, target)
    result = await call("Edit", file_path=str(target), old_string="one\ntwo", new_string="1\n2")
    assert not result.is_error and target.read_bytes() == b"1\r\n2\r\nthree\r\n"
