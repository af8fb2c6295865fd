"""Background shells through the session: permission rules, and cleanup at cancel, close and the end
of a nested agent's run."""

from __future__ import annotations

import asyncio
import os
import time

from fake_api import Reply, end, start, text_reply, tool_input

from workbench.runtime.session import PermissionAnswer

from .conftest import collect, of_kind

DEADLINE_S = 10
# The shell writes its pid, then becomes a long sleep (same pid): alive until something kills it.
LONG = {"command": "echo $$ > bg.pid; exec sleep 60", "run_in_background": True}
STARTER = ("---\nname: starter\ndescription: Starts servers.\ntools: Bash\n---\n"
           "You start things in the background.\n")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


async def _pid(workspace) -> int:
    path = workspace / "bg.pid"
    deadline = time.monotonic() + DEADLINE_S
    while not (path.exists() and path.read_text().strip()):
        assert time.monotonic() < deadline, "the background command never started"
        await asyncio.sleep(0.01)
    return int(path.read_text())


async def _dead(pid: int) -> bool:
    deadline = time.monotonic() + DEADLINE_S
    while _alive(pid) and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    return not _alive(pid)


async def test_starting_asks_like_bash_and_reading_the_output_file_asks_nothing(fake_api, make_session, workspace):
    fake_api.add(
        Reply.sse([start("m1"), *tool_input(0, "b1", "Bash", {"command": "echo hello", "run_in_background": True}),
                   *end("tool_use")]),
        text_reply("m2", "Started."),
    )
    asked = []

    async def ask(request):
        asked.append((request.name, request.summary))
        return PermissionAnswer("allow")

    session = make_session(permission_mode="default", ask_permission=ask)
    events = [e async for e in session.send("go")]
    started = fake_api.bodies()[1]["messages"][-1]["content"][0]
    assert started["content"].startswith("Command running in background with ID: bash_1")
    output = of_kind(events, "tool_call_finished")[0].detail["outputPath"]
    assert output in started["content"]
    deadline = time.monotonic() + DEADLINE_S
    while session.context.shells.get("bash_1").alive:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)

    # The output file is outside the workspace, yet Read of it needs no permission.
    fake_api.add(Reply.sse([start("m3"), *tool_input(0, "r1", "Read", {"file_path": output}), *end("tool_use")]),
                 text_reply("m4", "It said hello."))
    events = [e async for e in session.send("what did it say?")]
    await session.aclose()

    assert asked == [("Bash", "echo hello")]
    finished = of_kind(events, "tool_call_finished")
    assert [(f.name, f.status) for f in finished] == [("Read", "done")]
    assert "hello" in fake_api.bodies()[3]["messages"][-1]["content"][0]["content"]


async def test_plan_mode_refuses_a_background_command_like_any_other(fake_api, make_session, workspace):
    fake_api.add(Reply.sse([start("m1"), *tool_input(0, "b1", "Bash", LONG), *end("tool_use")]),
                 text_reply("m2", "Refused."))
    events = await collect(make_session(permission_mode="plan"))

    assert of_kind(events, "tool_call_finished")[0].status == "denied"
    assert not (workspace / "bg.pid").exists()


async def test_a_shell_outlives_the_run_for_a_follow_up_and_closing_the_session_kills_it(
        fake_api, make_session, workspace):
    fake_api.add(Reply.sse([start("m1"), *tool_input(0, "b1", "Bash", LONG), *end("tool_use")]),
                 text_reply("m2", "Started."))
    session = make_session(permission_mode="bypassPermissions")
    [e async for e in session.send("start it")]
    pid = await _pid(workspace)
    assert _alive(pid)  # the run ended; the conversation (and its server) goes on

    fake_api.add(text_reply("m3", "Still running."))
    [e async for e in session.send("is it up?")]
    assert session.context.shells.get("bash_1").status == "running"

    await session.aclose()
    assert await _dead(pid)


async def test_cancelling_the_run_kills_its_background_shells(fake_api, make_session, workspace):
    fake_api.add(Reply.sse([start("m1"), *tool_input(0, "b1", "Bash", LONG),
                            *tool_input(1, "b2", "Bash", {"command": "exec sleep 60"}), *end("tool_use")]))
    session = make_session(permission_mode="bypassPermissions")
    events = []
    pid = None
    async for event in session.send("go"):
        events.append(event)
        if event.kind == "tool_call_started" and event.call_id == "b2":
            pid = await _pid(workspace)
            session.cancel()
    assert events[-1].status == "cancelled"
    assert pid is not None and await _dead(pid)  # before the session is closed
    await session.aclose()


async def test_a_nested_agents_background_commands_end_with_its_answer(fake_api, make_session, workspace, tmp_path):
    starter = tmp_path / "starter.md"
    starter.write_text(STARTER)
    fake_api.add(
        Reply.sse([start("p1"), *tool_input(0, "a1", "Agent", {
            "description": "start", "prompt": "Start the server", "subagent_type": "starter"}), *end("tool_use")]),
        Reply.sse([start("c1"), *tool_input(0, "b1", "Bash", LONG), *end("tool_use")]),
        text_reply("c2", "Started it."),
        text_reply("p2", "The agent started it."),
    )
    session = make_session(catalog={"starter": starter}, permission_mode="bypassPermissions")
    alive_at_answer = None
    pid = None
    async for event in session.send("go"):
        if event.kind == "tool_call_finished" and event.depth == 1 and event.name == "Bash":
            pid = await _pid(workspace)
        if event.kind == "tool_call_finished" and event.call_id == "a1":
            alive_at_answer = _alive(pid)
    await session.aclose()

    nested_tools = fake_api.bodies()[1]["tools"]
    assert [t["name"] for t in nested_tools] == ["Bash"]
    assert pid is not None and alive_at_answer is False
