"""Workspace confinement: every path a file tool touches must resolve inside one of the roots.

Resolution follows symlinks and normalises `..` before the check, so neither a `../..` nor a symlink
inside the workspace pointing outside it gets through. Roots are resolved too, so a workspace that is
itself reached through a symlink still contains its own files.
"""

from __future__ import annotations

import os
from pathlib import Path

from workbench.runtime.tools.base import ToolContext


class OutsideWorkspace(Exception):
    """A path resolved outside every root (or could not be resolved); the message says which."""


def resolve_in_roots(raw: str, ctx: ToolContext) -> Path:
    """The resolved absolute path for `raw` (relative paths against `ctx.cwd`), or OutsideWorkspace."""
    if "\x00" in raw:
        raise OutsideWorkspace("path contains a NUL byte")
    path = Path(os.path.expanduser(raw))
    if not path.is_absolute():
        path = ctx.cwd / path
    try:
        resolved = path.resolve(strict=False)
    except (OSError, RuntimeError) as exc:  # symlink loops end up here
        raise OutsideWorkspace(f"{raw}: cannot resolve path ({exc})") from exc
    if not is_inside_roots(resolved, ctx.roots) and not _is_task_output(resolved, ctx):
        shown = ", ".join(str(r) for r in ctx.roots)
        raise OutsideWorkspace(
            f"{raw} is outside the workspace ({shown}); file tools may only use paths inside it"
        )
    return resolved


def _is_task_output(resolved: Path, ctx: ToolContext) -> bool:
    """The output files of the run's background tasks are readable wherever they are."""
    folder = ctx.shells.folder
    return folder is not None and resolved.is_relative_to(folder)


def is_inside_roots(resolved: Path, roots: tuple[Path, ...]) -> bool:
    """Whether an already resolved path lies in (or is) one of the roots."""
    return any(resolved.is_relative_to(_resolved_root(root)) for root in roots)


def _resolved_root(root: Path) -> Path:
    try:
        return root.resolve(strict=False)
    except (OSError, RuntimeError):
        return root
