"""The watcher reports agent files added, changed and removed under the watched folders."""

import asyncio

from watchfiles import Change

from workbench.agents.watcher import AgentFileChange, AgentWatcher, apply_changes, summarize


def test_summarize_keeps_markdown_only_and_judges_by_what_is_on_disk(tmp_path):
    kept = tmp_path / "kept.md"
    kept.write_text("x")
    new = tmp_path / "new.md"
    new.write_text("x")
    gone = tmp_path / "gone.md"
    raw = {
        (Change.modified, str(kept)),
        (Change.deleted, str(new)),  # an editor's save: delete, then add the renamed temp file
        (Change.added, str(new)),
        (Change.modified, str(gone)),
        (Change.added, str(tmp_path / "notes.txt")),
    }
    assert summarize(raw) == [
        AgentFileChange("removed", gone),
        AgentFileChange("changed", kept),
        AgentFileChange("added", new),
    ]


async def _next_batch(batches) -> list[AgentFileChange]:
    return await asyncio.wait_for(batches.__anext__(), timeout=10)


async def test_awatch_reports_additions_changes_and_removals_in_nested_folders(tmp_path):
    nested = tmp_path / "team"
    nested.mkdir()
    watcher = AgentWatcher([tmp_path], debounce_ms=50, step_ms=10)
    stop = asyncio.Event()
    batches = watcher.awatch(stop_event=stop)
    target = nested / "helper.md"
    # The first batch can only arrive after the watcher started, so the write runs concurrently.
    first = asyncio.ensure_future(_next_batch(batches))
    await asyncio.sleep(0.3)
    target.write_text("---\nname: helper\n---\n")
    (tmp_path / "ignored.txt").write_text("x")
    assert await first == [AgentFileChange("added", target)]

    second = asyncio.ensure_future(_next_batch(batches))
    await asyncio.sleep(0.1)
    target.write_text("---\nname: helper2\n---\n")
    assert await second == [AgentFileChange("changed", target)]

    third = asyncio.ensure_future(_next_batch(batches))
    await asyncio.sleep(0.1)
    target.unlink()
    assert await third == [AgentFileChange("removed", target)]
    stop.set()
    await batches.aclose()


def test_importing_the_watcher_does_not_import_watchfiles():
    import subprocess
    import sys

    code = "import sys, workbench.agents.watcher; print('watchfiles' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_apply_changes_brings_the_catalog_up_to_date(tmp_path):
    from workbench.agents.catalog import Catalog, Scope, ScopeKind

    def write(path, name):
        path.write_text(f"---\nname: {name}\ndescription: Use this agent when testing.\n---\n"
                        "You are a test agent for the watcher.\n")

    first, second = tmp_path / "one.md", tmp_path / "two.md"
    write(first, "one")
    catalog = Catalog.load([Scope(ScopeKind.PROJECT, tmp_path)])
    write(second, "one")
    touched = apply_changes(catalog, [AgentFileChange("added", second)])
    assert {e.path for e in touched} == {first, second}
    assert catalog.entry(second).status == "duplicate"
    second.unlink()
    touched = apply_changes(catalog, [AgentFileChange("removed", second)])
    assert [e.path for e in touched] == [first]
    assert catalog.entry(second) is None
    assert catalog.entry(first).status == "active"
