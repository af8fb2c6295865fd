"""Edit and MultiEdit: exact string replacement, all or nothing, after a full Read of the file."""

from __future__ import annotations

from pathlib import Path

from workbench.runtime.tools.base import ToolContext, ToolResult
from workbench.runtime.tools.confine import OutsideWorkspace, resolve_in_roots
from workbench.runtime.tools.diffs import structured_patch, unified_diff
from workbench.runtime.tools.fileio import EditRefused, edit_precheck, read_text, write_text
from workbench.runtime.tools.local_tool import LocalTool, error

_EDIT_PROPERTIES = {"old_string": {"type": "string"}, "new_string": {"type": "string"},
                    "replace_all": {"type": "boolean", "default": False}}


def apply_edits(text: str, edits: list[dict], path: Path) -> str:
    """Apply edits in order, each on the previous result; EditRefused names the failing edit."""
    for index, edit in enumerate(edits):
        label = f"edit {index + 1} of {len(edits)}: " if len(edits) > 1 else ""
        old, new = edit["old_string"], edit["new_string"]
        if old == new:
            raise EditRefused(f"{label}new_string is identical to old_string")
        if old == "":
            raise EditRefused(f"{label}old_string is empty; it must quote text of {path}")
        count = text.count(old)
        if count == 0:
            raise EditRefused(f"{label}old_string not found in {path}")
        if count > 1 and not edit.get("replace_all", False):
            raise EditRefused(f"{label}old_string occurs {count} times in {path}; include more "
                              "context or set replace_all")
        text = text.replace(old, new)
    return text


def _with_crlf(edit: dict) -> dict:
    def crlf(text: str) -> str:
        return text.replace("\r\n", "\n").replace("\n", "\r\n")
    return {**edit, "old_string": crlf(edit["old_string"]), "new_string": crlf(edit["new_string"])}


class _EditBase(LocalTool):
    kind = "edit"

    def _edits(self, tool_input: dict) -> list[dict]:
        raise NotImplementedError

    def _plan(self, tool_input: dict, ctx: ToolContext) -> tuple[Path, str | None, str]:
        """The path, its original text (None when created) and the new text; nothing written."""
        path = resolve_in_roots(tool_input["file_path"], ctx)
        edits = self._edits(tool_input)
        if not path.exists():
            # Claude Code's way to create a file with Edit: an empty old_string.
            if len(edits) == 1 and edits[0]["old_string"] == "":
                return path, None, edits[0]["new_string"]
            raise EditRefused(f"File does not exist: {path}")
        if path.is_dir():
            raise EditRefused(f"{path} is a directory")
        original = read_text(path)
        if "\r\n" in original:
            # Read shows lines without their \r, so the model quotes them with \n only.
            edits = [_with_crlf(edit) for edit in edits]
        return path, original, apply_edits(original, edits, path)

    def refusal(self, tool_input: dict, ctx: ToolContext) -> None:
        path, original, _new = self._plan(tool_input, ctx)
        edit_precheck(path, original, ctx)

    def permission_summary(self, tool_input: dict, ctx: ToolContext) -> str:
        try:
            path, original, new = self._plan(tool_input, ctx)
        except (OutsideWorkspace, EditRefused) as exc:
            return f"{self.name} {tool_input.get('file_path', '')}: {exc}"
        diff = unified_diff(str(path), structured_patch(original or "", new))
        return f"{self.name} {path}\n{diff}".rstrip("\n")

    async def run(self, tool_input: dict, ctx: ToolContext) -> ToolResult:
        try:
            path, original, new = self._plan(tool_input, ctx)
            edit_precheck(path, original, ctx)
            write_text(path, new, ctx)
        except (OutsideWorkspace, EditRefused) as exc:
            return error(str(exc))
        except OSError as exc:
            return error(f"cannot write {tool_input['file_path']}: {exc.strerror or exc}")
        patch = structured_patch(original or "", new)
        detail = self._detail(tool_input, path, original, patch)
        detail["diff"] = unified_diff(str(path), patch)
        return ToolResult(f"The file {path} has been updated.", detail=detail)

    def _detail(self, tool_input: dict, path: Path, original: str | None, patch: list) -> dict:
        raise NotImplementedError


class EditTool(_EditBase):
    """Claude Code's Edit."""

    name = "Edit"
    description = (
        "Replaces exact text in a file. old_string must match the file exactly (whitespace "
        "included) and occur exactly once, unless replace_all is true; new_string must differ. "
        "The file must have been read with Read in this conversation (a full read, not a PARTIAL "
        "view) and not changed since. Give the text without Read's line-number prefixes. To create "
        "a new file, use an empty old_string."
    )
    input_schema = {"type": "object", "required": ["file_path", "old_string", "new_string"],
                    "properties": {"file_path": {"type": "string"}, **_EDIT_PROPERTIES}}

    def _edits(self, tool_input: dict) -> list[dict]:
        return [tool_input]

    def _detail(self, tool_input: dict, path: Path, original: str | None, patch: list) -> dict:
        return {"filePath": str(path), "oldString": tool_input["old_string"],
                "newString": tool_input["new_string"], "originalFile": original,
                "structuredPatch": patch, "userModified": False,
                "replaceAll": tool_input.get("replace_all", False)}
