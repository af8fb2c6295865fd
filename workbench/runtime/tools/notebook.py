"""NotebookEdit: replace, insert or delete one cell of a Jupyter notebook, keeping its JSON layout."""

from __future__ import annotations

import json
import re
import uuid

from workbench.runtime.tools.base import ToolContext, ToolResult
from workbench.runtime.tools.confine import OutsideWorkspace, resolve_in_roots
from workbench.runtime.tools.fileio import EditRefused, check_read_before_edit, read_text, write_text
from workbench.runtime.tools.local_tool import LocalTool, error


class NotebookEditTool(LocalTool):
    """Claude Code's NotebookEdit."""

    name = "NotebookEdit"
    kind = "edit"
    description = (
        "Edits one cell of a Jupyter notebook (.ipynb; notebook_path absolute). edit_mode "
        "`replace` (default) sets the source of cell_id; `insert` adds a new cell after cell_id "
        "(at the start without cell_id) and needs cell_type; `delete` removes cell_id. cell_id is "
        "the cell's id, or `cell-N` for the N-th cell (0-based). Read the notebook first."
    )
    input_schema = {"type": "object", "required": ["notebook_path", "new_source"], "properties": {
        "notebook_path": {"type": "string"}, "cell_id": {"type": "string"},
        "new_source": {"type": "string"},
        "cell_type": {"type": "string", "enum": ["code", "markdown"]},
        "edit_mode": {"type": "string", "enum": ["replace", "insert", "delete"]}}}

    def extra_checks(self, tool_input: dict) -> str | None:
        mode = tool_input.get("edit_mode", "replace")
        if mode == "insert" and "cell_type" not in tool_input:
            return "`cell_type` is required when edit_mode is insert"
        if mode in ("replace", "delete") and "cell_id" not in tool_input:
            return f"`cell_id` is required when edit_mode is {mode}"
        return None

    def permission_summary(self, tool_input: dict, ctx: ToolContext) -> str:
        mode = tool_input.get("edit_mode", "replace")
        where = tool_input.get("cell_id", "the start")
        head = f"NotebookEdit {tool_input.get('notebook_path', '')}: {mode} cell {where}"
        return head if mode == "delete" else f"{head}\n{tool_input.get('new_source', '')}"

    async def run(self, tool_input: dict, ctx: ToolContext) -> ToolResult:
        try:
            path = resolve_in_roots(tool_input["notebook_path"], ctx)
            if path.suffix != ".ipynb":
                raise EditRefused(f"{path} is not a .ipynb notebook; use Edit for other files")
            if not path.exists():
                raise EditRefused(f"Notebook does not exist: {path}")
            check_read_before_edit(path, ctx)
            original = read_text(path)
            updated, cell, old_source = _edit(json.loads(original), tool_input)
            text = json.dumps(updated, indent=_indent(original), ensure_ascii=False)
            write_text(path, text + ("\n" if original.endswith("\n") else ""), ctx)
        except (OutsideWorkspace, EditRefused) as exc:
            return error(str(exc))
        except (ValueError, KeyError, TypeError) as exc:
            return error(f"{tool_input['notebook_path']} is not a valid notebook: {exc}")
        mode = tool_input.get("edit_mode", "replace")
        language = updated.get("metadata", {}).get("language_info", {}).get("name", "python")
        detail = {"new_source": tool_input["new_source"], "old_source": old_source,
                  "cell_id": cell.get("id"), "cell_type": cell.get("cell_type"),
                  "language": language, "edit_mode": mode, "notebook_path": str(path),
                  "original_file": original, "updated_file": text}
        verb = {"replace": "Updated", "insert": "Inserted", "delete": "Deleted"}[mode]
        return ToolResult(f"{verb} cell {cell.get('id') or '(no id)'} in {path}", detail=detail)


def _edit(notebook: dict, tool_input: dict) -> tuple[dict, dict, str | None]:
    """The changed notebook, the cell concerned and its old source."""
    cells = notebook["cells"]
    mode = tool_input.get("edit_mode", "replace")
    index = _find(cells, tool_input["cell_id"]) if "cell_id" in tool_input else -1
    source = tool_input["new_source"]
    if mode == "delete":
        cell = cells.pop(index)
        return notebook, cell, _joined(cell.get("source", ""))
    if mode == "insert":
        cell = _new_cell(tool_input["cell_type"], source, notebook)
        cells.insert(index + 1, cell)
        return notebook, cell, None
    cell = cells[index]
    old = _joined(cell.get("source", ""))
    cell_type = tool_input.get("cell_type", cell.get("cell_type", "code"))
    cell["cell_type"] = cell_type
    cell["source"] = _as_source(source, like=cell.get("source"))
    if cell_type == "code":
        # Old outputs describe the old code; Jupyter clears them on edit too.
        cell["outputs"] = []
        cell["execution_count"] = None
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
    return notebook, cell, old


def _find(cells: list[dict], cell_id: str) -> int:
    for index, cell in enumerate(cells):
        if cell.get("id") == cell_id:
            return index
    match = re.fullmatch(r"cell-(\d+)", cell_id)
    if match and int(match.group(1)) < len(cells):
        return int(match.group(1))
    raise EditRefused(f"no cell with id {cell_id!r} (the notebook has {len(cells)} cells)")


def _new_cell(cell_type: str, source: str, notebook: dict) -> dict:
    cell: dict = {"cell_type": cell_type}
    # Cell ids exist from nbformat 4.5 on.
    if (notebook.get("nbformat", 4), notebook.get("nbformat_minor", 0)) >= (4, 5):
        cell["id"] = uuid.uuid4().hex[:8]
    cell["metadata"] = {}
    if cell_type == "code":
        cell["execution_count"] = None
        cell["outputs"] = []
    cell["source"] = _as_source(source, like=[])
    return cell


def _as_source(source: str, like) -> list[str] | str:
    return source.splitlines(keepends=True) if isinstance(like, list) else source


def _joined(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def _indent(text: str) -> int:
    second = text.split("\n", 2)[1] if text.count("\n") >= 1 else ""
    return (len(second) - len(second.lstrip(" "))) or 1
