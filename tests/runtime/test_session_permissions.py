"""Permission modes, always-allow rules and workspace confinement, end to end through the loop."""

from __future__ import annotations

import os

import pytest

from fake_api import Reply, end, start, text_reply, tool_input

from workbench.runtime.session import PermissionAnswer

from .conftest import collect, of_kind


def _one_call(fake_api, name: str, value: dict) -> None:
    fake_api.add(Reply.sse([start("m1"), *tool_input(0, "t1", name, value), *end("tool_use")]),
                 text_reply("m2", "Done."))


def _allowing():
    """A person who allows every call, and the list of what they were asked."""
    asked = []

    async def ask(request):
        asked.append(request)
        return PermissionAnswer("allow")

    return asked, ask


def _call(message_id: str, call_id: str, name: str, value: dict) -> Reply:
    """A response that makes one tool call."""
    return Reply.sse([start(message_id), *tool_input(0, call_id, name, value), *end("tool_use")])


def _result(fake_api) -> dict:
    return fake_api.bodies()[1]["messages"][-1]["content"][0]


async def test_default_mode_headless_refuses_a_write_with_a_result_saying_permission_was_not_given(
        fake_api, make_session, workspace):
    _one_call(fake_api, "Write", {"file_path": "out.txt", "content": "x"})
    events = await collect(make_session(permission_mode="default"))

    assert not (workspace / "out.txt").exists()
    result = _result(fake_api)
    assert result.get("is_error") and "Permission to use Write was not given" in result["content"]
    decided = of_kind(events, "permission_decided")[0]
    assert (decided.decision, decided.by) == ("deny", "headless")
    assert events[-1].status == "completed"  # a refused tool does not fail the run


async def test_default_mode_asks_and_runs_the_write_when_the_person_allows_it(fake_api, make_session, workspace):
    asked, ask = _allowing()

    _one_call(fake_api, "Write", {"file_path": "out.txt", "content": "hello"})
    events = await collect(make_session(permission_mode="default", ask_permission=ask))

    assert (workspace / "out.txt").read_text() == "hello"
    assert asked[0].name == "Write" and asked[0].call_id == "t1"
    kinds = [e.kind for e in events]
    assert kinds.index("permission_requested") < kinds.index("permission_decided") < kinds.index(
        "tool_call_finished")


async def test_allow_always_adds_the_suggested_rule_so_the_next_call_does_not_ask(fake_api, make_session):
    asked = []

    async def ask(request):
        asked.append(request)
        return PermissionAnswer("allow_always")

    fake_api.add(
        Reply.sse([start("m1"), *tool_input(0, "t1", "Bash", {"command": "echo one"}), *end("tool_use")]),
        Reply.sse([start("m2"), *tool_input(0, "t2", "Bash", {"command": "echo two"}), *end("tool_use")]),
        text_reply("m3", "Done."),
    )
    events = await collect(make_session(permission_mode="default", ask_permission=ask))

    assert len(asked) == 1 and asked[0].rule_suggestion == "Bash(echo:*)"
    assert [f.status for f in of_kind(events, "tool_call_finished")] == ["done", "done"]
    assert "two" in fake_api.bodies()[2]["messages"][-1]["content"][0]["content"]


async def test_accept_edits_mode_writes_files_in_the_workspace_without_asking(fake_api, make_session, workspace):
    _one_call(fake_api, "Write", {"file_path": "out.txt", "content": "hi"})
    events = await collect(make_session(permission_mode="acceptEdits"))

    assert (workspace / "out.txt").read_text() == "hi"
    assert not of_kind(events, "permission_requested")


async def test_plan_mode_refuses_writes_but_reads_run(fake_api, make_session, workspace):
    (workspace / "a.txt").write_text("A\n")
    fake_api.add(
        Reply.sse([start("m1"), *tool_input(0, "t1", "Read", {"file_path": "a.txt"}),
                   *tool_input(1, "t2", "Write", {"file_path": "b.txt", "content": "B"}), *end("tool_use")]),
        text_reply("m2", "Done."),
    )
    events = await collect(make_session(permission_mode="plan"))

    read, write = fake_api.bodies()[1]["messages"][-1]["content"]
    assert not read.get("is_error") and "A" in read["content"]
    assert write.get("is_error") and "plan mode" in write["content"]
    assert not (workspace / "b.txt").exists()
    assert [f.status for f in of_kind(events, "tool_call_finished")] == ["done", "denied"]


async def test_bypass_permissions_mode_runs_commands_without_asking(fake_api, make_session, workspace):
    _one_call(fake_api, "Bash", {"command": "echo ran > marker.txt"})
    await collect(make_session(permission_mode="bypassPermissions"))

    assert (workspace / "marker.txt").read_text().strip() == "ran"


