"""File tools never read or write outside the workspace roots, however the path gets there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workbench.runtime.tools import ToolContext


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text("top secret\n")
    return folder.resolve()


async def test_dot_dot_out_of_the_workspace_is_refused(workspace, call):
    result = await call("Read", file_path="../outside/secret.txt")
    assert result.is_error and "outside the workspace" in result.content


async def test_an_absolute_path_outside_is_refused(outside, call):
    result = await call("Read", file_path=str(outside / "secret.txt"))
    assert result.is_error and "top secret" not in str(result.content)


async def test_a_symlink_inside_pointing_outside_is_refused_for_read_and_write(workspace, outside, call):
    (workspace / "link.txt").symlink_to(outside / "secret.txt")
    (workspace / "linkdir").symlink_to(outside)
    read = await call("Read", file_path=str(workspace / "link.txt"))
    write = await call("Write", file_path=str(workspace / "linkdir" / "planted.txt"), content="x")
    assert read.is_error and "outside the workspace" in read.content
    assert write.is_error and not (outside / "planted.txt").exists()


async def test_edit_glob_grep_and_notebooks_are_confined_too(workspace, outside, call):
    results = [
        await call("Edit", file_path=str(outside / "secret.txt"), old_string="top", new_string="no"),
        await call("Glob", pattern="*", path=str(outside)),
        await call("Glob", pattern=str(outside / "*.txt")),
        await call("Grep", pattern="secret", path=str(outside)),
        await call("NotebookEdit", notebook_path=str(outside / "n.ipynb"), cell_id="x", new_source=""),
    ]
    assert all(r.is_error and "outside the workspace" in r.content for r in results)
    assert (outside / "secret.txt").read_text() == "top secret\n"


async def test_a_workspace_reached_through_a_symlink_still_contains_its_files(tmp_path, call):
    real = tmp_path / "real"
    real.mkdir()
    (real / "f.txt").write_text("inside\n")
    link = tmp_path / "link"
    link.symlink_to(real)
    ctx = ToolContext(cwd=link, roots=(link,))
    result = await call("Read", context=ctx, file_path=str(link / "f.txt"))
    assert not result.is_error and "inside" in result.content


async def test_added_directories_are_roots_as_well(workspace, outside, call):
    ctx = ToolContext(cwd=workspace, roots=(workspace, outside))
    result = await call("Read", context=ctx, file_path=str(outside / "secret.txt"))
    assert not result.is_error


async def test_a_symlink_loop_is_an_error_not_a_crash(workspace, call):
    os.symlink(workspace / "b", workspace / "a")
    os.symlink(workspace / "a", workspace / "b")
    result = await call("Read", file_path=str(workspace / "a"))
    assert result.is_error


async def test_grep_and_glob_do_not_follow_symlinks_out_of_the_workspace(workspace, outside, call):
    (workspace / "link.txt").symlink_to(outside / "secret.txt")
    (workspace / "linkdir").symlink_to(outside)
    (workspace / "own.txt").write_text("not secret\n")
    grep = await call("Grep", pattern="top secret", output_mode="content")
    listed = await call("Glob", pattern="**/secret.txt")
    assert grep.content == "No matches found"
    assert listed.content == "No files found"
