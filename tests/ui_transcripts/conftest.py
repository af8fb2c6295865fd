"""Fixtures of the transcript viewer's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from long_session import write_long_session


@pytest.fixture
def long_session(tmp_path: Path) -> Path:
    """A generated session of 150 tool calls, about 450 KB."""
    return write_long_session(tmp_path / "long.jsonl", calls=150)
