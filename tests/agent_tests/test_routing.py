"""`delegates_to` cases against the scripted API server: one main-thread request offering every agent
of the project's catalog through the Agent tool; the first Agent call's subagent_type decides."""

from __future__ import annotations

import asyncio

import pytest
from fake_api import Reply, message_body, text_reply

from tests.agent_tests.test_command import _cli
from workbench.agents.catalog import Catalog, default_scopes
from workbench.runtime.tools.agent import agent_listing, agent_tool_description
from workbench.testing.routing import LISTING_HEAD
from workbench.testing.runner import run_suites
from workbench.testing.suite import load_suite
from workbench.transcripts.pricing import cost_usd

REVIEWER = ("---\nname: code-reviewer\ndescription: Reviews code for security problems. Use after changes.\n"
            "tools: Read, Grep\n---\nYou review code.\n")
DEBUGGER = "---\nname: debugger\ndescription: Finds the cause of failing tests.\n---\nYou debug.\n"
OUTSIDER = "---\nname: doc-writer\ndescription: Writes docs.\ntools: Read, Write\n---\nYou write docs.\n"
PROMPT = "Review app.py for security problems."


@pytest.fixture(autouse=True)
def _no_retry_waits(monkeypatch):
    monkeypatch.setenv("WORKBENCH_RETRY_DELAY_SCALE", "0")


def _project(tmp_path, wanted: str = "code-reviewer", agent: str = "code-reviewer"):
    project = tmp_path / "proj"
    agents = project / ".claude" / "agents"
    agents.mkdir(parents=True)
    (agents / "code-reviewer.md").write_text(REVIEWER)
    (agents / "debugger.md").write_text(DEBUGGER)
    tests = project / ".claude" / "agent-tests"
    tests.mkdir()
    (tests / "routing.yaml").write_text(f"agent: {agent}\nrepeat: 1\ncases:\n  - name: review\n"
                                        f"    prompt: {PROMPT}\n    assert:\n      - delegates_to: {wanted}\n")
    return project


def agent_call(subagent_type: str) -> dict:
    return {"type": "tool_use", "id": "toolu_a", "name": "Agent",
            "input": {"description": "Review app.py", "prompt": "Review app.py", "subagent_type": subagent_type}}


def answer(*content: dict) -> Reply:
    return Reply.json(200, message_body("m", list(content), stop_reason="tool_use", model="claude-opus-5-5"))


def _run(project, **kw):
    suite = load_suite(project / ".claude" / "agent-tests" / "routing.yaml")
    return asyncio.run(run_suites([suite], project=project, jobs=1, **kw))


def test_picking_the_named_agent_passes_with_one_request_that_lists_every_agent(fake_api, tmp_path):
    project = _project(tmp_path)
    fake_api.add(answer({"type": "text", "text": "I'll hand this to the reviewer."}, agent_call("Code Reviewer")))
    [result] = _run(project)

    [sample] = result.samples
    assert sample.failures == [] and result.ok
    [request] = fake_api.bodies()  # no agent run: the routing request only
    assert request["messages"] == [{"role": "user", "content": PROMPT}]
    assert request["model"] == "claude-opus-5-5" and "tool_choice" not in request
    tools = {t["name"]: t for t in request["tools"]}
    assert {"Agent", "Read", "Write", "Edit", "Bash"} <= set(tools)
    # As Claude Code's main thread: the agents are not in the Agent tool's description but in the
    # system context (the end of workbench's system prompt), built-ins and the project's sorted by
    # name ignoring case, each line as the engine writes it.
    assert "- code-reviewer" not in tools["Agent"]["description"]
    head, listing = request["system"].split(LISTING_HEAD + "\n")
    names = [line[2:].split(":")[0] for line in listing.splitlines()]
    assert names == ["claude", "code-reviewer", "debugger", "Explore", "general-purpose", "Plan",
                     "statusline-setup"]
    catalog = Catalog.load(default_scopes(cwd=project, bundled=False))
    assert set(agent_listing(catalog)) <= set(listing.splitlines())
    assert "- code-reviewer: Reviews code for security problems. Use after changes. (Tools: Read, Grep)" in listing
    assert "- debugger: Finds the cause of failing tests. (Tools: All tools)" in listing
    assert "- general-purpose: " in listing and "- statusline-setup: " in listing
    assert sample.cost_usd == pytest.approx(cost_usd("claude-opus-5-5", {"input_tokens": 200, "output_tokens": 30}))
    assert sample.judge_cost_usd == 0 and sample.tool_calls[0][0] == "Agent"


