"""`--batch`: judge and delegates_to calls go through the Message Batches API (the scripted server's
batches endpoints) as one batch after the runs; agent runs stay streamed."""

from __future__ import annotations

import asyncio

import pytest
from fake_api import Reply, batch_entry, error_body, text_reply

from tests.agent_tests.test_command import _cli
from tests.agent_tests.test_judge import verdict
from tests.agent_tests.test_routing import _project, agent_call, answer
from workbench.testing.runner import run_suites
from workbench.testing.suite import load_suite
from workbench.transcripts.pricing import cost_usd

SUITE = """\
agent: code-reviewer
repeat: 2
cases:
  - name: judged
    prompt: Review app.py.
    assert:
      - output_contains: injection
      - judge: Names the injection.
  - name: routed
    prompt: Review app.py for security problems.
    repeat: 1
    assert:
      - delegates_to: code-reviewer
"""


@pytest.fixture(autouse=True)
def _quick(monkeypatch):
    monkeypatch.setenv("WORKBENCH_RETRY_DELAY_SCALE", "0")
    monkeypatch.setenv("WORKBENCH_BATCH_POLL_S", "0.01")


def _setup(tmp_path, fake_api, judge_replies, route_reply):
    """Two streamed runs, then (in batch mode) the batch: two verdicts and a routing answer."""
    project = _project(tmp_path)
    (project / ".claude" / "agent-tests" / "routing.yaml").write_text(SUITE)
    fake_api.add(text_reply("r1", "SQL injection on line 1."), text_reply("r2", "SQL injection on line 2."))
    fake_api.add(*judge_replies, route_reply)
    return project


def _run(project, **kw):
    suite = load_suite(project / ".claude" / "agent-tests" / "routing.yaml")
    return asyncio.run(run_suites([suite], project=project, jobs=1, **kw))


def _single_turn_paths(fake_api) -> list[str]:
    return [r["path"] for r in fake_api.requests if r["path"].startswith("/v1/messages/batches")]


def test_judge_and_routing_go_in_one_batch_at_half_price(fake_api, tmp_path):
    fake_api.batch_polls_before_end = 1  # in progress at the first poll
    project = _setup(tmp_path, fake_api, [verdict("pass", "Named."), verdict("fail", "Not named.")],
                     answer(agent_call("code-reviewer")))
    judged, routed = _run(project, batch=True)

    assert len(fake_api.bodies()) == 2 and all(b.get("stream") for b in fake_api.bodies())  # the runs only
    paths = _single_turn_paths(fake_api)
    assert paths[0] == "/v1/messages/batches" and paths.count("/v1/messages/batches") == 1
    # polled until ended (in progress, then ended), then once more by the SDK's results() for its URL
    assert paths.count("/v1/messages/batches/msgbatch_fake_1") == 3
    assert paths[-1] == "/v1/messages/batches/msgbatch_fake_1/results"
    params = fake_api.batch_params()
    assert [p.get("tool_choice", {}).get("name") for p in params] == ["record_verdict", "record_verdict", None]

    assert [s.passed for s in judged.samples] == [True, False]
    assert judged.samples[1].failures == [("judge: Names the injection.", "Not named.")]
    assert routed.ok and judged.batched and routed.batched
    full = cost_usd("claude-haiku-5-5", {"input_tokens": 200, "output_tokens": 30})
    assert judged.samples[0].judge_cost_usd == pytest.approx(full / 2)
    routing_full = cost_usd("claude-opus-5-5", {"input_tokens": 200, "output_tokens": 30})
    assert routed.samples[0].cost_usd == pytest.approx(routing_full / 2)


def test_errored_and_expired_entries_are_failed_assertions_with_the_reason(fake_api, tmp_path):
    project = _setup(tmp_path, fake_api, [Reply.json(500, error_body("api_error", "Internal error")),
                                          verdict("pass", "Named.")], batch_entry("expired"))
    judged, routed = _run(project, batch=True)

    assert judged.samples[0].failures == [
        ("judge: Names the injection.", "the judge call failed: batch entry errored: api_error: Internal error")]
    assert judged.samples[1].passed
    assert routed.samples[0].failures == [("delegates_to: code-reviewer",
                                           "the routing call failed: batch entry expired")]


def test_failures_keep_assertion_order_when_verdicts_come_from_the_batch(fake_api, tmp_path):
    project = _setup(tmp_path, fake_api, [verdict("fail", "No."), verdict("fail", "No.")],
                     answer(agent_call("code-reviewer")))
    suite = SUITE.replace("      - judge: Names the injection.\n",
                          "      - judge: Names the injection.\n      - output_contains: nowhere\n")
    (project / ".claude" / "agent-tests" / "routing.yaml").write_text(suite)
    judged, _ = _run(project, batch=True)
    assert [a for a, _ in judged.samples[0].failures] == ["judge: Names the injection.", "output_contains: nowhere"]


def test_the_requests_in_the_batch_are_the_direct_ones(fake_api, tmp_path):
    project = _setup(tmp_path / "direct", fake_api, [], answer(agent_call("code-reviewer")))
    # Direct: each verdict is asked right after its run.
    fake_api.replies[1:1] = [verdict("pass", "Named.")]
    fake_api.replies[3:3] = [verdict("pass", "Named.")]
    _run(project)
    direct = [b for b in fake_api.bodies() if not b.get("stream")]
    assert len(direct) == 3 and _single_turn_paths(fake_api) == []

    project = _setup(tmp_path / "batched", fake_api, [verdict("pass", "Named."), verdict("pass", "Named.")],
                     answer(agent_call("code-reviewer")))
    _run(project, batch=True)
    assert fake_api.batch_params() == direct


def test_the_cli_batch_flag_says_half_price(fake_api, tmp_path):
    project = _setup(tmp_path, fake_api, [verdict("pass", "Named."), verdict("pass", "Named.")],
                     answer(agent_call("code-reviewer")))
    done = _cli(project, "--batch", "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert "sent as a Message Batch: half price" in done.stdout.splitlines()[-1]
    assert _single_turn_paths(fake_api)[0] == "/v1/messages/batches"


def test_a_batch_that_does_not_end_in_time_is_cancelled_and_its_calls_fail(fake_api):
    from workbench.testing.single_turn import Calls, judge_request

    fake_api.batch_polls_before_end = 10_000
    fake_api.add(verdict("pass", "Named."))
    outcomes = []

    async def go():
        calls = Calls(batch=True, poll_s=0.01, timeout_s=0.2)
        await calls.send(judge_request("claude-haiku-5-5", "p", "r", [], "c"), outcomes.append)
        assert outcomes == []  # queued until the flush
        await calls.flush()
        await calls.aclose()

    asyncio.run(go())
    [outcome] = outcomes
    assert outcome.message is None and outcome.error == "batch msgbatch_fake_1 did not end within 0.2 s"
    assert _single_turn_paths(fake_api)[-1] == "/v1/messages/batches/msgbatch_fake_1/cancel"
