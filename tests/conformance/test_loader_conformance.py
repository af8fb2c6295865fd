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


# The parsing rules the edge cases must show (besides the skip set): the cut at the first `---`,
# the repair (tabs, quoting, CRLF), non-UTF-8, whitespace description, wrong-typed tools, tool
# renames, Glob/Grep beside Bash, memory's tools, hooks' `once`, YAML 1.1 scalars, duplicate keys.
PARSING_CODES = {"AG004", "AG006", "AG007", "AG008", "AG009", "AG011", "AG122", "AG130", "AG132",
                 "AG136", "AG137", "AG141", "AG173", "AG177"}


def test_the_edge_cases_cover_every_row_of_the_skip_set_and_every_parsing_rule(tmp_path):
    from workbench.agents.document import read_agent_file
    from workbench.agents.rules import validate
    from workbench.agents.ruletable import SKIPPING_CODES

    fired = {d.code for p in [*EDGE_CASES.glob("*.md"), *size_cases(tmp_path)]
             for d in validate(read_agent_file(p))}
    assert (SKIPPING_CODES | PARSING_CODES) - fired == set()
