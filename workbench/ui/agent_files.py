"""Reading an agent into the editor and the file operations of the library: new, duplicate, rename,
delete. Textual-free; every failure is an `AgentFileProblem` with a one-line message for the app.
The agents modules are imported on first use, so they stay off the app's first frame.

Nothing here writes into the package's bundled agents folder: with an editable install those are
the project's own source files, so every write path refuses them here, below any UI."""

from __future__ import annotations

import os
from pathlib import Path

from workbench.ui.frontmatter_edit import FrontmatterEditError, set_field

# Agent files are a few KB; a bigger file is almost surely not one, and would make typing slow.
MAX_EDITABLE_BYTES = 1_000_000


BUNDLED_READ_ONLY = "bundled example agents are read-only; duplicate it to change it"


class AgentFileProblem(Exception):
    """A file operation that could not be done; the message says why, in one line."""


def is_bundled(path: Path) -> bool:
    """Whether the path is the bundled example agents folder that ships with the package, or in it."""
    from workbench.paths import bundled_agents_dir

    folder = os.path.realpath(bundled_agents_dir())
    real = os.path.realpath(path)
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def _refuse_bundled(path: Path) -> None:
    if is_bundled(path):
        raise AgentFileProblem(f"{path.name}: {BUNDLED_READ_ONLY}")


def _os_reason(error: OSError) -> str:
    return error.strerror.lower() if error.strerror else error.__class__.__name__


def read_for_editing(path: Path) -> str:
    """The text of an agent file as Claude Code reads it (bytes that are not UTF-8 as U+FFFD,
    which the editor's AG011 points out); refused when unreadable, binary, UTF-16 or too large."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise AgentFileProblem(f"cannot open {path.name}: {_os_reason(error)}") from None
    if size > MAX_EDITABLE_BYTES:
        raise AgentFileProblem(
            f"{path.name} is {size / 1_000_000:.1f} MB; agent files are a few KB, so it is not "
            "opened in the editor")
    from workbench.agents.document import AgentFileError, read_agent_file

    try:
        document = read_agent_file(path)
    except AgentFileError as error:
        raise AgentFileProblem(str(error)) from None
    if document.raw_kind == "binary":
        raise AgentFileProblem(f"{path.name} is a binary file, not an agent definition")
    if document.raw_kind is not None:
        raise AgentFileProblem(
            f"{path.name} is {document.raw_kind} text, not UTF-8; save it as UTF-8")
    return document.text


def save(path: Path, text: str) -> None:
    """Write the buffer atomically (temporary file beside it, fsync, rename); never into the
    bundled agents folder."""
    from workbench.agents.writer import write_atomic

    _refuse_bundled(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
    except OSError as error:
        raise AgentFileProblem(
            f"cannot save {path.name}: {_os_reason(error)}; your edits are kept in the editor"
        ) from None


def create(path: Path, text: str) -> None:
    """Write a new agent file; refuses to overwrite one that exists."""
    if path.exists():
        raise AgentFileProblem(f"{path.name} already exists in {path.parent}")
    save(path, text)


def with_name(text: str, name: str) -> str:
    """The agent's text with its `name` field set (everything else byte-for-byte)."""
    try:
        return set_field(text, "name", name)
    except FrontmatterEditError as error:
        raise AgentFileProblem(f"cannot set the name: {error}") from None


def duplicate(path: Path, text: str, name: str, folder: Path | None = None) -> Path:
    """Save a copy of `text` named `name` as `<name>.md` in `folder` (default: beside `path`);
    returns the new path."""
    target = (folder or path.parent) / f"{name}.md"
    create(target, with_name(text, name))
    return target


def rename(path: Path, name: str) -> Path:
    """Give the saved agent a new name; the file follows (`<name>.md`) with its `name` field set.
    Returns the new path. Only the file as saved moves: unsaved edits stay the editor's.

    The new file is written first, so a failure leaves the old one in place.
    """
    _refuse_bundled(path)
    target = path.parent / f"{name}.md"
    new_text = with_name(read_for_editing(path), name)
    if target == path:
        save(path, new_text)
        return path
    create(target, new_text)
    delete(path)
    return target


def delete(path: Path) -> None:
    """Remove an agent file."""
    _refuse_bundled(path)
    try:
        os.unlink(path)
    except FileNotFoundError:
        return
    except OSError as error:
        raise AgentFileProblem(f"cannot delete {path.name}: {_os_reason(error)}") from None
