"""The tools a run is offered, as Claude Code 2.1.332 offers them to a subagent
(claude-code-runs.md §1), and the tools that come with that: ToolSearch with deferred tools, Skill,
WebSearch through the API's server-side search, and the refusal of an agent none of whose tools
resolve. Real SDK, scripted server."""

from __future__ import annotations

from fake_api import MODEL, Reply, end, start, text_reply, tool_input

from workbench.agents.document import AgentDocument
from workbench.runtime.toolset import resolve_toolset

from .conftest import collect, of_kind


def _agent(frontmatter: str = "", body: str = "You help.") -> str:
    return f"---\nname: helper\ndescription: Helps.\n{frontmatter}---\n{body}\n"


def _names(frontmatter: str, **kwargs) -> list[str]:
    return resolve_toolset(AgentDocument.parse(_agent(frontmatter)), **kwargs).names


async def test_an_agent_without_tools_gets_claude_codes_default_set_with_the_rest_deferred(fake_api, make_session):
    fake_api.add(text_reply("m1", "ok"))
    await collect(make_session(_agent()))

    body = fake_api.bodies()[0]
    assert [t["name"] for t in body["tools"]] == [
        "Agent", "Bash", "Edit", "Read", "Skill", "ToolSearch", "DeferredToolPlaceholder", "Write"]
    placeholder = body["tools"][6]
    assert placeholder["defer_loading"] is True and placeholder["input_schema"]["properties"] == {}
    # The deferred tools workbench has are named to the model (their schemas are not sent).
    system = body["system"][0]["text"]
    for name in ("NotebookEdit", "TaskStop", "WebFetch", "WebSearch"):
        assert f"\n{name}" in system


def test_an_explicit_list_keeps_the_files_order_with_claude_codes_renames_and_drops():
    # Measured: this list (with memory) became exactly this request's tools.
    listed = "tools: Grep, TaskStop, WebSearch, KillShell, WebFetch, NotebookEdit, Glob, Read, Task\nmemory: project\n"
    assert _names(listed) == ["TaskStop", "WebSearch", "WebFetch", "NotebookEdit", "Read", "Agent", "Write",
                              "Edit", "Grep", "Glob"]
    assert _names("tools: Read, Grep, Glob, Bash\n") == ["Read", "Bash"]
    assert _names("tools: Read, Grep\ndisallowedTools: Bash\n") == ["Read", "Grep"]
    assert _names("tools: Read, TodoWrite, LS, MultiEdit, BashOutput, NotebookRead\n") == ["Read"]
    assert _names("tools: Read, AskUserQuestion, EnterPlanMode\n") == ["Read"]
    assert _names("tools: Bash(git diff:*), Edit\ndisallowedTools: Edit(src/**)\n") == ["Bash"]
    assert _names("tools: []\n") == []
    assert _names("disallowedTools: Bash, Agent\n") == ["Edit", "Read", "Skill", "ToolSearch", "Write"]


def test_exit_plan_mode_is_granted_only_in_plan_mode():
    in_plan = resolve_toolset(AgentDocument.parse(_agent("tools: Read, ExitPlanMode\npermissionMode: plan\n")))
    assert in_plan.names == ["Read", "ExitPlanMode"]
    elsewhere = resolve_toolset(AgentDocument.parse(_agent("tools: Read, ExitPlanMode\n")))
    assert elsewhere.names == ["Read"] and "ExitPlanMode" not in elsewhere.missing


async def test_a_listed_mcp_tool_puts_the_deferred_placeholder_first(fake_api, make_session):
    # Measured: with an MCP name listed (no such server connected) Claude Code sends the
    # placeholder first and drops the name.
    fake_api.add(text_reply("m1", "ok"))
    await collect(make_session(_agent("tools: Read, mcp__nowhere__thing\n")))
    tools = fake_api.bodies()[0]["tools"]
    assert [t["name"] for t in tools] == ["DeferredToolPlaceholder", "Read"] and tools[0]["defer_loading"]


async def test_exit_plan_mode_tells_the_agent_to_hand_its_plan_back(fake_api, make_session):
    fake_api.add(
        Reply.sse([start("m1"), *tool_input(0, "p1", "ExitPlanMode", {}), *end("tool_use")]),
        text_reply("m2", "Plan: one step."),
    )
    await collect(make_session(_agent("tools: Read, ExitPlanMode\npermissionMode: plan\n")))
    result = fake_api.bodies()[1]["messages"][-1]["content"][0]
    assert "is_error" not in result and "final answer" in result["content"]


async def test_an_agent_none_of_whose_tools_resolve_is_refused_without_a_request(fake_api, make_session):
    events = await collect(make_session(_agent("tools: Grpe, FooTool\n")))

    assert fake_api.bodies() == []
    error = of_kind(events, "error")[0]
    assert "not started" in error.message and "Grpe, FooTool" in error.message
    assert events[-1].status == "error"


