"""Background shells: Bash `run_in_background`, BashOutput (new output, status, exit code), KillShell.

The commands wait on a FIFO the test opens, not on sleeps, so each step happens when the test says.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbench.agents.document import AgentDocument
from workbench.runtime.tools import REGISTRY
from workbench.runtime.toolset import resolve_toolset

from .test_bash import _alive

DEADLINE_S = 10


@pytest.fixture
async def shells(ctx):
    """The context's background shells, closed after the test whatever happened."""
    yield ctx.shells
    await ctx.shells.close()


async def _open_gate(path: Path, text: str = "opened\n") -> None:
    """Write to the FIFO the command waits on (opening it blocks until the command reads it)."""
    def write() -> None:
        with open(path, "w") as gate:
            gate.write(text)
    await asyncio.to_thread(write)


async def _read_until(call, shell_id: str, done) -> list:
    """BashOutput results, read until `done(results)` holds (bounded by a deadline)."""
    results = []
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        results.append(await call("BashOutput", bash_id=shell_id))
        if done(results):
            return results
        await asyncio.sleep(0.02)
    raise AssertionError(f"never happened; last read: {results[-1].content if results else None}")


def _output(results) -> str:
    return "".join(r.detail["stdout"] for r in results)


async def test_a_background_command_returns_at_once_and_its_output_is_read_in_steps(call, workspace, shells):
    os.mkfifo(workspace / "gate")
    started = await call("Bash", command="echo first; cat gate; echo second; exit 3", run_in_background=True)

    assert not started.is_error
    assert started.content.startswith("Command running in background with ID: bash_1")
    assert started.detail["backgroundTaskId"] == "bash_1"
    first = await _read_until(call, "bash_1", lambda rs: "first" in _output(rs))
    assert first[-1].detail["status"] == "running" and first[-1].detail["exitCode"] is None
    assert "<status>running</status>" in first[-1].content and "<exit_code>" not in first[-1].content

    await _open_gate(workspace / "gate")
    rest = await _read_until(call, "bash_1", lambda rs: rs[-1].detail["status"] != "running")
    # Only what is new since the last read, then the status and the exit code.
    assert _output(rest) == "opened\nsecond\n"
    last = rest[-1]
    assert not last.is_error and last.detail["status"] == "failed" and last.detail["exitCode"] == 3
    assert "<status>failed</status>" in last.content and "<exit_code>3</exit_code>" in last.content
    again = await call("BashOutput", bash_id="bash_1")
    assert again.detail["stdout"] == "" and "(no new output)" in again.content


async def test_a_successful_command_completes_with_exit_code_0_and_ids_count_up(call, shells):
    await call("Bash", command="echo one", run_in_background=True)
    second = await call("Bash", command="printf 'a\\nkeep b\\nc\\nkeep d\\n'", run_in_background=True)
    assert second.detail["backgroundTaskId"] == "bash_2"

    done = await _read_until(call, "bash_1", lambda rs: rs[-1].detail["status"] != "running")
    assert (done[-1].detail["status"], done[-1].detail["exitCode"]) == ("completed", 0)
    assert _output(done) == "one\n"
    # A filter keeps the matching lines of each read; the others are dropped.
    kept = []
    deadline = time.monotonic() + DEADLINE_S
    while not kept or kept[-1].detail["status"] == "running":
        assert time.monotonic() < deadline
        kept.append(await call("BashOutput", bash_id="bash_2", filter="^keep"))
        await asyncio.sleep(0.02)
    assert "\n".join(r.detail["stdout"] for r in kept if r.detail["stdout"]) == "keep b\nkeep d"
    assert kept[-1].detail["filterPattern"] == "^keep"


