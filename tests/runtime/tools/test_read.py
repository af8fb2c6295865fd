"""Read: numbered lines, ranges, caps, special files, and what counts as a read for editing."""

from __future__ import annotations

import json
import os

from workbench.runtime.tools import read


async def test_read_numbers_lines_as_claude_code_does(workspace, call):
    (workspace / "a.py").write_text("import os\nprint(os)\n")
    result = await call("Read", file_path=str(workspace / "a.py"))
    assert not result.is_error
    # N, a tab, the line; the final newline shows as one more, empty, numbered line.
    assert result.content == "1\timport os\n2\tprint(os)\n3\t"
    (workspace / "b.py").write_text("x = 1")
    assert (await call("Read", file_path=str(workspace / "b.py"))).content == "1\tx = 1"
    assert result.detail["file"] == {"filePath": str(workspace / "a.py"), "content": "import os\nprint(os)\n",
                                     "numLines": 3, "startLine": 1, "totalLines": 3}


async def test_offset_and_limit_select_a_range(workspace, call):
    (workspace / "n.txt").write_text("".join(f"line {i}\n" for i in range(1, 11)))
    result = await call("Read", file_path=str(workspace / "n.txt"), offset=4, limit=2)
    assert result.content == "4\tline 4\n5\tline 5"
    assert result.detail["file"]["startLine"] == 4 and result.detail["file"]["totalLines"] == 11  # the last, empty


async def test_relative_paths_resolve_against_the_working_directory(workspace, call):
    (workspace / "sub").mkdir()
    (workspace / "sub" / "f.txt").write_text("x\n")
    result = await call("Read", file_path="sub/f.txt")
    assert result.content == "1\tx\n2\t"


async def test_long_lines_are_cut(workspace, call):
    (workspace / "wide.txt").write_text("y" * (read.MAX_LINE_CHARS + 50) + "\n")
    result = await call("Read", file_path=str(workspace / "wide.txt"))
    assert "y" * read.MAX_LINE_CHARS + " … [line truncated]" in result.content
    assert "y" * (read.MAX_LINE_CHARS + 1) not in result.content


async def test_a_long_file_gives_a_partial_view_that_does_not_count_as_read(workspace, ctx, call):
    path = workspace / "long.txt"
    path.write_text("".join(f"{i}\n" for i in range(read.MAX_LINES + 5)))
    result = await call("Read", file_path=str(path))
    assert "PARTIAL view: lines 1-2000 of 2005" in result.content
    assert f"offset={read.MAX_LINES + 1}" in result.content
    assert str(path) not in ctx.read_state


async def test_an_explicit_range_over_the_size_cap_is_an_error(workspace, call):
    path = workspace / "big.txt"
    path.write_text(("z" * 1500 + "\n") * 200)
    result = await call("Read", file_path=str(path), offset=1, limit=200)
    assert result.is_error and "read fewer lines" in result.content


async def test_a_full_read_records_the_mtime_for_later_edits(workspace, ctx, call):
    path = workspace / "f.txt"
    path.write_text("x\n")
    await call("Read", file_path=str(path))
    assert ctx.read_state[str(path)] == path.stat().st_mtime


async def test_empty_files_and_offsets_past_the_end_give_notices(workspace, call):
    (workspace / "empty.txt").write_text("")
    (workspace / "short.txt").write_text("a\nb\n")
    empty = await call("Read", file_path=str(workspace / "empty.txt"))
    past = await call("Read", file_path=str(workspace / "short.txt"), offset=9)
    assert not empty.is_error and "exists but is empty" in empty.content
    assert not past.is_error and "has 2 lines; offset 9 is past the end" in past.content


async def test_missing_files_directories_and_binaries_are_errors(workspace, call):
    (workspace / "d").mkdir()
    (workspace / "blob.bin").write_bytes(b"\x00\x01\x02binary")
    missing = await call("Read", file_path=str(workspace / "nope.txt"))
    folder = await call("Read", file_path=str(workspace / "d"))
    binary = await call("Read", file_path=str(workspace / "blob.bin"))
    assert missing.is_error and "does not exist" in missing.content
    assert folder.is_error and "is a directory" in folder.content
    assert binary.is_error and "binary file" in binary.content


async def test_a_named_pipe_is_refused_rather_than_read_forever(workspace, call):
    os.mkfifo(workspace / "pipe")
    result = await call("Read", file_path=str(workspace / "pipe"))  # no writer: a read would block
    assert result.is_error and "not a regular file" in result.content


async def test_images_come_back_as_image_blocks(workspace, call):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    (workspace / "pic.png").write_bytes(png)
    result = await call("Read", file_path=str(workspace / "pic.png"))
    assert result.content[0]["type"] == "image"
    assert result.content[0]["source"]["media_type"] == "image/png"
    assert result.detail["type"] == "image" and result.detail["file"]["originalSize"] == len(png)


async def test_notebooks_are_shown_cell_by_cell_with_outputs(workspace, ctx, call):
    nb = {"cells": [{"cell_type": "code", "id": "c1", "source": ["print(1)\n"],
                     "outputs": [{"output_type": "stream", "text": ["1\n"]}]},
                    {"cell_type": "markdown", "id": "m1", "source": "# Title"}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = workspace / "n.ipynb"
    path.write_text(json.dumps(nb))
    result = await call("Read", file_path=str(path))
    assert '<cell id="c1" type="code">\nprint(1)\n\n</cell>' in result.content
    assert '<output cell="c1">\n1\n\n</output>' in result.content
    assert '<cell id="m1" type="markdown">\n# Title\n</cell>' in result.content
    assert str(path) in ctx.read_state


def test_validate_names_the_bad_field():
    tool = read.ReadTool()
    assert tool.validate({}) == "`file_path` is required"
    assert tool.validate({"file_path": 3}) == "`file_path` must be a string, got number"
    assert tool.validate({"file_path": "/x", "limit": 0}) == "`limit` must be at least 1"
    assert tool.validate({"file_path": "/x", "offset": "2"}) == "`offset` must be an integer, got string"
    assert tool.validate({"file_path": "/x", "path": "/y"}) == "`path` is not a parameter of this tool"