async def test_a_nested_agent_none_of_whose_tools_resolve_is_an_error_result(fake_api, make_session, tmp_path):
    broken = tmp_path / "broken.md"
    broken.write_text("---\nname: broken\ndescription: d\ntools: Grpe\n---\nBody.\n")
    fake_api.add(
        Reply.sse([start("p1"), *tool_input(0, "a1", "Agent", {
            "description": "d", "prompt": "p", "subagent_type": "broken"}), *end("tool_use")]),
        text_reply("p2", "It could not start."),
    )
    await collect(make_session(catalog={"broken": broken}))

    assert len(fake_api.bodies()) == 2  # no request for the refused agent
    result = fake_api.bodies()[1]["messages"][-1]["content"][0]
    assert result.get("is_error") and "Grpe" in result["content"]


async def test_tool_search_loads_a_deferred_tool_for_the_requests_after_it(fake_api, make_session):
    fake_api.add(
        Reply.sse([start("m1"), *tool_input(0, "x1", "WebFetch", {"url": "https://example.com", "prompt": "p"}),
                   *end("tool_use")]),
        Reply.sse([start("m2"), *tool_input(0, "s1", "ToolSearch", {"query": "select:WebFetch,Nope"}),
                   *end("tool_use")]),
        text_reply("m3", "Loaded."),
    )
    await collect(make_session(_agent()))

    bodies = fake_api.bodies()
    early = bodies[1]["messages"][-1]["content"][0]
    assert early.get("is_error") and "ToolSearch" in early["content"]  # not loaded yet
    assert "WebFetch" not in [t["name"] for t in bodies[1]["tools"]]
    found = bodies[2]["messages"][-1]["content"][0]
    assert found["content"] == [{"type": "tool_reference", "tool_name": "WebFetch"}]
    loaded = bodies[2]["tools"][-1]
    assert loaded["name"] == "WebFetch" and loaded["defer_loading"] is True
    assert loaded["input_schema"]["required"] == ["url", "prompt"]


async def test_glob_beside_bash_is_an_error_suggesting_find(fake_api, make_session):
    fake_api.add(
        Reply.sse([start("m1"), *tool_input(0, "g1", "Glob", {"pattern": "*"}), *end("tool_use")]),
        text_reply("m2", "ok"),
    )
    await collect(make_session(_agent("tools: Bash, Glob\n")))

    result = fake_api.bodies()[1]["messages"][-1]["content"][0]
    assert result.get("is_error") and "find" in result["content"] and "Bash" in result["content"]


async def test_skills_of_the_project_and_the_user_are_listed_and_loaded(fake_api, make_session, workspace, monkeypatch,
                                                                        tmp_path):
    project = workspace / ".claude" / "skills" / "greet"
    project.mkdir(parents=True)
    (project / "SKILL.md").write_text("---\nname: greet\ndescription: Greets people.\n---\nSay hello warmly.\n")
    home = tmp_path / "home"
    (home / ".claude" / "skills" / "tidy").mkdir(parents=True)
    (home / ".claude" / "skills" / "tidy" / "SKILL.md").write_text("---\ndescription: Tidies.\n---\nTidy up.\n")
    monkeypatch.setenv("HOME", str(home))
    fake_api.add(
        Reply.sse([start("m1"), *tool_input(0, "k1", "Skill", {"skill": "greet", "args": "Ann"}), *end("tool_use")]),
        text_reply("m2", "Hello Ann!"),
    )
    await collect(make_session(_agent()))

    system = fake_api.bodies()[0]["system"][0]["text"]
    assert "- greet: Greets people." in system and "- tidy: Tidies." in system
    result = fake_api.bodies()[1]["messages"][-1]["content"][0]
    assert "Say hello warmly." in result["content"] and "Ann" in result["content"]
    assert "---" not in result["content"]


async def test_web_search_is_a_messages_api_call_with_the_server_side_search_tool(fake_api, make_session):
    fake_api.add(
        Reply.sse([start("m1"), *tool_input(0, "w1", "WebSearch", {
            "query": "textual pilot", "allowed_domains": ["textual.textualize.io"]}), *end("tool_use")]),
        Reply.json(200, {
            "id": "msg_s", "type": "message", "role": "assistant", "model": MODEL, "stop_reason": "end_turn",
            "usage": {"input_tokens": 5, "output_tokens": 5},
            "content": [
                {"type": "server_tool_use", "id": "srv_1", "name": "web_search", "input": {"query": "textual pilot"}},
                {"type": "web_search_tool_result", "tool_use_id": "srv_1", "content": [
                    {"type": "web_search_result", "title": "Testing - Textual", "encrypted_content": "x",
                     "url": "https://textual.textualize.io/guide/testing/"}]},
                {"type": "text", "text": "Pilot drives an app in tests."}]}),
        text_reply("m2", "Found it."),
    )
    await collect(make_session(_agent("tools: WebSearch\n"), allow_rules=["WebSearch"]))

    search = fake_api.bodies()[1]
    assert search["tools"] == [{"type": "web_search_20250305", "name": "web_search", "max_uses": 8,
                                "allowed_domains": ["textual.textualize.io"]}]
    assert "textual pilot" in search["messages"][0]["content"]
    result = fake_api.bodies()[2]["messages"][-1]["content"][0]
    assert "https://textual.textualize.io/guide/testing/" in result["content"]
    assert "Pilot drives an app in tests." in result["content"]
