"""Glob: files matching a pattern, newest first, at most 100."""

from __future__ import annotations

import os
import time
from pathlib import Path

from workbench.runtime.tools.base import ToolContext, ToolResult
from workbench.runtime.tools.confine import OutsideWorkspace, resolve_in_roots
from workbench.runtime.tools.globs import glob_regex, has_magic
from workbench.runtime.tools.local_tool import LocalTool, error
from workbench.runtime.tools.ripgrep import RipgrepMissing, run_rg

MAX_FILES = 100


class GlobTool(LocalTool):
    """Claude Code's Glob."""

    name = "Glob"
    kind = "read"
    concurrency_safe = True
    description = (
        "Finds files by glob pattern, e.g. `**/*.py`, `src/**/*.ts`, `*.{json,yaml}`. `*` matches "
        "within one folder, `**` across folders. Searches path (default: the working directory), "
        "including hidden and gitignored files but not .git. Returns absolute paths, most recently "
        f"modified first, at most {MAX_FILES}; narrow the pattern when the result says it is truncated."
    )
    input_schema = {"type": "object", "required": ["pattern"], "properties": {
        "pattern": {"type": "string"}, "path": {"type": "string"}}}

    def extra_checks(self, tool_input: dict) -> str | None:
        if "\x00" in tool_input["pattern"]:
            return "`pattern` contains a NUL byte"
        return None

    def permission_summary(self, tool_input: dict, ctx: ToolContext) -> str:
        return f"Glob {tool_input.get('pattern', '')} in {tool_input.get('path') or ctx.cwd}"

    async def run(self, tool_input: dict, ctx: ToolContext) -> ToolResult:
        started = time.monotonic()
        pattern = tool_input["pattern"]
        try:
            base, pattern = _split_base(pattern, tool_input.get("path"), ctx)
        except OutsideWorkspace as exc:
            return error(str(exc))
        if not base.is_dir():
            return error(f"Directory does not exist: {base}")
        try:
            base, pattern = _narrow(base, pattern, ctx)
        except OutsideWorkspace as exc:
            return error(str(exc))
        if not base.is_dir():
            return _found([], started)
        try:
            code, out, err = await run_rg(["--files", "--no-ignore", "--hidden", "--no-config",
                                           "--glob", "!.git", "--null"], base)
        except RipgrepMissing as exc:
            return error(str(exc))
        if code > 1:
            return error(f"cannot list {base}: {err.decode(errors='replace').strip()}")
        regex = glob_regex(pattern)
        found = [base / rel for rel in out.decode(errors="surrogateescape").split("\0")
                 if rel and regex.fullmatch(rel.removeprefix("./"))]
        found.sort()  # ties in mtime keep path order, so results are stable
        found.sort(key=_mtime, reverse=True)
        return _found(found, started)


def _found(found: list[Path], started: float) -> ToolResult:
    shown = found[:MAX_FILES]
    truncated = len(found) > MAX_FILES
    filenames = [str(p) for p in shown]
    text = "\n".join(filenames) if filenames else "No files found"
    if truncated:
        text += (f"\n(Results are truncated: {len(found)} files matched, showing the "
                 f"{MAX_FILES} newest. Use a more specific path or pattern.)")
    return ToolResult(text, detail={
        "filenames": filenames, "durationMs": int((time.monotonic() - started) * 1000),
        "numFiles": len(filenames), "truncated": truncated, "totalMatches": len(found),
        "countIsComplete": True})


def _split_base(pattern: str, path: str | None, ctx: ToolContext) -> tuple[Path, str]:
    """The folder to search (confined) and the pattern relative to it."""
    base = resolve_in_roots(path, ctx) if path else resolve_in_roots(str(ctx.cwd), ctx)
    if os.path.isabs(pattern):
        # An absolute pattern carries its own base: the part before the first glob segment.
        parts = Path(pattern).parts
        fixed = next((i for i, part in enumerate(parts) if has_magic(part)), len(parts) - 1)
        base = resolve_in_roots(str(Path(*parts[:fixed])), ctx)
        pattern = "/".join(parts[fixed:]) or "*"
    return base, pattern.removeprefix("./")


def _narrow(base: Path, pattern: str, ctx: ToolContext) -> tuple[Path, str]:
    """Move the pattern's leading literal folders into the base (`src/**/*.ts` lists only src/)."""
    parts = pattern.split("/")
    fixed = 0
    while fixed < len(parts) - 1 and parts[fixed] and not has_magic(parts[fixed]):
        fixed += 1
    if not fixed:
        return base, pattern
    return resolve_in_roots(str(base.joinpath(*parts[:fixed])), ctx), "/".join(parts[fixed:])


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
