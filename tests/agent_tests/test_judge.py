"""`judge` assertions against the scripted API server: the grader's forced verdict decides, its reason
is the message, its cost is counted apart, and a failed grader call is a failed assertion."""

from __future__ import annotations

import asyncio
import json
from xml.etree import ElementTree as ET

import pytest
from fake_api import Reply, end, error_body, message_body, start, text_reply, tool_input
from tests.agent_tests.test_command import _cli, _project

from workbench.testing.runner import run_suites
from workbench.testing.suite import load_suite
from workbench.transcripts.pricing import cost_usd

AGENT = "---\nname: reviewer\ndescription: Reviews code.\ntools: Read\n---\nYou review code.\n"
CRITERIA = "Names the SQL injection and proposes parameterised queries."


@pytest.fixture(autouse=True)
def _no_retry_waits(monkeypatch):
    monkeypatch.setenv("WORKBENCH_RETRY_DELAY_SCALE", "0")


def verdict(verdict: str, reason: str, model: str = "claude-haiku-5-5") -> Reply:
    """The grader's answer: a record_verdict tool call."""
    return Reply.json(200, message_body("j", [{"type": "tool_use", "id": "toolu_j", "name": "record_verdict",
                                               "input": {"verdict": verdict, "reason": reason}}],
                                        stop_reason="tool_use", model=model))


def _suite(tmp_path, asserts: str, cases: str = ""):
    (tmp_path / "reviewer.md").write_text(AGENT)
    (tmp_path / "app.py").write_text("x")
    path = tmp_path / "suite.yaml"
    path.write_text("agent: reviewer.md\nrepeat: 1\ncases:\n  - name: sqli\n    prompt: Review app.py.\n"
                    "    files: {\"app.py\": \"db.execute(q % name)\"}\n    assert:\n" + asserts + cases)
    return load_suite(path)


def _script_review(fake_api) -> None:
    fake_api.add(Reply.sse([start("r1"), *tool_input(0, "t1", "Read", {"file_path": "app.py"}), *end("tool_use")]),
                 text_reply("r2", "SQL injection on line 1: use parameterised queries."))


def _run(suite, **kw):
    return asyncio.run(run_suites([suite], project=suite.path.parent, jobs=1, **kw))


def test_a_passing_verdict_passes_and_the_request_forces_the_verdict_tool(fake_api, tmp_path):
    _script_review(fake_api)
    fake_api.add(verdict("pass", "It names the injection\nand the fix."))
    [result] = _run(_suite(tmp_path, f"      - judge: \"{CRITERIA}\"\n"))

    [sample] = result.samples
    assert sample.failures == [] and result.ok
    assert sample.judgements == [{"criteria": CRITERIA, "verdict": "pass",
                                  "reason": "It names the injection and the fix."}]
    request = fake_api.bodies()[-1]
    assert request["model"] == "claude-haiku-5-5"  # settings' judge_model (haiku), resolved
    assert request["tool_choice"] == {"type": "tool", "name": "record_verdict"}
    [tool] = request["tools"]
    assert tool["name"] == "record_verdict"
    assert tool["input_schema"]["properties"]["verdict"]["enum"] == ["pass", "fail"]
    assert tool["input_schema"]["required"] == ["verdict", "reason"]
    [message] = request["messages"]
    evidence = message["content"]
    for part in ("Review app.py.", "SQL injection on line 1: use parameterised queries.", CRITERIA,
                 'Read {"file_path": "app.py"}'):
        assert part in evidence


def test_a_failing_verdict_fails_with_its_reason_and_the_judge_cost_is_apart(fake_api, tmp_path):
    _script_review(fake_api)
    fake_api.add(verdict("fail", "No fix is proposed."))
    _script_review(fake_api)  # the second case: the same run, no judge
    suite = _suite(tmp_path, f"      - judge: \"{CRITERIA}\"\n",
                   "  - name: plain\n    prompt: Review app.py.\n    assert:\n      - tool_called: Read\n")
    judged, plain = _run(suite)

    [sample] = judged.samples
    assert sample.failures == [(f"judge: {CRITERIA}", "No fix is proposed.")]
    assert not judged.ok
    grader = cost_usd("claude-haiku-5-5", {"input_tokens": 200, "output_tokens": 30})
    assert grader > 0 and sample.judge_cost_usd == pytest.approx(grader)
    assert judged.cost_usd == pytest.approx(plain.cost_usd) and judged.cost_usd > 0  # the run's only
    out = judged.to_dict()
    assert out["judge_cost_usd"] == round(grader, 6) and out["cost_usd"] == round(plain.cost_usd, 6)
    assert out["failures"] == [{"sample": 1, "assertion": f"judge: {CRITERIA}", "message": "No fix is proposed."}]


