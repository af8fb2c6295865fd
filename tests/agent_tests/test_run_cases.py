"""The runner's API for callers that hold the agent text (the app's Tests view: saved file and
unsaved buffer), against the scripted API server."""

from __future__ import annotations

import asyncio
import json

import pytest
from fake_api import text_reply

from workbench.testing.runner import agent_from_text, run_cases
from workbench.testing.suite import load_suite

SAVED = "---\nname: writer\ndescription: Writes notes.\ntools: Read\n---\nYou write SAVED notes.\n"
BUFFER = "---\nname: writer\ndescription: Writes notes.\ntools: Read\n---\nYou write BUFFER notes.\n"


@pytest.fixture(autouse=True)
def _no_retry_waits(monkeypatch):
    monkeypatch.setenv("WORKBENCH_RETRY_DELAY_SCALE", "0")


def _system(body: dict) -> str:
    system = body.get("system")
    return system if isinstance(system, str) else json.dumps(system)


def test_run_cases_runs_the_given_text_not_the_file(fake_api, tmp_path):
    (tmp_path / "writer.md").write_text(SAVED)
    suite_file = tmp_path / "suite.yaml"
    suite_file.write_text("agent: writer.md\nrepeat: 2\ncases:\n  - name: one\n    prompt: p\n    assert:\n"
                          "      - output_contains: ok\n  - name: two\n    prompt: q\n    assert:\n"
                          "      - output_contains: never\n")
    suite = load_suite(suite_file)
    fake_api.add(*[text_reply(f"m{i}", "ok") for i in range(2)])
    started, finished = [], []
    agent = agent_from_text(BUFFER, tmp_path / "writer.md", project=tmp_path)

    results = asyncio.run(run_cases(agent, suite.cases[:1], suite=str(suite_file), jobs=2,
                                    on_sample_started=lambda case, i: started.append((case.name, i)),
                                    on_sample=lambda case, s: finished.append((case.name, s.index, s.passed))))

    [result] = results
    assert (result.case.name, result.passed, len(result.samples), result.ok) == ("one", 2, 2, True)
    assert result.suite == str(suite_file) and result.agent == "writer"
    assert sorted(started) == [("one", 1), ("one", 2)]
    assert sorted(finished) == [("one", 1, True), ("one", 2, True)]
    bodies = fake_api.bodies()
    assert len(bodies) == 2 and all("BUFFER notes" in _system(b) and "SAVED" not in _system(b) for b in bodies)
    assert all(s.engine == "builtin" and s.model for s in result.samples)


def test_cancelling_run_cases_stops_the_samples(fake_api, tmp_path, monkeypatch):
    import tempfile
    import threading

    from fake_api import Reply, end, start, text

    release = threading.Event()
    fake_api.add(*[Reply.sse([start(f"h{i}"), *text(0, "ok"), *end("end_turn")], hold=release) for i in range(2)])
    suite_file = tmp_path / "suite.yaml"
    (tmp_path / "writer.md").write_text(SAVED)
    suite_file.write_text("agent: writer.md\nrepeat: 2\ncases:\n  - name: one\n    prompt: p\n    assert:\n"
                          "      - output_contains: ok\n")
    suite = load_suite(suite_file)
    agent = agent_from_text(SAVED, tmp_path / "writer.md", project=tmp_path)
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))

    async def main():
        assert not list(temp.glob("workbench-test-*"))
        task = asyncio.create_task(run_cases(agent, suite.cases, jobs=2))
        while len(fake_api.bodies()) < 2:
            await asyncio.sleep(0.02)
        assert len(list(temp.glob("workbench-test-*"))) == 2  # both samples are running
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    try:
        asyncio.run(asyncio.wait_for(main(), 20))
    finally:
        release.set()
    assert not list(temp.glob("workbench-test-*"))  # the workspaces are gone
