"""`workbench test --variant buffer`: the unsaved buffer the app kept as a draft runs, not the file."""

from __future__ import annotations

import json

from tests.agent_tests.test_command import AGENT, SUITE, _cli, _project, _replies

from workbench.drafts import write_draft


def _systems(fake_api) -> list[str]:
    return [json.dumps(body.get("system")) for body in fake_api.bodies()]


def test_variant_buffer_runs_the_draft_and_saved_runs_the_file(fake_api, tmp_path):
    project = _project(tmp_path, SUITE)
    agent_file = project / ".claude" / "agents" / "greeter.md"
    write_draft(agent_file, AGENT.replace("You greet.", "You greet. DRAFT-MARKER."))

    _replies(fake_api, "hello", "hello", "fine", "fine")
    done = _cli(project, "--variant", "buffer", "--jobs", "1", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert len(_systems(fake_api)) == 4 and all("DRAFT-MARKER" in s for s in _systems(fake_api))

    _replies(fake_api, "hello", "hello", "fine", "fine")
    assert _cli(project, "--jobs", "1").returncode == 0  # saved (the default): the file
    assert not any("DRAFT-MARKER" in s for s in _systems(fake_api)[4:])
    # The two texts are two versions in the history.
    history = json.loads(_cli(project, "--history", "greeter", "--format", "json").stdout)
    assert len(history["versions"]) == 2


def test_variant_buffer_without_a_draft_exits_2(fake_api, tmp_path):
    project = _project(tmp_path, SUITE)
    done = _cli(project, "--variant", "buffer")
    assert done.returncode == 2 and "no unsaved buffer for greeter" in done.stderr
    assert fake_api.bodies() == []
