"""Loader conformance: which agent files the real Claude Code loads, and each loaded agent's
description and tools as its Agent tool lists them, against workbench's catalog (rules.md's skip
set) and parse. Over (a) the shared corpus, in batches of files with distinct names (one CLI run
each), and (b) tests/conformance/edge_cases, one file per row of the skip set and per parsing rule.

Prints the Claude Code version; fails on any disagreement, showing both sides and the file's
first lines. The comparison itself is in loader_check.py (benchmarks/conformance.py reports it).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from loader_check import bundled_cli, compare, size_cases

pytestmark = pytest.mark.conformance

EDGE_CASES = Path(__file__).parent / "edge_cases"


@pytest.fixture(scope="module")
def cli() -> Path:
    found = bundled_cli()
    if found is None:
        pytest.skip("the loader conformance suite needs claude-agent-sdk (its bundled CLI)")
    return found


def _report(capsys, what: str, version: str, files: int, both: int, problems: list[str]) -> None:
    with capsys.disabled():
        print(f"\nClaude Code {version}: {what}: {files} files, {both} loaded by both, "
              f"{len(problems)} disagreements")


def test_claude_code_loads_the_corpus_as_workbench_does(cli, corpus_dir, capsys):
    files = sorted(p for p in corpus_dir.rglob("*.md") if p.name != "README.md")
    assert len(files) > 1000
    version, problems, both = compare(cli, files)
    _report(capsys, "corpus", version, len(files), both, problems)
    assert both > 900
    assert not problems, f"{len(problems)} files differ (Claude Code {version}):\n" + "\n".join(problems)


def test_claude_code_loads_the_edge_cases_as_workbench_does(cli, tmp_path, capsys):
    files = sorted(EDGE_CASES.glob("*.md")) + size_cases(tmp_path)
    assert len(files) > 60 and [p.stat().st_size for p in files[-2:]] == [1_048_576, 1_048_577]
    version, problems, both = compare(cli, files)
    _report(capsys, "edge cases", version, len(files), both, problems)
    assert not problems, f"{len(problems)} files differ (Claude Code {version}):\n" + "\n".join(problems)
