"""Read: a file with `cat -n`-style line numbers; images and PDFs as content blocks; notebooks by cell."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path

from workbench.runtime.tools.base import ToolContext, ToolResult
from workbench.runtime.tools.confine import OutsideWorkspace, resolve_in_roots
from workbench.runtime.tools.local_tool import LocalTool, error

MAX_LINES = 2000
MAX_LINE_CHARS = 2000
MAX_OUTPUT_CHARS = 100_000
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_MEDIA_BYTES = 5 * 1024 * 1024  # the Messages API's image limit
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".webp": "image/webp"}


class ReadTool(LocalTool):
    """Claude Code's Read."""

    name = "Read"
    kind = "read"
    concurrency_safe = True
    description = (
        "Reads a file from the workspace. file_path must be an absolute path (relative paths are "
        "taken from the working directory). By default it reads up to 2000 lines from the start; "
        "use offset (1-based line) and limit for long files. Lines longer than 2000 characters are "
        "cut. Each line comes as its number, a tab, then the line (a file ending in a newline shows one more, empty, line). A whole-file "
        "read that does not fit returns a PARTIAL view; read the rest with offset/limit before "
        "editing. Images (PNG, JPEG, GIF, WebP) are shown to you as images, PDFs as documents, "
        "Jupyter notebooks cell by cell. Directories cannot be read: use Glob or Bash `ls`."
    )
    input_schema = {"type": "object", "required": ["file_path"], "properties": {
        "file_path": {"type": "string", "description": "Absolute path"},
        "offset": {"type": "integer", "minimum": 0, "description": "1-based line to start at"},
        "limit": {"type": "integer", "exclusiveMinimum": 0, "description": "Number of lines"},
        "pages": {"type": "string", "description": "PDF page range, e.g. \"1-5\""},
        "allow_large": {"type": "boolean",
                        "description": "Return the whole range even past the size limit"}}}

    def extra_checks(self, tool_input: dict) -> str | None:
        if tool_input.get("offset", 0) < 0:
            return "`offset` must be 0 or more"
        if "limit" in tool_input and tool_input["limit"] < 1:
            return "`limit` must be at least 1"
        return None

    def permission_summary(self, tool_input: dict, ctx: ToolContext) -> str:
        return f"Read {tool_input.get('file_path', '')}"

    async def run(self, tool_input: dict, ctx: ToolContext) -> ToolResult:
        # In a worker thread: a large file (or a slow disk) must not stall the event loop, and
        # reads of one response then overlap.
        return await asyncio.to_thread(self._read, tool_input, ctx)

    def _read(self, tool_input: dict, ctx: ToolContext) -> ToolResult:
        try:
            path = resolve_in_roots(tool_input["file_path"], ctx)
        except OutsideWorkspace as exc:
            return error(str(exc))
        if not path.exists():
            return error(f"File does not exist: {path}")
        if path.is_dir():
            return error(f"{path} is a directory, not a file; list it with Glob or Bash `ls`")
        if not path.is_file():
            # A named pipe or a device would block the read (in a worker thread Python waits for
            # at exit) or never end; Claude Code's Read reads regular files only too.
            return error(f"{path} is not a regular file (a pipe, socket or device); Read reads files only")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return error(f"{path} is {size // (1024 * 1024)} MB, too large to read")
        suffix = path.suffix.lower()
        if "pages" in tool_input and suffix != ".pdf":
            return error("`pages` applies only to PDF files")
        if suffix in IMAGE_TYPES:
            return _media(path, "image", IMAGE_TYPES[suffix])
        if suffix == ".pdf":
            if "pages" in tool_input:
                return error("workbench's Read cannot split PDFs by page; read the whole PDF")
            return _media(path, "document", "application/pdf")
        mtime = path.stat().st_mtime
        data = path.read_bytes()
        if suffix == ".ipynb":
            result = _notebook(path, data)
            if not result.is_error:
                ctx.read_state[str(path)] = mtime
            return result
        if b"\x00" in data[:8192]:
            return error(f"{path} is a binary file ({size} bytes); Read shows text, images and PDFs")
        explicit = "offset" in tool_input or "limit" in tool_input
        result, complete = _numbered(path, data.decode("utf-8", errors="replace"), tool_input, explicit)
        if complete and not result.is_error:
            ctx.read_state[str(path)] = mtime
        return result