@pytest.mark.parametrize("content, message", [
    ([agent_call("debugger")], "picked debugger"),
    ([agent_call("general-purpose")], "picked general-purpose"),
    ([{"type": "text", "text": "app.py looks fine."}], "answered without delegating"),
    ([{"type": "tool_use", "id": "toolu_r", "name": "Read", "input": {"file_path": "app.py"}}], "called Read first"),
])
def test_a_wrong_pick_or_no_delegation_fails_saying_what_happened(fake_api, tmp_path, content, message):
    project = _project(tmp_path)
    fake_api.add(answer(*content))
    [result] = _run(project)

    assert result.samples[0].failures == [("delegates_to: code-reviewer", message)]
    assert not result.ok


def test_a_failed_routing_call_is_a_failed_sample(fake_api, tmp_path):
    project = _project(tmp_path)
    fake_api.add(Reply.json(400, {"type": "error", "error": {"type": "invalid_request_error", "message": "no"}}))
    [result] = _run(project)
    [(assertion, message)] = result.samples[0].failures
    assert assertion == "delegates_to: code-reviewer"
    assert message == "the routing call failed: API error 400 invalid_request_error: no"


def test_an_unknown_agent_name_is_a_suite_error_with_its_place_before_anything_runs(fake_api, tmp_path):
    project = _project(tmp_path, wanted="security-auditor")
    done = _cli(project)

    assert done.returncode == 2
    assert "routing.yaml:7:23: delegates_to: no agent named 'security-auditor' in the catalog" in done.stderr
    assert "code-reviewer, debugger" in done.stderr
    assert fake_api.requests == []


def test_the_suites_agent_given_by_path_joins_the_catalog(fake_api, tmp_path):
    outside = tmp_path / "elsewhere" / "doc-writer.md"
    outside.parent.mkdir()
    outside.write_text(OUTSIDER)
    project = _project(tmp_path, wanted="doc-writer", agent=str(outside))
    fake_api.add(answer(agent_call("doc-writer")))
    [result] = _run(project)

    assert result.ok
    listing = fake_api.bodies()[0]["system"].split(LISTING_HEAD)[1]
    assert "- doc-writer: Writes docs. (Tools: Read, Write)" in listing and "- debugger:" in listing


def test_the_engine_lists_the_catalog_to_a_model_that_has_the_agent_tool(fake_api, tmp_path):
    from workbench.runtime.session import Session

    project = _project(tmp_path)
    catalog = Catalog.load(default_scopes(cwd=project, bundled=False))
    fake_api.add(text_reply("x", "done"))
    lead = "---\nname: lead\ndescription: Leads.\ntools: Agent, Read\n---\nYou lead.\n"

    async def go():
        session = Session(lead, cwd=project, catalog=catalog, ask_permission=None)
        try:
            async for _ in session.send("hi"):
                pass
        finally:
            await session.aclose()

    asyncio.run(go())
    agent = next(t for t in fake_api.bodies()[0]["tools"] if t["name"] == "Agent")
    assert agent["description"] == agent_tool_description(catalog)
    assert "- debugger: Finds the cause of failing tests. (Tools: All tools)" in agent["description"]


def test_a_builtin_agent_can_be_the_expected_pick_and_a_project_file_replaces_a_builtin(fake_api, tmp_path):
    project = _project(tmp_path, wanted="general-purpose")
    (project / ".claude" / "agents" / "plan.md").write_text(
        "---\nname: Plan\ndescription: The team's own planner.\ntools: Read\n---\nYou plan.\n")
    fake_api.add(answer(agent_call("general-purpose")))
    [result] = _run(project)

    assert result.ok and result.samples[0].failures == []
    listing = fake_api.bodies()[0]["system"].split(LISTING_HEAD + "\n")[1].splitlines()
    assert [line for line in listing if line.startswith("- Plan:")] == [
        "- Plan: The team's own planner. (Tools: Read)"]
