"""Results history: each `workbench test` run is kept per case (agent text hash, engine, model,
samples, passed), and `workbench test --history AGENT` shows each case across the agent's versions."""

from __future__ import annotations

import json

from tests.agent_tests.test_command import AGENT, SUITE, _cli, _project, _replies

from workbench.testing.history import history_file, read


def test_two_agent_texts_make_two_versions_and_a_rerun_aggregates(fake_api, tmp_path):
    project = _project(tmp_path, SUITE)
    _replies(fake_api, "hello", "hello", "fine", "fine")  # v1: 2/2 and 2/2
    assert _cli(project, "--jobs", "1").returncode == 0
    _replies(fake_api, "hello", "bye", "fine", "fine")  # v1 again: says-hello 1/2
    assert _cli(project, "--jobs", "1").returncode == 1
    (project / ".claude" / "agents" / "greeter.md").write_text(AGENT.replace("You greet.", "You greet warmly."))
    _replies(fake_api, "bye", "bye", "rude", "fine")  # v2: 0/2 and 1/2
    assert _cli(project, "--jobs", "1").returncode == 1

    kept = read(project)
    assert len(kept) == 6 and {e["agent"] for e in kept} == {"greeter"}
    assert {e["engine"] for e in kept} == {"builtin"} and all(e["model"] and e["time"] for e in kept)
    assert history_file(project).is_file()

    shown = _cli(project, "--history", "greeter", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    out = json.loads(shown.stdout)
    assert out["agent"] == "greeter" and len(out["versions"]) == 2
    old, new = out["versions"]
    assert old["first_run"] <= new["first_run"] and old["runs"] == 2 and new["runs"] == 1
    assert old["engines"] == ["builtin"] and old["sha256"] != new["sha256"] and len(old["sha256"]) == 64
    by_case = {c["case"]: c["versions"] for c in out["cases"]}
    assert [(v["passed"], v["samples"]) for v in by_case["says-hello"]] == [(3, 4), (0, 2)]
    assert [(v["passed"], v["samples"]) for v in by_case["polite"]] == [(4, 4), (1, 2)]
    assert by_case["says-hello"][0]["pass_rate"] == 0.75

    table = _cli(project, "--history", "greeter")
    assert table.returncode == 0 and fake_api.bodies().__len__() == 12  # showing runs nothing
    lines = table.stdout.splitlines()
    assert lines[0] == "greeter: 2 versions, oldest → newest"
    assert old["sha256"][:8] in lines[1] and new["sha256"][:8] in lines[1]
    assert lines[1].index(old["sha256"][:8]) < lines[1].index(new["sha256"][:8])
    row = next(line for line in lines if "says-hello" in line)
    assert row.split()[-4:] == ["3/4", "75%", "0/2", "0%"]


def test_history_of_an_agent_never_run_says_so(fake_api, tmp_path):
    project = _project(tmp_path, SUITE)
    shown = _cli(project, "--history", "greeter")
    assert shown.returncode == 0 and "no results kept for greeter" in shown.stdout
    assert json.loads(_cli(project, "--history", "greeter", "--format", "json").stdout) == {
        "agent": "greeter", "versions": [], "cases": []}
