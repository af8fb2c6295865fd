"""Background shells: Bash `run_in_background` (output file, status, exit code), TaskStop.

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


async def _wait_for(check, what: str = "the condition"):
    """Poll `check()` until it is truthy (bounded by a deadline); its value."""
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        await asyncio.sleep(0.02)
    raise AssertionError(f"never happened: {what}")


def _written(shells, shell_id: str) -> str:
    path = shells.get(shell_id).output_path
    return path.read_text() if path.exists() else ""


async def test_a_background_command_returns_at_once_and_its_output_goes_to_a_file_read_with_read(
        call, workspace, shells):
    os.mkfifo(workspace / "gate")
    started = await call("Bash", command="echo first; cat gate; echo second; exit 3", run_in_background=True)

    assert not started.is_error
    assert started.content.startswith("Command running in background with ID: bash_1")
    assert started.detail["backgroundTaskId"] == "bash_1"
    path = Path(started.detail["outputPath"])
    assert str(path) in started.content and "TaskStop" in started.content
    assert "BashOutput" not in started.content and "KillShell" not in started.content
    await _wait_for(lambda: "first" in _written(shells, "bash_1"), "the first line")
    assert shells.get("bash_1").status == "running" and shells.get("bash_1").exit_code is None

    await _open_gate(workspace / "gate")
    await _wait_for(lambda: shells.get("bash_1").status != "running", "the end")
    await _wait_for(lambda: "second" in _written(shells, "bash_1"), "the last line")
    assert (shells.get("bash_1").status, shells.get("bash_1").exit_code) == ("failed", 3)
    # The file is outside the workspace, yet Read reads it: it is the run's own output.
    read = await call("Read", file_path=str(path))
    assert not read.is_error and "second" in read.content


async def test_a_successful_command_completes_with_exit_code_0_and_ids_count_up(call, shells):
    await call("Bash", command="echo one", run_in_background=True)
    second = await call("Bash", command="printf 'a\\nb\\n'", run_in_background=True)
    assert second.detail["backgroundTaskId"] == "bash_2"

    await _wait_for(lambda: shells.get("bash_1").status != "running" and not shells.get("bash_1").alive)
    assert (shells.get("bash_1").status, shells.get("bash_1").exit_code) == ("completed", 0)
    assert _written(shells, "bash_1") == "one\n"
    await _wait_for(lambda: _written(shells, "bash_2") == "a\nb\n", "the second command's output")


async def test_task_stop_stops_the_command_and_everything_it_started(call, workspace, shells):
    await call("Bash", command="sleep 30 & echo $! > child.pid; echo $$ > shell.pid; wait",
               run_in_background=True)
    await _wait_for(lambda: (workspace / "shell.pid").exists() and (workspace / "shell.pid").read_text().strip())
    child = int((workspace / "child.pid").read_text())
    shell = int((workspace / "shell.pid").read_text())
    assert _alive(child) and _alive(shell)

    stopped = await call("TaskStop", task_id="bash_1")
    assert not stopped.is_error and stopped.content.startswith("Stopped task bash_1")
    assert stopped.detail["task_id"] == "bash_1"
    await _wait_dead(child, shell)
    assert shells.get("bash_1").status == "killed"
    again = await call("TaskStop", shell_id="bash_1")  # the old property name still works
    assert again.is_error and "is not running" in again.content and "killed" in again.content


async def test_unknown_task_ids_and_a_missing_id_are_errors(call, ctx):
    missing = await call("TaskStop", task_id="bash_9")
    assert missing.is_error and missing.content == "No task found with ID: bash_9"
    assert REGISTRY["TaskStop"].validate({}) == "`task_id` is required"
    assert REGISTRY["TaskStop"].input_schema["additionalProperties"] is False


async def test_a_flood_of_output_is_written_whole_to_the_file(call, shells):
    await call("Bash", command="head -c 200000 /dev/zero | tr '\\0' x; echo; echo END", run_in_background=True)
    await _wait_for(lambda: _written(shells, "bash_1").endswith("END\n"), "the end of the output")
    assert _written(shells, "bash_1") == "x" * 200_000 + "\nEND\n"


async def test_closing_kills_running_shells_and_their_children(call, workspace, shells):
    await call("Bash", command="sleep 30 & echo $! > child.pid; echo $$ > shell.pid; wait",
               run_in_background=True)
    await _wait_for(lambda: (workspace / "shell.pid").exists() and (workspace / "shell.pid").read_text().strip())
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


def test_no_bash_output_or_kill_shell_come_with_bash_and_task_stop_is_deferred():
    def toolset(frontmatter: str):
        document = AgentDocument.parse(f"---\nname: a\ndescription: d\n{frontmatter}---\nBody.\n")
        return resolve_toolset(document)

    assert toolset("tools: Read, Bash\n").names == ["Read", "Bash"]
    assert toolset("tools: Read, BashOutput\n").names == ["Read"]
    assert toolset("tools: Bash, KillShell\n").names == ["Bash", "TaskStop"]
    everything = toolset("")
    assert "TaskStop" in everything.deferred and "TaskStop" not in everything.names
    assert not {"BashOutput", "KillShell"} & {*everything.names, *everything.deferred}


async def _wait_dead(*pids: int) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert not any(_alive(p) for p in pids)
