"""`delegates_to` with `--engine claude-code`: the prompt goes to the real Claude Code's main thread
(the CLI bundled with `claude-agent-sdk`, against the scripted server) in the project folder, and the
turn is stopped at the first tool call without running it. Skipped when the SDK is not installed."""

from __future__ import annotations

import asyncio
import json

import pytest

pytest.importorskip("claude_agent_sdk")

from claude_code_support import calls, conversation, git_project, is_subagent, serve_claude_code  # noqa: E402

from workbench.runtime.claude_code import bundled_cli  # noqa: E402
from workbench.runtime.engines import EngineChoice  # noqa: E402
from workbench.testing.runner import run_suites  # noqa: E402
from workbench.testing.suite import load_suite  # noqa: E402

REVIEWER = ("---\nname: code-reviewer\ndescription: Reviews code for security problems. Use after changes.\n"
            "tools: Read, Grep\n---\nYou review code. REVIEWER-BODY.\n")
DEBUGGER = "---\nname: debugger\ndescription: Finds the cause of failing tests.\n---\nYou debug.\n"
PROMPT = "Review notes.txt for security problems."


@pytest.fixture
def project(tmp_path):
    folder = git_project(tmp_path / "proj")
    agents = folder / ".claude" / "agents"
    agents.mkdir(parents=True)
    (agents / "code-reviewer.md").write_text(REVIEWER)
    (agents / "debugger.md").write_text(DEBUGGER)
    tests = folder / ".claude" / "agent-tests"
    tests.mkdir()
    (tests / "routing.yaml").write_text(f"agent: code-reviewer\nrepeat: 1\ncases:\n  - name: review\n"
                                        f"    prompt: {PROMPT}\n    assert:\n      - delegates_to: code-reviewer\n")
    return folder


def _run(project, **kw):
    cli, version = bundled_cli()
    if cli is None:
        pytest.skip("the SDK has no bundled Claude Code CLI")
    suite = load_suite(project / ".claude" / "agent-tests" / "routing.yaml")
    engine = EngineChoice("claude-code", cli_path=cli, cli_version=version)
    return asyncio.run(run_suites([suite], project=project, jobs=1, engine=engine, **kw))


def _pick(agent: str):
    return calls("msg_main", ("toolu_agent", "Agent", {"subagent_type": agent, "description": "review",
                                                        "prompt": "Review notes.txt"}), lead="Handing over.")


def test_claude_codes_main_thread_routes_to_the_named_agent_and_nothing_runs(fake_api, project):
    serve_claude_code(fake_api)
    fake_api.add(_pick("code-reviewer"))
    [result] = _run(project)

    [sample] = result.samples
    assert sample.failures == [] and result.ok, sample.error
    assert sample.engine == "claude-code" and sample.model.startswith("claude-") and sample.cost_usd > 0
    assert sample.tool_calls == [("Agent", {"subagent_type": "code-reviewer", "description": "review",
                                            "prompt": "Review notes.txt"})]
    bodies = conversation(fake_api)
    # One main-thread request, whose system context lists the project's agents; the Agent call was
    # stopped before it ran: no subagent request, no second turn.
    assert len(bodies) == 1 and not is_subagent(bodies[0])
    sent = json.dumps(bodies[0]["messages"])
    assert "- code-reviewer: Reviews code for security problems." in sent and "- debugger: " in sent
    assert "- general-purpose: " in sent
    assert PROMPT in sent


def test_a_wrong_pick_in_claude_code_fails_saying_what_it_picked(fake_api, project):
    serve_claude_code(fake_api)
    fake_api.add(_pick("debugger"))
    [result] = _run(project)

    assert result.samples[0].failures == [("delegates_to: code-reviewer", "picked debugger")]
    assert not result.ok
    assert not any(is_subagent(b) for b in conversation(fake_api))


def test_a_first_tool_call_that_is_not_agent_fails_and_is_not_run(fake_api, project):
    serve_claude_code(fake_api)
    fake_api.add(calls("msg_main", ("toolu_w", "Write", {"file_path": str(project / "notes.txt"),
                                                        "content": "changed\n"})))
    [result] = _run(project)

    assert result.samples[0].failures == [("delegates_to: code-reviewer", "called Write first")]
    assert (project / "notes.txt").read_text() == "alpha\nbeta\n"
    assert len(conversation(fake_api)) == 1


def test_batch_mode_says_once_that_claude_code_routing_runs_directly(fake_api, project):
    import os
    import subprocess
    import sys
    from pathlib import Path

    serve_claude_code(fake_api)
    (project / ".claude" / "agent-tests" / "routing.yaml").write_text(
        f"agent: code-reviewer\nrepeat: 2\ncases:\n  - name: review\n    prompt: {PROMPT}\n"
        "    assert:\n      - delegates_to: code-reviewer\n")
    fake_api.add(_pick("code-reviewer"), _pick("code-reviewer"))
    root = str(Path(__file__).resolve().parents[2])
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "test", "--engine", "claude-code", "--batch", "--jobs", "1",
         "--format", "json"], cwd=project, capture_output=True, text=True, stdin=subprocess.DEVNULL,
        timeout=300, env={**os.environ, "CLAUDE_CODE_MAX_RETRIES": "1",
                          "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))})

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr.count("cannot batch") == 1
    [case] = json.loads(done.stdout)["cases"]
    assert (case["passed"], case["engine"]) == (2, "claude-code")
    assert fake_api.batch_params() == []  # no Message Batch was sent


def test_in_batch_mode_claude_code_routing_is_not_counted_as_batched(fake_api, project):
    serve_claude_code(fake_api)
    fake_api.add(_pick("code-reviewer"))
    [result] = _run(project, batch=True)

    assert result.ok and not result.batched  # no half-price claim: it ran in the CLI at full price
    assert fake_api.batch_params() == []
