"""The layers stay apart: the core never imports Textual or the SDK, and start-up stays light."""

import json
import subprocess
import sys

import pytest


def _modules_after_import(module: str) -> set[str]:
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


def _loaded(modules: set[str], top: str) -> bool:
    return any(m == top or m.startswith(top + ".") for m in modules)


@pytest.mark.parametrize(
    "module",
    [
        "workbench.agents.diagnostics",
        "workbench.agents.document",
        "workbench.agents.toolnames",
        "workbench.agents.fields",
        "workbench.agents.rules",
        "workbench.agents.fixes",
        "workbench.agents.schema",
        "workbench.agents.yaml12",
        "workbench.agents.ruletable",
        "workbench.agents.structure_rules",
        "workbench.agents.field_rules",
        "workbench.agents.tool_rules",
        "workbench.agents.value_shapes",
        "workbench.transcripts.events",
        "workbench.testing.suite",
        "workbench.testing.runner",
        "workbench.testing.agent_suites",
    ],
)
def test_core_modules_import_neither_textual_nor_the_sdk(module):
    loaded = _modules_after_import(module)
    assert not _loaded(loaded, "textual")
    assert not _loaded(loaded, "anthropic")


def test_cli_module_is_light():
    loaded = _modules_after_import("workbench.cli")
    assert not _loaded(loaded, "textual")
    assert not _loaded(loaded, "anthropic")
    assert not _loaded(loaded, "yaml")


@pytest.mark.parametrize("module", ["workbench.runtime.claude_code", "workbench.runtime.claude_code_events",
                                    "workbench.runtime.engines"])
def test_claude_code_engine_imports_neither_textual_nor_an_sdk(module):
    """The Claude Code engine loads the Claude Agent SDK only when a run starts."""
    loaded = _modules_after_import(module)
    assert not _loaded(loaded, "textual")
    assert not _loaded(loaded, "anthropic")
    assert not _loaded(loaded, "claude_agent_sdk")
