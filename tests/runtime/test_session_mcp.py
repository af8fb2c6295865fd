"""An agent's `mcpServers`: inline and `.mcp.json` servers started for the run with the `mcp` SDK,
their tools offered as `mcp__server__tool` (deferred without `tools`, in full when listed), calls
routed to the server, and the server stopped when the run ends. A real stdio server, the real SDK."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from fake_api import Reply, end, start, text_reply, tool_input

from .conftest import collect, of_kind

pytest.importorskip("mcp")

SERVER = Path(__file__).parent / "data" / "mcp_adder.py"


def _agent(frontmatter: str) -> str:
    return f"---\nname: calc\ndescription: Adds.\n{frontmatter}---\nYou add numbers.\n"


INLINE = (f"mcpServers:\n  adder:\n    command: {json.dumps(sys.executable)}\n"
          f"    args: [{json.dumps(str(SERVER))}]\n")


async def test_a_listed_mcp_tool_is_offered_its_calls_reach_the_server_and_it_stops_with_the_run(
        fake_api, make_session, tmp_path):
    pid_file = tmp_path / "adder.pid"
    inline = INLINE + f"    env:\n      ADDER_PID_FILE: {json.dumps(str(pid_file))}\n"
    fake_api.add(
        Reply.sse([start("m1"), *tool_input(0, "c1", "mcp__adder__add", {"a": 2, "b": 3}), *end("tool_use")]),
        text_reply("m2", "It is 5."),
    )
    events = await collect(make_session(_agent("tools: Read, mcp__adder__add\n" + inline),
                                        permission_mode="bypassPermissions"))

    first = fake_api.bodies()[0]
    assert [t["name"] for t in first["tools"]] == ["DeferredToolPlaceholder", "Read", "mcp__adder__add"]
    assert first["tools"][2]["input_schema"]["required"] == ["a", "b"]
    result = fake_api.bodies()[1]["messages"][-1]["content"][0]
    assert result["content"] == "sum=5" and "is_error" not in result
    assert events[-1].status == "completed" and of_kind(events, "run_started")[0].tools[-1] == "mcp__adder__add"
    assert not _alive(int(pid_file.read_text()))  # stopped when the run ended


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except OSError:
        return False


async def test_without_tools_the_servers_tools_are_deferred_and_a_server_from_mcp_json_is_found(
        fake_api, make_session, workspace):
    (workspace / ".mcp.json").write_text(json.dumps({"mcpServers": {"adder": {
        "command": sys.executable, "args": [str(SERVER)]}}}))
    fake_api.add(text_reply("m1", "ok"))
    events = await collect(make_session(_agent("mcpServers: [adder]\n")))

    body = fake_api.bodies()[0]
    assert "mcp__adder__add" not in [t["name"] for t in body["tools"]]
    assert "\nmcp__adder__add" in body["system"][0]["text"]  # named among the deferred tools
    assert "mcp__adder__add" in of_kind(events, "run_started")[0].deferred_tools


async def test_a_server_that_does_not_start_is_named_and_the_run_goes_on(fake_api, make_session):
    fake_api.add(text_reply("m1", "ok"))
    events = await collect(make_session(_agent("mcpServers:\n  broken:\n    command: /nonexistent/server\n")))

    assert any("broken" in w.message and "did not start" in w.message for w in of_kind(events, "warning"))
    assert events[-1].status == "completed"
