"""Fixtures for the local tools: a workspace folder and a ToolContext confined to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.runtime.tools import REGISTRY, ToolContext, ToolResult


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """An empty workspace folder (resolved, so paths compare equal to what the tools report)."""
    root = tmp_path / "workspace"
    root.mkdir()
    return root.resolve()


@pytest.fixture
def ctx(workspace: Path) -> ToolContext:
    """A context whose only root is the workspace."""
    return ToolContext(cwd=workspace, roots=(workspace,))


@pytest.fixture
def call(ctx):
    """`await call("Read", file_path=...)`: validate like the session does, then run."""

    async def _call(name: str, context: ToolContext | None = None, **tool_input) -> ToolResult:
        tool = REGISTRY[name]
        problem = tool.validate(tool_input)
        assert problem is None, problem
        return await tool.run(tool_input, context or ctx)

    return _call
