"""Fixtures for the app tests: a fixed settings file, a project scope with agents, an app factory."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.agents.catalog import Scope, ScopeKind

CLEAN_AGENT = """---
name: code-reviewer
description: Use this agent when code was just written and needs a careful review.
tools: Read, Grep, Glob
model: sonnet
color: blue
---

You are a meticulous code reviewer. Read the change, find real problems and explain each one.
"""

BROKEN_AGENT = """---
name: Test Runner
description: Runs the tests
tools: Read, LS, MultiEdit, Bash
model: sonnet
color: Green
---

You run the test suite and report failures with their causes.
"""

SETTINGS = """
theme = "workbench-dark"

[ui]
cursor_blink = false
watch_files = false
"""


@pytest.fixture(autouse=True)
def fixed_settings(tmp_path_factory, monkeypatch) -> Path:
    """Every app test reads the same settings: no cursor blink, no watcher."""
    path = tmp_path_factory.mktemp("settings") / "settings.toml"
    path.write_text(SETTINGS, encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_SETTINGS", str(path))
    return path


@pytest.fixture
def agents_dir(tmp_path) -> Path:
    """A project `.claude/agents` folder with one clean and one broken agent."""
    folder = tmp_path / "project" / ".claude" / "agents"
    folder.mkdir(parents=True)
    (folder / "code-reviewer.md").write_text(CLEAN_AGENT, encoding="utf-8")
    (folder / "test-runner.md").write_text(BROKEN_AGENT, encoding="utf-8")
    return folder


@pytest.fixture
def make_app(agents_dir):
    """Build the app over the project scope, optionally opening one file."""
    from workbench.ui.app import WorkbenchApp

    def build(open_name: str | None = "code-reviewer.md", scopes=None, **kwargs) -> WorkbenchApp:
        scopes = scopes or [Scope(ScopeKind.PROJECT, agents_dir)]
        open_path = agents_dir / open_name if open_name else None
        return WorkbenchApp(scopes, open_path=open_path, **kwargs)

    return build
