"""Watching the catalog's folders: which agent files were added, changed or removed outside the app.

watchfiles is imported only when watching starts, so importing this module stays cheap.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, AsyncIterator, Iterable, Iterator, Sequence

if TYPE_CHECKING:
    from workbench.agents.catalog import AgentEntry, Catalog, Scope


@dataclass(frozen=True)
class AgentFileChange:
    """One agent file that changed on disk: `kind` is "added", "changed" or "removed"."""

    kind: str
    path: Path


def watched_folders(scopes: Iterable[Scope]) -> list[Path]:
    """The existing folders to watch for a list of scopes, each once."""
    folders: dict[str, Path] = {}
    for scope in scopes:
        if os.path.isdir(scope.root):
            folders.setdefault(os.path.realpath(scope.root), scope.root)
    return list(folders.values())


def _is_agent_file(_change, path: str) -> bool:
    return path.endswith(".md")


def summarize(raw: Iterable[tuple[object, str]]) -> list[AgentFileChange]:
    """One change per path from a batch of raw (watchfiles Change, path) pairs, by path.

    Editors save through a temporary file and a rename, so one save arrives as several raw events;
    what exists on disk now decides: gone is "removed", there and reported added is "added", else
    "changed".
    """
    added: dict[str, bool] = {}
    for change, path in raw:
        if not path.endswith(".md"):
            continue
        added[path] = added.get(path, False) or getattr(change, "name", "") == "added"
    result = []
    for path in sorted(added):
        if not os.path.isfile(path):
            kind = "removed"
        elif added[path]:
            kind = "added"
        else:
            kind = "changed"
        result.append(AgentFileChange(kind, Path(path)))
    return result


class AgentWatcher:
    """Reports batches of agent-file changes under some folders (recursively), debounced."""

    def __init__(self, folders: Sequence[Path], *, debounce_ms: int = 300, step_ms: int = 50) -> None:
        self.folders = [Path(f) for f in folders]
        self.debounce_ms = debounce_ms
        self.step_ms = step_ms

    def watch(self, stop_event=None) -> Iterator[list[AgentFileChange]]:
        """Block and yield each non-empty batch until `stop_event` (a threading.Event) is set."""
        from watchfiles import watch

        if not self.folders:
            return
        for raw in watch(
            *self.folders,
            watch_filter=_is_agent_file,
            debounce=self.debounce_ms,
            step=self.step_ms,
            stop_event=stop_event,
        ):
            changes = summarize(raw)
            if changes:
                yield changes

    async def awatch(self, stop_event=None) -> AsyncIterator[list[AgentFileChange]]:
        """Yield each non-empty batch until `stop_event` (an asyncio.Event) is set."""
        from watchfiles import awatch

        if not self.folders:
            return
        async for raw in awatch(
            *self.folders,
            watch_filter=_is_agent_file,
            debounce=self.debounce_ms,
            step=self.step_ms,
            stop_event=stop_event,
        ):
            changes = summarize(raw)
            if changes:
                yield changes


def apply_changes(catalog: Catalog, changes: Iterable[AgentFileChange]) -> list[AgentEntry]:
    """Bring the catalog up to date with a batch of changes; returns the entries to redraw."""
    touched: dict[int, AgentEntry] = {}
    for change in changes:
        for entry in catalog.update(change.path):
            touched[id(entry)] = entry
    live = {id(e) for e in catalog.entries}
    return [e for key, e in touched.items() if key in live]
