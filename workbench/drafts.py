"""Drafts: the app's unsaved editor buffers, kept on disk so other commands can read them
(`workbench test --variant buffer` runs the buffer, not the saved file).

One JSON file per agent path under `<data dir>/drafts/` (named by a hash of the resolved path):
`{"path", "text", "time"}`. The app writes a draft shortly after edits stop and removes it when the
buffer is saved, reverted or discarded. No Textual here.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path


def drafts_dir() -> Path:
    from workbench.paths import data_dir

    return data_dir() / "drafts"


def _key(path: str | Path) -> str:
    return str(Path(path).expanduser().resolve())


def draft_file(path: str | Path) -> Path:
    """Where the draft of the agent file at `path` is kept."""
    return drafts_dir() / f"{hashlib.sha256(_key(path).encode()).hexdigest()[:24]}.json"


def write_draft(path: str | Path, text: str) -> Path:
    """Keep `text` as the draft of `path` (written atomically)."""
    target = draft_file(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps({"path": _key(path), "text": text, "time": time.time()}, ensure_ascii=False)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".draft-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(data)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def remove_draft(path: str | Path) -> None:
    """Forget the draft of `path` (nothing happens when there is none)."""
    try:
        draft_file(path).unlink(missing_ok=True)
    except OSError:
        pass


def read_draft(path: str | Path) -> str | None:
    """The unsaved buffer of `path` the app kept, or None."""
    try:
        data = json.loads(draft_file(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("path") != _key(path) or not isinstance(data.get("text"), str):
        return None
    return data["text"]


def sync_drafts(buffers: dict[Path, str], previous: dict[Path, str]) -> dict[Path, str]:
    """Make the drafts match `buffers` (path → unsaved text): write the new and changed ones, remove
    those in `previous` (what was written last time) that are no longer unsaved. Returns what the
    drafts now hold. Run off the UI thread: it touches the disk."""
    for path, text in buffers.items():
        if previous.get(path) != text:
            try:
                write_draft(path, text)
            except OSError:
                continue
    for path in previous:
        if path not in buffers:
            remove_draft(path)
    return dict(buffers)
