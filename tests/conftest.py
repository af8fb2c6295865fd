"""Fixtures shared by every test module."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fake_api import FakeMessagesAPI  # tests/ is on sys.path: this conftest sits in it

REPO_ROOT = Path(__file__).resolve().parent.parent


def _corpus_dir() -> Path:
    override = os.environ.get("WORKBENCH_CORPUS")
    return Path(override) if override else REPO_ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The 1,037 real agent files in ../shared/corpus (read-only)."""
    path = _corpus_dir()
    if not path.is_dir():
        pytest.skip(f"corpus not found at {path} (set WORKBENCH_CORPUS)")
    return path


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """No test reads or writes the real user's config, data or ~/.claude."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(home / "data"))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_AUTH_TOKEN", raising=False)
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    # Runs use the built-in engine unless a test picks Claude Code ("auto" would pick it whenever
    # the SDK is installed).
    monkeypatch.setenv("WORKBENCH_ENGINE", "builtin")


@pytest.fixture
def fake_api(monkeypatch):
    """The scripted Messages API server on 127.0.0.1; the environment points the SDK at it with a
    test key. Started and stopped with the test."""
    with FakeMessagesAPI() as fake:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
        yield fake


@pytest.fixture
def workspace(tmp_path) -> Path:
    """An empty working directory for a run (not a git repository)."""
    folder = tmp_path / "ws"
    folder.mkdir()
    return folder
