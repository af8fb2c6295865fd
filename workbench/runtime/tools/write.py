"""Write: create a file or replace it whole (an existing file must have been read first)."""

from __future__ import annotations

from pathlib import Path

from workbench.runtime.tools.base import ToolContext, ToolResult
from workbench.runtime.tools.confine import OutsideWorkspace, resolve_in_roots
from workbench.runtime.tools.diffs import structured_patch, unified_diff
from workbench.runtime.tools.fileio import EditRefused, edit_precheck, read_text, write_text
from workbench.runtime.tools.local_tool import LocalTool, error


class WriteTool(LocalTool):
    """Claude Code's Write."""

    name = "Write"
    kind = "edit"
    description = (
        "Writes a file in the workspace, replacing it completely (parent folders are created). "
        "file_path must be absolute. An existing file must have been read with Read in this "
        "conversation, and not changed since, before it can be overwritten. Prefer Edit for "
        "changing part of a file."
    )
    input_schema = {"type": "object", "required": ["file_path", "content"], "properties": {
        "file_path": {"type": "string"}, "content": {"type": "string"}}}

    def refusal(self, tool_input: dict, ctx: ToolContext) -> None:
        edit_precheck(*_target(tool_input["file_path"], ctx), ctx)

    def permission_summary(self, tool_input: dict, ctx: ToolContext) -> str:
        try:
            path, original = _target(tool_input["file_path"], ctx)
        except (OutsideWorkspace, EditRefused) as exc:
            return f"Write {tool_input.get('file_path', '')}: {exc}"
        verb = "Create" if original is None else "Overwrite"
        diff = unified_diff(str(path), structured_patch(original or "", tool_input["content"]))
        return f"{verb} {path}\n{diff}".rstrip("\n")

    async def run(self, tool_input: dict, ctx: ToolContext) -> ToolResult:
        try:
            path, original = _target(tool_input["file_path"], ctx)
            edit_precheck(path, original, ctx)
            content = tool_input["content"]
            write_text(path, content, ctx)
        except (OutsideWorkspace, EditRefused) as exc:
            return error(str(exc))
        except OSError as exc:
            return error(f"cannot write {tool_input['file_path']}: {exc.strerror or exc}")
        patch = structured_patch(original or "", content)
        detail = {"type": "create" if original is None else "update", "filePath": str(path),
                  "content": content, "structuredPatch": patch, "originalFile": original,
                  "diff": unified_diff(str(path), patch)}
        if original is None:
            return ToolResult(f"File created successfully at: {path}", detail=detail)
        return ToolResult(f"The file {path} has been overwritten.", detail=detail)


def _target(raw: str, ctx: ToolContext) -> tuple[Path, str | None]:
    """The resolved path and its current text (None for a new file)."""
    path = resolve_in_roots(raw, ctx)
    if path.is_dir():
        raise EditRefused(f"{path} is a directory")
    return path, (read_text(path) if path.exists() else None)
