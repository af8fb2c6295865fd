"""The runner against the scripted API server: fresh workspaces, every assertion kind passing and
failing, refusals recorded, repeat and pass_rate, samples at once under --jobs."""

from __future__ import annotations

import asyncio
import threading

import pytest
from fake_api import Reply, end, start, text, text_reply, tool_input

from workbench.testing.runner import run_suites
from workbench.testing.suite import load_suite

AGENT = "---\nname: writer\ndescription: Writes notes.\ntools: Read, Write, Bash\n---\nYou write notes.\n"


@pytest.fixture(autouse=True)
def _no_retry_waits(monkeypatch):
    monkeypatch.setenv("WORKBENCH_RETRY_DELAY_SCALE", "0")


def _suite(tmp_path, body: str):
    (tmp_path / "writer.md").write_text(AGENT)
    fixture = tmp_path / "fixture"
    fixture.mkdir(exist_ok=True)
    (fixture / "keep.txt").write_text("KEEP\n")
    path = tmp_path / "suite.yaml"
    path.write_text("agent: writer.md\nrepeat: 1\n" + body)
    return load_suite(path)


def _script_writing_run(fake_api, n: int = 1) -> None:
    """Write out.txt, try a Bash command (refused: nobody to ask), then reply."""
    for i in range(n):
        fake_api.add(
            Reply.sse([start(f"a{i}"), *tool_input(0, f"w{i}", "Write", {"file_path": "out.txt",
                                                                           "content": "hello world\n"}),
                       *end("tool_use")]),
            Reply.sse([start(f"b{i}"), *tool_input(0, f"b{i}", "Bash", {"command": "touch bashed"}),
                       *end("tool_use")]),
            text_reply(f"c{i}", "Done: wrote out.txt, see line 42."),
        )


def _run(suite, **kw):
    return asyncio.run(run_suites([suite], project=suite.path.parent, **kw))


PASSING = """\
cases:
  - name: all-hold
    prompt: write a note
    workspace: fixture
    files: {"extra/given.txt": "GIVEN"}
    assert:
      - tool_called: Write
        with: {file_path: "out\\\\.txt$", content: "^hello"}
      - tool_not_called: Read
      - output_contains: "wrote out.txt"
      - output_matches: "line \\\\d+"
      - output_not_contains: sorry
      - file_exists: extra/given.txt
      - file_contains: {path: out.txt, text: "hello world"}
      - file_unchanged: keep.txt
      - command: "test -f out.txt && test ! -e bashed"
      - max_tool_calls: 2
      - max_turns: 3
      - max_cost_usd: 1
      - max_duration_s: 120
"""

FAILING = """\
cases:
  - name: none-hold
    prompt: write a note
    workspace: fixture
    assert:
      - tool_called: Read
      - tool_called: Write
        with: {file_path: "other\\\\.txt$"}
      - tool_not_called: Write
      - output_contains: "injection"
      - output_matches: "^never"
      - output_not_contains: "Done"
      - file_exists: bashed
      - file_contains: {path: out.txt, text: "goodbye"}
      - file_unchanged: out.txt
      - command: "exit 3"
      - max_tool_calls: 1
      - max_turns: 2
      - max_cost_usd: 0
      - max_duration_s: 0
"""


def test_every_assertion_kind_passes_on_a_run_that_meets_it(fake_api, tmp_path):
    _script_writing_run(fake_api)
    [result] = _run(_suite(tmp_path, PASSING), jobs=1)

    [sample] = result.samples
    assert sample.failures == []
    assert result.ok and result.pass_rate == 1.0
    assert sample.refusals and sample.refusals[0]["tool"] == "Bash" and sample.refusals[0]["by"] == "headless"
    assert sample.transcript and sample.cost_usd > 0


