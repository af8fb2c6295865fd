"""The conformance suite: workbench against the real Claude Code CLI (bundled in
`claude-agent-sdk`), offline, both talking to a local recording stand-in for the Messages API.
Marked `conformance`; skipped when the SDK (and so the CLI) is not installed."""

from __future__ import annotations


def pytest_configure(config):
    config.addinivalue_line("markers", "conformance: compares workbench with the real Claude Code CLI")
