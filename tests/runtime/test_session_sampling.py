"""Sampling settings as Claude Code 2.1.332 sends them for a subagent (claude-code-runs.md §2):
the model (`inherit`/none → the main model, opus by default), max_tokens per model, adaptive
thinking always, the effort, and the Agent call's `model`/`effort` overriding the file's."""

from __future__ import annotations

import pytest
from fake_api import Reply, end, start, text_reply, thinking, tool_input

from workbench.runtime.models import default_effort, max_tokens_for
from workbench.settings import Settings

from .conftest import collect, of_kind


def _agent(frontmatter: str = "", name: str = "helper") -> str:
    return f"---\nname: {name}\ndescription: Helps.\ntools: Read\n{frontmatter}---\nYou help.\n"


@pytest.mark.parametrize("frontmatter, model, max_tokens, effort", [
    ("", "claude-opus-5-5", 128_000, "medium"),
    ("model: inherit\n", "claude-opus-5-5", 128_000, "medium"),
    ("model: sonnet\n", "claude-sonnet-5-5", 128_000, "medium"),
    ("model: haiku\neffort: low\n", "claude-haiku-5-5", 128_000, "low"),
    ("model: fable\n", "claude-fable-5-2", 128_000, "medium"),
    ("model: claude-opus-4-8\n", "claude-opus-4-8", 64_000, "high"),
    # Measured: claude-sonnet-4-6 takes no xhigh; Claude Code sends high.
    ("model: claude-sonnet-4-6\neffort: xhigh\n", "claude-sonnet-4-6", 32_000, "high"),
    ("model: claude-sonnet-4-6\neffort: low\n", "claude-sonnet-4-6", 32_000, "low"),
    ("model: claude-sonnet-4-6\n", "claude-sonnet-4-6", 32_000, "high"),
    ("effort: max\n", "claude-opus-5-5", 128_000, "max"),
])
async def test_the_request_carries_claude_codes_sampling_settings(
        fake_api, make_session, frontmatter, model, max_tokens, effort):
    fake_api.add(text_reply("m1", "ok"))
    # Settings() as a fresh install has them: the main model is Claude Code's default.
    events = await collect(make_session(_agent(frontmatter), settings=Settings()))

    body = fake_api.bodies()[0]
    assert (body["model"], body["max_tokens"]) == (model, max_tokens)
    assert body["thinking"]["type"] == "adaptive"
    assert body["output_config"] == {"effort": effort}
    assert "temperature" not in body and "tool_choice" not in body
    started = events[0]
    assert (started.model, started.effort, started.max_tokens) == (model, effort, max_tokens)


async def test_inherit_follows_the_main_model_when_one_is_chosen(fake_api, make_session):
    fake_api.add(text_reply("m1", "ok"))
    await collect(make_session(_agent("model: inherit\n"), model="sonnet"))
    assert fake_api.bodies()[0]["model"] == "claude-sonnet-5-5"


async def test_the_agent_calls_model_and_effort_override_the_files(fake_api, make_session, tmp_path):
    worker = tmp_path / "worker.md"
    worker.write_text(_agent("model: haiku\neffort: low\n", name="worker"))
    fake_api.add(
        Reply.sse([start("p1"), *tool_input(0, "a1", "Agent", {
            "description": "d", "prompt": "Do it", "subagent_type": "worker"}),
            *tool_input(1, "a2", "Agent", {"description": "d", "prompt": "Do it well", "subagent_type": "worker",
                                           "model": "sonnet", "effort": "high"}), *end("tool_use")]),
        text_reply("c1", "done"), text_reply("c2", "done"),
        text_reply("p2", "Both done."),
    )
    await collect(make_session(_agent(name="lead").replace("tools: Read", "tools: Agent"), catalog={"worker": worker}))

    nested = sorted(fake_api.bodies()[1:3], key=lambda b: b["messages"][0]["content"][-1]["text"])
    plain, overridden = nested
    assert (plain["model"], plain["output_config"]["effort"]) == ("claude-haiku-5-5", "low")
    assert (overridden["model"], overridden["output_config"]["effort"]) == ("claude-sonnet-5-5", "high")
    assert overridden["max_tokens"] == max_tokens_for("claude-sonnet-5-5")


async def test_an_unknown_effort_in_the_agent_call_is_an_input_error(fake_api, make_session, tmp_path):
    worker = tmp_path / "worker.md"
    worker.write_text(_agent(name="worker"))
    fake_api.add(
        Reply.sse([start("p1"), *tool_input(0, "a1", "Agent", {
            "description": "d", "prompt": "p", "subagent_type": "worker", "effort": "extreme"}), *end("tool_use")]),
        text_reply("p2", "ok"),
    )
    await collect(make_session(_agent(name="lead").replace("tools: Read", "tools: Agent"), catalog={"worker": worker}))
    result = fake_api.bodies()[1]["messages"][-1]["content"][0]
    assert result.get("is_error") and "effort" in result["content"]


async def test_thinking_streams_as_before(fake_api, make_session):
    fake_api.add(Reply.sse([start("m1"), *thinking(0, "Let me think.", "sig"), *end("end_turn")]))
    events = await collect(make_session(_agent()))
    assert [e.text for e in of_kind(events, "thinking_delta")] == ["Let me think."]


def test_default_effort_and_limits_for_other_models():
    assert default_effort("claude-opus-4-8-20260101") == "high"
    assert default_effort("claude-opus-5-5") == "medium"
    assert max_tokens_for("claude-opus-4-8-20260101") == 64_000
    assert max_tokens_for("claude-haiku-5-5") == 128_000