async def test_kill_shell_stops_the_command_and_everything_it_started(call, workspace, shells):
    await call("Bash", command="sleep 30 & echo $! > child.pid; echo $$ > shell.pid; wait",
               run_in_background=True)
    await _read_until(call, "bash_1", lambda rs: (workspace / "shell.pid").exists()
                      and (workspace / "shell.pid").read_text().strip())
    child = int((workspace / "child.pid").read_text())
    shell = int((workspace / "shell.pid").read_text())
    assert _alive(child) and _alive(shell)

    killed = await call("KillShell", shell_id="bash_1")
    assert not killed.is_error and killed.content.startswith("Successfully killed shell: bash_1")
    assert killed.detail == {"message": killed.content, "shell_id": "bash_1"}
    await _wait_dead(child, shell)
    status = await call("BashOutput", bash_id="bash_1")
    assert status.detail["status"] == "killed" and "<status>killed</status>" in status.content
    again = await call("KillShell", shell_id="bash_1")
    assert again.is_error and "is not running" in again.content and "killed" in again.content


async def test_unknown_shell_ids_and_bad_filters_are_errors(call, ctx):
    missing = await call("BashOutput", bash_id="bash_9")
    assert missing.is_error and missing.content == "No shell found with ID: bash_9"
    assert (await call("KillShell", shell_id="bash_9")).is_error
    problem = REGISTRY["BashOutput"].validate({"bash_id": "bash_1", "filter": "("})
    assert problem.startswith("`filter` is not a valid regular expression")
    assert REGISTRY["BashOutput"].validate({}) == "`bash_id` is required"


async def test_a_flood_of_output_is_cut_to_its_head_and_tail_per_read(call, shells):
    await call("Bash", command="head -c 200000 /dev/zero | tr '\\0' x; echo; echo END", run_in_background=True)
    deadline = time.monotonic() + DEADLINE_S
    while shells.get("bash_1").running:  # unread until it ends: one read gets all of it
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)
    result = await call("BashOutput", bash_id="bash_1")
    assert len(result.content) < 31_000 and result.detail["stdout"].rstrip().endswith("END")
    assert result.detail["stdout"].startswith("x" * 1000)
    assert "characters of output not shown" in result.content


async def test_closing_kills_running_shells_and_their_children(call, workspace, shells):
    await call("Bash", command="sleep 30 & echo $! > child.pid; echo $$ > shell.pid; wait",
               run_in_background=True)
    await _read_until(call, "bash_1", lambda rs: (workspace / "shell.pid").exists()
                      and (workspace / "shell.pid").read_text().strip())
    child = int((workspace / "child.pid").read_text())
    shell = int((workspace / "shell.pid").read_text())

    await shells.close()
    await _wait_dead(child, shell)
    assert shells.get("bash_1").status == "killed"


def test_background_shells_do_not_outlive_the_interpreter(tmp_path):
    script = (
        "import asyncio, pathlib, sys\n"
        "from workbench.runtime.tools import REGISTRY, ToolContext\n"
        "async def main():\n"
        "    ws = pathlib.Path(sys.argv[1])\n"
        "    ctx = ToolContext(cwd=ws, roots=(ws,))\n"
        "    await REGISTRY['Bash'].run({'command': 'echo $$ > pid; exec sleep 30', "
        "'run_in_background': True}, ctx)\n"
        "    while not (ws / 'pid').exists() or not (ws / 'pid').read_text().strip():\n"
        "        await asyncio.sleep(0.01)\n"
        "asyncio.run(main())\n"  # ends without closing the shells
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True, timeout=DEADLINE_S)
    pid = int((tmp_path / "pid").read_text())
    deadline = time.monotonic() + DEADLINE_S
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _alive(pid)


def test_bash_output_and_kill_shell_come_with_bash_and_only_with_it():
    def names(frontmatter: str) -> list[str]:
        document = AgentDocument.parse(f"---\nname: a\ndescription: d\n{frontmatter}---\nBody.\n")
        return resolve_toolset(document).names

    assert names("tools: Read, Bash\n") == ["Read", "Bash", "BashOutput", "KillShell"]
    assert "BashOutput" not in names("tools: Read, BashOutput\n")
    everything = names("")
    assert {"Bash", "BashOutput", "KillShell"} <= set(everything)
    assert not {"Bash", "BashOutput", "KillShell"} & set(names("disallowedTools: Bash\n"))
    assert names("tools: Bash\ndisallowedTools: KillShell\n") == ["Bash", "BashOutput"]


async def _wait_dead(*pids: int) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert not any(_alive(p) for p in pids)