async def test_bash_without_permission_never_runs_the_command(fake_api, make_session, workspace):
    _one_call(fake_api, "Bash", {"command": "touch marker.txt"})
    events = await collect(make_session(permission_mode="default"))

    assert not (workspace / "marker.txt").exists()
    assert _result(fake_api).get("is_error")
    assert of_kind(events, "permission_requested")[0].summary  # the command was shown for the question


async def test_an_allow_rule_lets_a_matching_command_run_headless(fake_api, make_session):
    _one_call(fake_api, "Bash", {"command": "echo allowed-by-rule"})
    events = await collect(make_session(permission_mode="default", allow_rules=["Bash(echo:*)"]))

    assert "allowed-by-rule" in _result(fake_api)["content"]
    assert of_kind(events, "permission_decided")[0].by == "rule"


async def test_bash_does_not_see_the_api_credentials(fake_api, make_session, workspace):
    _one_call(fake_api, "Bash", {"command": "env > env.txt"})
    await collect(make_session(permission_mode="bypassPermissions"))

    env_dump = (workspace / "env.txt").read_text()
    assert "test-key" not in env_dump and "ANTHROPIC_" not in env_dump


async def test_dot_dot_escape_is_refused_and_the_file_never_read(fake_api, make_session, workspace):
    (workspace.parent / "secret.txt").write_text("TOP SECRET\n")
    _one_call(fake_api, "Read", {"file_path": "../secret.txt"})
    await collect(make_session(permission_mode="bypassPermissions"))

    result = _result(fake_api)
    assert result.get("is_error") and "outside the workspace" in result["content"]
    assert "TOP SECRET" not in result["content"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
async def test_symlink_escape_is_refused_and_the_target_never_read(fake_api, make_session, workspace):
    (workspace.parent / "secret.txt").write_text("TOP SECRET\n")
    (workspace / "link.txt").symlink_to(workspace.parent / "secret.txt")
    _one_call(fake_api, "Read", {"file_path": "link.txt"})
    await collect(make_session(permission_mode="bypassPermissions"))

    result = _result(fake_api)
    assert result.get("is_error") and "TOP SECRET" not in result["content"]


async def test_an_added_folder_is_inside_the_workspace(fake_api, make_session, tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "x.txt").write_text("EXTRA\n")
    _one_call(fake_api, "Read", {"file_path": str(extra / "x.txt")})
    await collect(make_session(add_dirs=[extra]))

    assert "EXTRA" in _result(fake_api)["content"]


async def test_an_edit_bound_to_fail_is_answered_with_its_error_without_asking(
        fake_api, make_session, workspace):
    """Nobody is asked to allow an Edit whose old_string the file does not hold (or a file not read
    first): the call ends in the error the edit itself would give, and the run goes on."""
    asked, ask = _allowing()

    (workspace / "a.txt").write_text("alpha\nbeta\n")
    fake_api.add(
        _call("m1", "t1", "Read", {"file_path": "a.txt"}),
        _call("m2", "t2", "Edit", {"file_path": "a.txt", "old_string": "gamma", "new_string": "GAMMA"}),
        _call("m3", "t3", "Write", {"file_path": "b.txt", "content": "new"}),
        text_reply("m4", "Done."),
    )
    (workspace / "b.txt").write_text("never read\n")
    events = await collect(make_session(permission_mode="default", ask_permission=ask))

    assert asked == []
    finished = of_kind(events, "tool_call_finished")
    assert [f.status for f in finished] == ["done", "failed", "failed"]
    assert "old_string not found" in fake_api.bodies()[2]["messages"][-1]["content"][0]["content"]
    assert "has not been read" in fake_api.bodies()[3]["messages"][-1]["content"][0]["content"]
    assert (workspace / "a.txt").read_text() == "alpha\nbeta\n"
    assert (workspace / "b.txt").read_text() == "never read\n"


async def test_an_edit_that_can_succeed_is_still_asked_for(fake_api, make_session, workspace):
    asked, ask = _allowing()

    (workspace / "a.txt").write_text("alpha\nbeta\n")
    fake_api.add(
        _call("m1", "t1", "Read", {"file_path": "a.txt"}),
        _call("m2", "t2", "Edit", {"file_path": "a.txt", "old_string": "beta", "new_string": "BETA"}),
        text_reply("m3", "Done."),
    )
    await collect(make_session(permission_mode="default", ask_permission=ask))

    assert [r.name for r in asked] == ["Edit"]
    assert (workspace / "a.txt").read_text() == "alpha\nBETA\n"


async def test_a_calls_duration_leaves_out_the_wait_for_the_persons_answer(fake_api, make_session):
    import asyncio

    async def ask(request):
        await asyncio.sleep(1.0)  # a person reading the prompt
        return PermissionAnswer("allow")

    _one_call(fake_api, "Bash", {"command": "echo hi"})
    events = await collect(make_session(permission_mode="default", ask_permission=ask))

    finished = of_kind(events, "tool_call_finished")[0]
    assert finished.status == "done"
    assert finished.permission_wait_ms >= 1000
    assert finished.duration_ms < 900