def _numbered(path: Path, text: str, tool_input: dict, explicit: bool) -> tuple[ToolResult, bool]:
    """The numbered listing, and whether it counts as a read for read-before-edit."""
    # As Claude Code numbers them: a final newline starts one more, empty, line (shown, though
    # the counts in notices are of the file's own lines).
    lines = text.split("\n") if text else []
    total = len(lines) - (1 if text.endswith("\n") else 0)
    if total == 0:
        return ToolResult(f"<system-reminder>{path} exists but is empty.</system-reminder>",
                          detail=_text_detail(path, "", 1, 0, 0)), True
    start = max(int(tool_input.get("offset", 1)), 1)
    if start > len(lines):
        return ToolResult(f"<system-reminder>{path} has {total} lines; offset {start} is past "
                          "the end.</system-reminder>", detail=_text_detail(path, "", start, 0, total)), True
    limit = int(tool_input.get("limit", MAX_LINES))
    chosen = lines[start - 1 : start - 1 + limit]
    out: list[str] = []
    size = 0
    for number, line in enumerate(chosen, start):
        line = line.removesuffix("\r")
        if len(line) > MAX_LINE_CHARS:
            line = line[:MAX_LINE_CHARS] + " … [line truncated]"
        entry = f"{number}\t{line}"
        size += len(entry) + 1
        if size > MAX_OUTPUT_CHARS and not tool_input.get("allow_large"):
            if explicit:
                return error(f"lines {start}-{start + len(chosen) - 1} of {path} exceed the "
                             f"{MAX_OUTPUT_CHARS}-character limit; read fewer lines with limit"), False
            break
        out.append(entry)
    shown_end = start + len(out) - 1
    body = "\n".join(out)
    partial = not explicit and shown_end < len(lines) and shown_end < total
    if partial:
        body += (f"\n\nPARTIAL view: lines {start}-{shown_end} of {total}. Read the rest with "
                 f"offset={shown_end + 1} and limit before editing this file.")
    content = "\n".join(line for line in chosen[: len(out)])
    return ToolResult(body, detail=_text_detail(path, content, start, len(out), len(lines))), not partial


def _text_detail(path: Path, content: str, start: int, count: int, total: int) -> dict:
    return {"type": "text", "file": {"filePath": str(path), "content": content, "numLines": count,
                                     "startLine": start, "totalLines": total}}


def _media(path: Path, block: str, media_type: str) -> ToolResult:
    size = path.stat().st_size
    if size > MAX_MEDIA_BYTES:
        return error(f"{path} is {size} bytes; images and PDFs over {MAX_MEDIA_BYTES} bytes "
                     "cannot be sent to the model")
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    content = [{"type": block, "source": {"type": "base64", "media_type": media_type, "data": data}}]
    kind = "image" if block == "image" else "pdf"
    file = {"filePath": str(path), "base64": data, "type": media_type, "originalSize": size}
    return ToolResult(content, detail={"type": kind, "file": file})


def _notebook(path: Path, data: bytes) -> ToolResult:
    try:
        notebook = json.loads(data)
        cells = notebook["cells"]
    except (ValueError, KeyError, TypeError) as exc:
        return error(f"{path} is not a valid notebook: {exc}")
    parts = []
    for index, cell in enumerate(cells):
        cell_id = cell.get("id") or f"cell-{index}"
        source = _joined(cell.get("source", ""))
        parts.append(f'<cell id="{cell_id}" type="{cell.get("cell_type", "code")}">\n{source}\n</cell>')
        for output in cell.get("outputs", ()):
            text = _joined(output.get("text") or output.get("data", {}).get("text/plain", ""))
            if text:
                parts.append(f'<output cell="{cell_id}">\n{text}\n</output>')
    return ToolResult("\n".join(parts) or f"{path} has no cells",
                      detail={"type": "notebook", "file": {"filePath": str(path), "cells": cells}})


def _joined(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source)
