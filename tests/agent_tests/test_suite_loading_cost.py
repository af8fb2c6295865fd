"""Loading a suite costs little next to running it: each value is built from the composed YAML node
(no serialise-and-parse per value, which made a 100-case suite take ~0.4 s), with the same values."""

from __future__ import annotations

import yaml

from workbench.testing.suite import load_suite

SUITE = """\
agent: a.md
repeat: 2
pass_rate: 0.5
cases:
  - name: typed
    prompt: "say 'hi'"
    files: {"n.txt": "x"}
    assert:
      - max_tool_calls: 3
      - max_cost_usd: 0.25
      - output_matches: 'h\\w'
      - tool_called: Read
        with: {file_path: 'n\\.txt$'}
"""


def test_values_are_built_from_the_composed_nodes_without_reparsing(tmp_path, monkeypatch):
    path = tmp_path / "s.yaml"
    path.write_text(SUITE)

    def no_reparse(*args, **kwargs):
        raise AssertionError("a value was serialised and parsed again")

    monkeypatch.setattr(yaml, "serialize", no_reparse)
    suite = load_suite(path)
    [case] = suite.cases
    assert (case.repeat, case.pass_rate, case.prompt, case.files) == (2, 0.5, "say 'hi'", {"n.txt": "x"})
    assert [(a.kind, a.value) for a in case.assertions] == [
        ("max_tool_calls", 3), ("max_cost_usd", 0.25), ("output_matches", "h\\w"), ("tool_called", "Read")]
    assert case.assertions[3].options == {"with": {"file_path": "n\\.txt$"}}
