"""LS (legacy): a tree listing of a folder, at most 1,000 entries."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from workbench.runtime.tools.base import ToolContext, ToolResult
from workbench.runtime.tools.confine import OutsideWorkspace, resolve_in_roots
from workbench.runtime.tools.globs import glob_regex
from workbench.runtime.tools.local_tool import LocalTool, error

MAX_ENTRIES = 1000
_SKIPPED = {".git", "__pycache__", "node_modules"}


class LSTool(LocalTool):
    """Claude Code's legacy LS."""

    name = "LS"
    kind = "read"
    concurrency_safe = True
    description = (
        "Lists a folder as a tree (path must be absolute). ignore takes glob patterns to leave out. "
        f"Hidden entries, .git, __pycache__ and node_modules are skipped; at most {MAX_ENTRIES} "
        "entries. Prefer Glob to find files by name."
    )
    input_schema = {"type": "object", "required": ["path"], "properties": {
        "path": {"type": "string"}, "ignore": {"type": "array", "items": {"type": "string"}}}}

    def permission_summary(self, tool_input: dict, ctx: ToolContext) -> str:
        return f"LS {tool_input.get('path', '')}"

    async def run(self, tool_input: dict, ctx: ToolContext) -> ToolResult:
        return await asyncio.to_thread(self._list, tool_input, ctx)  # a big tree must not stall the loop

    def _list(self, tool_input: dict, ctx: ToolContext) -> ToolResult:
        try:
            root = resolve_in_roots(tool_input["path"], ctx)
        except OutsideWorkspace as exc:
            return error(str(exc))
        if not root.is_dir():
            return error(f"Directory does not exist: {root}")
        ignore = [glob_regex(p) for p in tool_input.get("ignore", [])]
        lines = [f"- {root}/"]
        truncated = _walk(root, root, 1, ignore, lines)
        if truncated:
            lines.append(f"(listing cut at {MAX_ENTRIES} entries; list a subfolder or use Glob)")
        return ToolResult("\n".join(lines), detail={"path": str(root), "numEntries": len(lines) - 1,
                                                    "truncated": truncated})


def _walk(root: Path, folder: Path, depth: int, ignore: list, lines: list[str]) -> bool:
    """Append entries under `folder`; True when the cap was hit."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return False
    for entry in entries:
        if entry.name.startswith(".") or entry.name in _SKIPPED:
            continue
        relative = Path(entry.path).relative_to(root).as_posix()
        if any(p.fullmatch(entry.name) or p.fullmatch(relative) for p in ignore):
            continue
        if len(lines) > MAX_ENTRIES:
            return True
        is_dir = entry.is_dir(follow_symlinks=False)
        lines.append("  " * depth + f"- {entry.name}{'/' if is_dir else ''}")
        if is_dir and _walk(root, Path(entry.path), depth + 1, ignore, lines):
            return True
    return False
