"""Bash: cwd, exit codes, output caps, credentials removed, and nothing left running after a
timeout or a cancel."""

from __future__ import annotations

import asyncio
import os
import time

from workbench.runtime.tools import REGISTRY, ToolContext
from workbench.runtime.tools import bash


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie waiting for its parent is dead for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


async def _wait_for_file(path, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not path.exists() or not path.read_text().strip():
        assert time.monotonic() < deadline, f"{path} never appeared"
        await asyncio.sleep(0.02)
    return path.read_text()


async def test_runs_in_the_working_directory_and_merges_stderr(workspace, call):
    result = await call("Bash", command="pwd; echo oops >&2")
    assert not result.is_error
    assert result.content == f"{workspace}\noops\n"
    assert result.detail["stdout"] == result.content and result.detail["exit_code"] == 0


async def test_a_failing_command_is_an_error_with_its_exit_code(call):
    result = await call("Bash", command="echo partial; exit 3")
    # As Claude Code: the exit code first, then the output.
    assert result.is_error and result.content == "Exit code 3\npartial"
    assert result.detail["exit_code"] == 3


async def test_exit_one_from_search_commands_is_not_an_error(call):
    assert not (await call("Bash", command="grep nothing-here /dev/null")).is_error
    assert (await call("Bash", command="false")).is_error


async def test_api_credentials_are_not_in_the_commands_environment(workspace):
    env = {"PATH": os.environ["PATH"], "ANTHROPIC_API_KEY": "sk-secret", "ANTHROPIC_AUTH_TOKEN": "tok",
           "CLAUDE_CODE_OAUTH_TOKEN": "oauth", "ANTHROPIC_BASE_URL": "http://127.0.0.1:1", "KEEP": "yes"}
    ctx = ToolContext(cwd=workspace, roots=(workspace,), env=env)
    result = await REGISTRY["Bash"].run({"command": "env"}, ctx)
    assert "sk-secret" not in result.content and "tok" not in result.content.replace("KEEP", "")
    assert "oauth" not in result.content
    assert "KEEP=yes" in result.content and "ANTHROPIC_BASE_URL=" in result.content


async def test_credentials_from_the_process_environment_are_removed_too(workspace, call, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-from-process")
    result = await call("Bash", command="echo key=${ANTHROPIC_API_KEY:-unset}")
    assert result.content == "key=unset\n"


async def test_long_output_keeps_head_and_tail_and_says_what_was_cut(call):
    result = await call("Bash", command="seq 1 100000")
    assert not result.is_error
    assert len(result.content) < bash.MAX_OUTPUT_CHARS + 200
    assert result.content.startswith("1\n2\n3\n") and result.content.rstrip().endswith("100000")
    assert "[output cut:" in result.content


async def test_timeout_kills_the_whole_process_group(workspace, call):
    pid_file = workspace / "child.pid"
    started = time.monotonic()
    result = await call("Bash", command=f"sleep 30 & echo $! > {pid_file}; echo started; wait",
                        timeout=500)
    assert time.monotonic() - started < 5
    assert result.is_error and "timed out after 500 ms" in result.content
    assert "started" in result.content
    assert result.detail["interrupted"] is True and result.detail["timedOutAfterMs"] == 500
    child = int(pid_file.read_text())
    await asyncio.sleep(0.1)
    assert not _alive(child)


async def test_a_command_still_running_at_its_timeout_goes_on_in_the_background(workspace, ctx, call):
    pid_file = workspace / "build.pid"
    gate = workspace / "gate"
    os.mkfifo(gate)
    try:
        result = await call("Bash", command=f"echo $$ > {pid_file}; echo compiling; cat {gate}; echo linked",
                            timeout=300)
        # Not an error: the command is still going, as in Claude Code.
        assert not result.is_error
        assert result.content.startswith("compiling\n")
        assert "did not complete within its 0.3s timeout and was moved to the background" in result.content
        shell_id = result.detail["backgroundTaskId"]
        assert result.detail["timedOutAfterMs"] == 300 and shell_id in result.content
        shell = ctx.shells.get(shell_id)
        assert shell is not None and shell.running and _alive(int(pid_file.read_text()))
        # What it prints after the timeout goes to the task's output file, named in the result.
        assert result.detail["outputPath"] in result.content
        await asyncio.to_thread(gate.write_text, "go\n")
        for _ in range(500):
            if not shell.alive:
                break
            await asyncio.sleep(0.01)
        assert "go\nlinked\n" in shell.output_path.read_text() and shell.status == "completed"
    finally:
        await ctx.shells.close()


async def test_sleep_git_and_unparsed_compound_commands_are_killed_at_the_timeout(workspace, ctx, call):
    # Killed at the timeout as Claude Code does: commands starting with sleep, git commands, and
    # compound commands it cannot parse (a substitution among several).
    for command in ("sleep 30", "git --version && sleep 30", "echo $(date) && sleep 30"):
        result = await call("Bash", command=command, timeout=300)
        assert result.is_error and "timed out after 300 ms and was killed" in result.content, command
    assert not list(ctx.shells)
    assert bash.moves_to_background("npm run build > build.log")
    assert bash.moves_to_background("make -j8 && ./run-tests")
    assert bash.moves_to_background("cd web && npm run build > build.log")
    assert not bash.moves_to_background("sleep 5 && make")


async def test_a_child_that_ignores_sigterm_is_killed_anyway(workspace, call):
    pid_file = workspace / "stubborn.pid"
    # Starting with `sleep`: stopped at its timeout, not moved to the background.
    command = f"sleep 0; sh -c 'trap \"\" TERM; echo $$ > {pid_file}; while :; do sleep 0.1; done' & wait"
    result = await call("Bash", command=command, timeout=400)
    assert result.is_error
    await asyncio.sleep(0.1)
    assert not _alive(int(pid_file.read_text()))


async def test_cancelling_the_call_kills_the_process_group(workspace, ctx):
    pid_file = workspace / "c.pid"
    task = asyncio.ensure_future(REGISTRY["Bash"].run(
        {"command": f"sleep 30 & echo $! > {pid_file}; wait"}, ctx))
    child = int(await _wait_for_file(pid_file))
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    else:
        raise AssertionError("the cancel was swallowed")
    await asyncio.sleep(0.1)
    assert not _alive(child)


async def test_a_background_child_holding_the_output_does_not_block_the_result(call):
    started = time.monotonic()
    result = await call("Bash", command="sleep 5 & echo done")
    assert not result.is_error and result.content.startswith("done")
    assert time.monotonic() - started < 4


async def test_timeouts_are_clamped(call):
    clamped = await call("Bash", command="echo fine", timeout=10_000_000)
    assert clamped.content == "fine\n"


def test_validation_and_permission_summary(ctx):
    tool = REGISTRY["Bash"]
    assert tool.validate({}) == "`command` is required"
    assert tool.validate({"command": "  "}) == "`command` is empty"
    assert tool.validate({"command": "ls", "timeout": 0}) == \
        "`timeout` must be a positive number of milliseconds"
    summary = tool.permission_summary({"command": "rm -rf build && make", "description": "Rebuild"}, ctx)
    assert summary == "rm -rf build && make\n# Rebuild"


def test_scrub_env_removes_keys_tokens_and_secrets_only():
    env = {"ANTHROPIC_API_KEY": "a", "ANTHROPIC_AUTH_TOKEN": "b", "ANTHROPIC_FOO_SECRET": "c",
           "ANTHROPIC_MODEL": "m", "HOME": "/h"}
    assert bash.scrub_env(env) == {"ANTHROPIC_MODEL": "m", "HOME": "/h"}


async def test_a_missing_working_directory_is_an_error_result(tmp_path):
    gone = tmp_path / "gone"
    ctx = ToolContext(cwd=gone, roots=(gone,))
    result = await REGISTRY["Bash"].run({"command": "ls"}, ctx)
    assert result.is_error and "cannot run the command" in result.content