def test_every_assertion_kind_fails_on_a_run_that_does_not_meet_it(fake_api, tmp_path):
    _script_writing_run(fake_api)
    [result] = _run(_suite(tmp_path, FAILING), jobs=1)

    [sample] = result.samples
    failed = [a for a, _ in sample.failures]
    assert failed == [
        "tool_called: Read", "tool_called: Write", "tool_not_called: Write", "output_contains: injection",
        "output_matches: ^never", "output_not_contains: Done", "file_exists: bashed",
        "file_contains: {'path': 'out.txt', 'text': 'goodbye'}", "file_unchanged: out.txt", "command: exit 3",
        "max_tool_calls: 1", "max_turns: 2", "max_cost_usd: 0.0", "max_duration_s: 0.0"]
    messages = dict(sample.failures)
    assert "never with inputs matching" in messages["tool_called: Write"]
    assert messages["command: exit 3"] == "`exit 3` exited 3"
    assert not result.ok and result.to_dict()["failures"][0] == {
        "sample": 1, "assertion": "tool_called: Read", "message": "Read was not called (called: Write, Bash)"}


def test_each_sample_gets_a_fresh_workspace_and_pass_rate_decides(fake_api, tmp_path):
    # The first sample writes out.txt; the second only replies. A leftover out.txt would pass it.
    _script_writing_run(fake_api)
    fake_api.add(text_reply("z", "Done: wrote out.txt, see line 42."))
    body = "pass_rate: 0.5\ncases:\n  - name: c\n    prompt: p\n    repeat: 2\n    assert:\n" \
           "      - file_exists: out.txt\n"
    [result] = _run(_suite(tmp_path, body), jobs=1)
    assert [s.passed for s in result.samples] == [True, False]
    assert (result.passed, result.pass_rate, result.ok) == (1, 0.5, True)

    _script_writing_run(fake_api)
    fake_api.add(text_reply("z2", "nothing"))
    [strict] = _run(_suite(tmp_path, body.replace("0.5", "0.75")), jobs=1)
    assert strict.pass_rate == 0.5 and not strict.ok


def test_a_failed_run_is_a_failed_sample(fake_api, tmp_path):
    fake_api.add(*[Reply.json(400, {"type": "error", "error": {"type": "invalid_request_error",
                                                                  "message": "bad"}})] * 5)
    body = "cases:\n  - name: c\n    prompt: p\n    assert:\n      - output_not_contains: x\n"
    [result] = _run(_suite(tmp_path, body), jobs=1)
    assert result.samples[0].failures[0][0] == "run" and not result.ok


def _held_reply(release: threading.Event) -> Reply:
    return Reply.sse([start("h"), *text(0, "ok"), *end("end_turn")], hold=release)


@pytest.mark.parametrize("jobs, at_once", [(1, 1), (3, 3)])
def test_samples_run_at_most_jobs_at_once(fake_api, tmp_path, jobs, at_once):
    release = threading.Event()
    fake_api.add(*[_held_reply(release) for _ in range(4)])
    body = "cases:\n  - name: c\n    prompt: p\n    repeat: 4\n    assert:\n      - output_contains: ok\n"
    waiting: list[int] = []

    def watch():
        import time
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            waiting.append(len(fake_api.bodies()))
            if len(fake_api.bodies()) >= at_once:
                time.sleep(0.3)  # would more arrive than jobs allows?
                waiting.append(len(fake_api.bodies()))
                break
            time.sleep(0.02)
        release.set()

    threading.Thread(target=watch, daemon=True).start()
    [result] = _run(_suite(tmp_path, body), jobs=jobs)
    assert max(waiting) == at_once
    assert result.passed == 4


@pytest.mark.parametrize("passed, samples, pass_rate, ok", [
    (2, 3, 0.67, True),    # what `pass_rate: 0.67` with `repeat: 3` means, though 2/3 < 0.67 as floats
    (1, 3, 0.67, False),
    (66, 100, 0.67, False),
    (67, 100, 0.67, True),
    (1, 2, 0.5, True),
    (2, 3, 1.0, False),
    (0, 3, 0.0, True),
])
def test_a_case_meets_its_pass_rate_in_whole_percent_as_printed(passed, samples, pass_rate, ok):
    from workbench.testing.runner import CaseResult, Sample
    from workbench.testing.suite import Assertion, Case

    case = Case("c", "hi", [Assertion("output_contains", "hi")], samples, pass_rate, "acceptEdits", [])
    runs = [Sample(i) if i <= passed else Sample(i, failures=[("run", "failed")]) for i in range(1, samples + 1)]
    assert CaseResult("s.yaml", case, "a", runs).ok is ok
