"""The catalog, the report, the writer, the watcher and the lint command stay below the UI and the
SDK, and `workbench lint` starts without the heavy libraries it does not use."""

import json
import subprocess
import sys
from pathlib import Path

AGENTS = Path(__file__).resolve().parents[2] / "agents"
HEAVY = ("textual", "anthropic", "watchfiles", "httpx")


def _loaded_after(code: str) -> set[str]:
    code += "\nimport json, sys; print(json.dumps(sorted(sys.modules)), file=sys.stderr)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=True)
    return set(json.loads(result.stderr.splitlines()[-1]))


def _heavy(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in HEAVY}


def test_the_modules_of_part_b_import_neither_the_ui_nor_the_sdk_nor_watchfiles():
    modules = _loaded_after(
        "import workbench.agents.catalog, workbench.agents.report, workbench.agents.writer, "
        "workbench.agents.watcher, workbench.commands.lint, workbench.commands.schema"
    )
    assert _heavy(modules) == set()


def test_a_whole_lint_run_loads_none_of_the_heavy_libraries():
    modules = _loaded_after(
        f"from workbench.cli import main\nmain(['lint', {str(AGENTS)!r}, '--format', 'sarif'])"
    )
    assert _heavy(modules) == set()
    assert "workbench.agents.fixes" not in modules  # only --fix needs it


def test_a_lint_run_does_without_dataclasses():
    # Importing `dataclasses` (with `inspect`) and generating the classes cost a corpus lint a
    # tenth of its instructions; the lint path keeps to named tuples and plain classes.
    modules = _loaded_after(
        f"from workbench.cli import main\nmain(['lint', {str(AGENTS)!r}, '--format', 'json'])"
    )
    assert "workbench.agents.rules" in modules and "workbench.agents.catalog" in modules
    assert "dataclasses" not in modules