@pytest.mark.parametrize("replies, words", [
    ([Reply.json(400, error_body("invalid_request_error", "bad tool_choice"))],
     "the judge call failed: API error 400 invalid_request_error: bad tool_choice"),
    ([Reply.json(529, error_body("overloaded_error", "Overloaded"))] * 5,
     "the judge call failed: API error 529 overloaded_error: Overloaded"),
    ([Reply.json(200, message_body("j", [{"type": "text", "text": "Looks fine to me."}]))],
     "the judge answered without calling record_verdict"),
])
def test_a_judge_call_that_fails_is_a_failed_assertion(fake_api, tmp_path, replies, words):
    _script_review(fake_api)
    fake_api.add(*replies)
    [result] = _run(_suite(tmp_path, f"      - judge: \"{CRITERIA}\"\n      - tool_called: Read\n"))

    [sample] = result.samples
    assert [a for a, _ in sample.failures] == [f"judge: {CRITERIA}"]
    assert sample.failures[0][1].startswith(words)
    assert sample.judgements[0]["verdict"] == "error" and not result.ok


def test_judge_model_from_the_settings_and_from_the_flag(fake_api, tmp_path, monkeypatch):
    settings = tmp_path / "settings.toml"
    settings.write_text('judge_model = "sonnet"\n')
    monkeypatch.setenv("WORKBENCH_SETTINGS", str(settings))
    for flag, model in ((None, "claude-sonnet-5-5"), ("claude-opus-4-8", "claude-opus-4-8")):
        _script_review(fake_api)
        fake_api.add(verdict("pass", "ok", model=model))
        [result] = _run(_suite(tmp_path, "      - judge: fine\n"), judge_model=flag)
        assert result.ok and fake_api.bodies()[-1]["model"] == model


def test_the_cli_shows_the_reason_and_the_judge_cost_in_text_json_and_junit(fake_api, tmp_path):
    suite = ("agent: greeter\nrepeat: 1\ncases:\n  - name: friendly\n    prompt: greet me\n    assert:\n"
             "      - judge: Is it friendly?\n")
    project = _project(tmp_path, suite)
    report = tmp_path / "report.xml"
    outputs = {}
    for fmt in ("text", "json", "junit"):
        fake_api.add(text_reply("g", "Go away."), verdict("fail", "The reply is rude."))
        extra = ["-o", str(report)] if fmt == "junit" else []
        done = _cli(project, "--format", fmt, "--judge-model", "haiku", *extra)
        assert done.returncode == 1, done.stderr
        outputs[fmt] = report.read_text() if fmt == "junit" else done.stdout

    assert "sample 1: judge: Is it friendly? — The reply is rude." in outputs["text"]
    assert "+ judge $" in outputs["text"].splitlines()[-1]
    data = json.loads(outputs["json"])
    [case] = data["cases"]
    assert case["failures"] == [{"sample": 1, "assertion": "judge: Is it friendly?", "message": "The reply is rude."}]
    grader = round(cost_usd("claude-haiku-5-5", {"input_tokens": 200, "output_tokens": 30}), 6)
    assert case["judge_cost_usd"] == grader and data["summary"]["judge_cost_usd"] == grader
    assert case["cost_usd"] > 0 and data["summary"]["cost_usd"] == case["cost_usd"]
    failure = ET.fromstring(outputs["junit"]).find("./testsuite/testcase/failure")
    assert "judge: Is it friendly?: The reply is rude." in failure.text
    assert all(b["model"] == "claude-haiku-5-5" for b in fake_api.bodies() if "tool_choice" in b)
