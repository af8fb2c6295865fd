"""Fixture sessions written by the tests (made-up data, never a real person's transcript)."""

from __future__ import annotations

from pathlib import Path

import pytest
from transcript_fixtures import write_rich_session


@pytest.fixture
def rich_session(tmp_path: Path) -> Path:
    """A Claude Code session under a fake ~/.claude/projects folder, with two subagents."""
    return write_rich_session(tmp_path / ".claude" / "projects" / "-home-dev-project")
