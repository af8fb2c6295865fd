"""`workbench run` end to end against the scripted server (ANTHROPIC_BASE_URL): as a subprocess where
the process itself matters (output, kill, interrupt), in-process through `cli.main` elsewhere."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from fake_api import Reply, cut_text_reply, end, error_body, start, text, text_reply, tool_input

from workbench.cli import main
from workbench.transcripts.reader import read_transcript

AGENT = "---\nname: reader\ndescription: Reads files.\ntools: Read\n---\nYou read files.\n"


def _command(agent: Path, workspace: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "workbench", "run", str(agent), "read a.txt", "--cwd", str(workspace), *extra]


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60,
                          env={**os.environ, **env})


def _setup(tmp_path: Path, workspace: Path) -> Path:
    (workspace / "a.txt").write_text("ALPHA\n")
    agent = tmp_path / "reader.md"
    agent.write_text(AGENT)
    return agent


def test_text_output_streams_the_reply_a_line_per_tool_call_and_the_cost(fake_api, tmp_path, workspace):
    agent = _setup(tmp_path, workspace)
    fake_api.add(
        Reply.sse([start("m1"), *text(0, "Let me look."), *tool_input(1, "t1", "Read", {"file_path": "a.txt"}),
                   *end("tool_use")]),
        text_reply("m2", "It says ALPHA."),
    )
    transcript = tmp_path / "t.jsonl"
    done = _run(_command(agent, workspace, "--transcript", str(transcript)))

    assert done.returncode == 0, done.stderr
    assert "Let me look." in done.stdout and "It says ALPHA." in done.stdout
    assert "⏺ Read(a.txt) → ok" in done.stdout
    assert "2 turn(s), 1 tool call(s)" in done.stdout and "cost $" in done.stdout
    assert f"transcript: {transcript}" in done.stderr
    assert read_transcript(transcript).tool_calls["t1"].result is not None


def test_jsonl_output_prints_every_event_as_json(fake_api, tmp_path, workspace, capsys):
    agent = _setup(tmp_path, workspace)
    fake_api.add(text_reply("m1", "Hi."))
    status = main(_command(agent, workspace, "--output", "jsonl")[3:])

    out = capsys.readouterr().out
    assert status == 0
    events = [json.loads(line) for line in out.splitlines()]
    assert events[0]["event"] == "run_started" and events[-1]["event"] == "run_ended"
    assert events[-1]["status"] == "completed"
    assert {"text_delta", "usage", "assistant_message"} <= {e["event"] for e in events}


def test_no_api_key_is_one_line_on_stderr(tmp_path, workspace, capsys):
    agent = _setup(tmp_path, workspace)
    status = main(_command(agent, workspace)[3:])

    assert status == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "workbench: no API key: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN)"]


def test_an_unknown_agent_is_one_line_on_stderr(fake_api, workspace, capsys):
    status = main(["run", "no-such-agent", "hi", "--cwd", str(workspace)])

    err = capsys.readouterr().err
    assert status == 2 and "no-such-agent" in err and len(err.strip().splitlines()) == 1


def test_a_bad_permission_mode_is_one_line_on_stderr(fake_api, tmp_path, workspace, capsys):
    agent = _setup(tmp_path, workspace)
    status = main(_command(agent, workspace, "--permission-mode", "yolo")[3:])

    err = capsys.readouterr().err
    assert status == 2 and "unknown permission mode" in err and len(err.strip().splitlines()) == 1


def test_api_failure_after_retries_exits_non_zero_with_one_line(fake_api, tmp_path, workspace, capsys,
                                                                 monkeypatch):
    monkeypatch.setenv("WORKBENCH_RETRY_DELAY_SCALE", "0")
    agent = _setup(tmp_path, workspace)
    fake_api.add(*[Reply.json(529, error_body("overloaded_error", "Overloaded"))] * 5)
    status = main(_command(agent, workspace)[3:])

    err = capsys.readouterr().err
    assert status == 1
    failure = [line for line in err.splitlines() if line.startswith("workbench:")]
    assert len(failure) == 1 and "overloaded_error" in failure[0]
    assert err.count("retrying in") == 4


def _two_dropped_then_whole(fake_api) -> None:
    fake_api.add(cut_text_reply("m1", "The answer ", "is"), cut_text_reply("m2", "The answer "),
                 text_reply("m3", "The answer ", "is 42."))


def test_piped_text_output_holds_a_retried_reply_once(fake_api, tmp_path, workspace):
    agent = _setup(tmp_path, workspace)
    _two_dropped_then_whole(fake_api)
    done = _run(_command(agent, workspace, "--transcript", str(tmp_path / "t.jsonl")),
                WORKBENCH_RETRY_DELAY_SCALE="0")

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "The answer is 42."
    assert done.stdout.count("The answer") == 1
    retries = [line for line in done.stderr.splitlines() if line.startswith("retrying in")]
    assert len(retries) == 2 and all("ended before" in line for line in retries)


def test_on_a_terminal_a_retried_reply_restarts_on_a_clean_line(fake_api, tmp_path, workspace):
    agent = _setup(tmp_path, workspace)
    _two_dropped_then_whole(fake_api)
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(_command(agent, workspace, "--transcript", str(tmp_path / "t.jsonl")),
                            stdout=secondary, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                            env={**os.environ, "WORKBENCH_RETRY_DELAY_SCALE": "0"})
    os.close(secondary)
    shown = b""
    try:
        while chunk := os.read(primary, 4096):
            shown += chunk
    except OSError:  # the terminal's far end closed: the process has exited
        pass
    finally:
        os.close(primary)
    err = proc.communicate(timeout=60)[1]

    assert proc.returncode == 0, err
    # What each attempt said, each from the start of a line and never run together.
    assert shown.decode().splitlines()[:3] == ["The answer is", "The answer ", "The answer is 42."]
    assert len([line for line in err.splitlines() if line.startswith("retrying in")]) == 2


def _wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def _held_run(fake_api, tmp_path, workspace) -> tuple[subprocess.Popen, Path, threading.Event]:
    agent = _setup(tmp_path, workspace)
    hold = threading.Event()
    fake_api.add(
        Reply.sse([start("m1"), *tool_input(0, "t1", "Read", {"file_path": "a.txt"}), *end("tool_use")]),
        Reply.sse([start("m2"), *text(0, "Still thinking")], hold=hold),
    )
    transcript = tmp_path / "t.jsonl"
    proc = subprocess.Popen(_command(agent, workspace, "--transcript", str(transcript)), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    _wait_for(lambda: len(fake_api.bodies()) == 2)
    return proc, transcript, hold


def test_a_transcript_cut_by_a_kill_is_still_readable(fake_api, tmp_path, workspace):
    proc, transcript, hold = _held_run(fake_api, tmp_path, workspace)
    try:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        hold.set()
        proc.communicate()

    read_back = read_transcript(transcript)
    assert read_back.tool_calls["t1"].result is not None
    kinds = [e.kind for e in read_back.events]
    assert kinds[0] == "run_started" and "run_ended" not in kinds


def test_interrupt_cancels_the_run_with_exit_130(fake_api, tmp_path, workspace):
    proc, transcript, hold = _held_run(fake_api, tmp_path, workspace)
    try:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    finally:
        hold.set()

    assert proc.returncode == 130 and "workbench: cancelled" in stderr and "Traceback" not in stderr
    last = json.loads(transcript.read_text().splitlines()[-1])
    assert last["subtype"] == "run_ended" and last["event"]["status"] == "cancelled"


def test_default_mode_asks_on_the_terminal_when_there_is_one(fake_api, tmp_path, workspace):
    import pty

    agent = tmp_path / "shell.md"
    agent.write_text("---\nname: shell\ndescription: Runs commands.\ntools: Bash\n---\nYou run commands.\n")
    fake_api.add(
        Reply.sse([start("m1"), *tool_input(0, "t1", "Bash", {"command": "echo yes > marker.txt"}),
                   *end("tool_use")]),
        text_reply("m2", "Done."),
    )
    controller, terminal = pty.openpty()
    try:
        os.write(controller, b"y\n")  # the answer waits in the terminal until the question is asked
        done = subprocess.run([sys.executable, "-m", "workbench", "run", str(agent), "go", "--cwd", str(workspace)],
                              stdin=terminal, capture_output=True, text=True, timeout=60)
    finally:
        os.close(terminal)
        os.close(controller)

    assert done.returncode == 0, done.stderr
    assert "Allow Bash?" in done.stderr and "echo yes > marker.txt" in done.stderr
    assert (workspace / "marker.txt").read_text().strip() == "yes"


def test_an_agent_is_found_by_name_in_the_project_catalog(fake_api, workspace, capsys):
    agents = workspace / ".claude" / "agents"
    agents.mkdir(parents=True)
    (agents / "some-file.md").write_text(AGENT)
    fake_api.add(text_reply("m1", "Found."))
    status = main(["run", "Reader", "hi", "--cwd", str(workspace), "--output", "jsonl"])

    assert status == 0
    started = json.loads(capsys.readouterr().out.splitlines()[0])
    assert started["agent"]["name"] == "reader" and started["agent"]["path"].endswith("some-file.md")
