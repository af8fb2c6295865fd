"""Reading and writing text files for the edit tools, with the read-before-edit rule."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from workbench.runtime.tools.base import ToolContext


class EditRefused(Exception):
    """An edit cannot go ahead; the message goes back to the model."""


def edit_precheck(path: Path, original: str | None, ctx: ToolContext) -> None:
    """What an edit of an existing file needs before anyone is asked to allow it: a full read in
    this run, with the file unchanged since (EditRefused otherwise). A new file needs nothing."""
    if original is not None:
        check_read_before_edit(path, ctx)


def check_read_before_edit(path: Path, ctx: ToolContext) -> None:
    """Refuse an edit of an existing file not fully read in this run, or changed on disk since."""
    seen = ctx.read_state.get(str(path))
    if seen is None:
        raise EditRefused(f"{path} has not been read in this conversation; Read it first")
    if path.stat().st_mtime != seen:
        raise EditRefused(f"{path} changed on disk since it was read; Read it again")


def read_text(path: Path) -> str:
    """The file's text; invalid UTF-8 is refused rather than silently rewritten."""
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise EditRefused(f"{path} is a binary file; only text files can be edited")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EditRefused(f"{path} is not valid UTF-8 ({exc.reason} at byte {exc.start})") from exc


def write_text(path: Path, text: str, ctx: ToolContext) -> None:
    """Write atomically (temp file beside it, then rename), keep the mode, remember the new mtime."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    # The model just wrote this content, so it counts as read.
    ctx.read_state[str(path)] = path.stat().st_mtime
