"""NotebookEdit changes one cell and keeps the notebook's layout."""

from __future__ import annotations

import json

import pytest

from workbench.runtime.tools import REGISTRY

NOTEBOOK = {
    "cells": [
        {"cell_type": "code", "execution_count": 3, "id": "aaa", "metadata": {},
         "outputs": [{"output_type": "stream", "name": "stdout", "text": ["1\n"]}], "source": ["x = 1\n", "x"]},
        {"cell_type": "markdown", "id": "bbb", "metadata": {}, "source": ["# Notes"]},
    ],
    "metadata": {"language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5,
}


@pytest.fixture
async def notebook(workspace, call):
    path = workspace / "nb.ipynb"
    path.write_text(json.dumps(NOTEBOOK, indent=1) + "\n")
    await call("Read", file_path=str(path))
    return path


def cells(path):
    return json.loads(path.read_text())["cells"]


async def test_replace_sets_the_source_and_clears_stale_outputs(notebook, call):
    result = await call("NotebookEdit", notebook_path=str(notebook), cell_id="aaa", new_source="y = 2\nprint(y)")
    assert not result.is_error
    cell = cells(notebook)[0]
    assert cell["source"] == ["y = 2\n", "print(y)"]
    assert cell["outputs"] == [] and cell["execution_count"] is None
    assert result.detail["old_source"] == "x = 1\nx" and result.detail["edit_mode"] == "replace"
    assert result.detail["language"] == "python"


async def test_insert_adds_a_cell_after_the_target_or_at_the_start(notebook, call):
    await call("NotebookEdit", notebook_path=str(notebook), cell_id="aaa", new_source="middle",
               cell_type="markdown", edit_mode="insert")
    await call("NotebookEdit", notebook_path=str(notebook), new_source="print(0)", cell_type="code",
               edit_mode="insert")
    got = cells(notebook)
    assert [c["source"] for c in got] == [["print(0)"], ["x = 1\n", "x"], ["middle"], ["# Notes"]]
    assert got[0]["outputs"] == [] and len(got[0]["id"]) == 8


async def test_delete_removes_the_cell_addressed_by_position(notebook, call):
    result = await call("NotebookEdit", notebook_path=str(notebook), cell_id="cell-1", new_source="",
                        edit_mode="delete")
    assert not result.is_error and [c["id"] for c in cells(notebook)] == ["aaa"]


async def test_the_json_layout_is_kept(notebook, call):
    await call("NotebookEdit", notebook_path=str(notebook), cell_id="bbb", new_source="# Title")
    text = notebook.read_text()
    assert text.startswith('{\n "cells": [\n  {') and text.endswith("}\n")
    assert list(json.loads(text)) == ["cells", "metadata", "nbformat", "nbformat_minor"]


async def test_an_unknown_cell_or_an_unread_notebook_is_refused(workspace, notebook, call):
    missing = await call("NotebookEdit", notebook_path=str(notebook), cell_id="zzz", new_source="")
    assert missing.is_error and "no cell with id 'zzz'" in missing.content
    other = workspace / "other.ipynb"
    other.write_text(json.dumps(NOTEBOOK))
    unread = await call("NotebookEdit", notebook_path=str(other), cell_id="aaa", new_source="")
    assert unread.is_error and "Read it first" in unread.content


def test_notebook_validation_names_what_is_missing():
    tool = REGISTRY["NotebookEdit"]
    assert tool.validate({"notebook_path": "/n.ipynb", "new_source": "", "edit_mode": "insert"}) == \
        "`cell_type` is required when edit_mode is insert"
    assert tool.validate({"notebook_path": "/n.ipynb", "new_source": ""}) == \
        "`cell_id` is required when edit_mode is replace"
    assert tool.validate({"notebook_path": "/n.ipynb", "new_source": "", "edit_mode": "move"}) == \
        "`edit_mode` must be one of 'replace', 'insert', 'delete', got 'move'"
