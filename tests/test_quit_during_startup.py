"""Quitting while the first screen is still being built exits cleanly.

The real app runs in a pseudo-terminal (as a person launches it) and gets ctrl+q at several
moments of its start-up: the catalog load, the chat pane's mount and the first agent's editor are
all scheduled then, and each must cope with the app closing under it.
"""

from __future__ import annotations

import os
import select
import sys
import time
from pathlib import Path

import pytest
from pty_app import launch_app

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")

AGENT = """---
name: reviewer
description: Reviews code changes for bugs and style problems.
tools: Read, Grep
---
You review code.
"""


def _launch_and_quit(tmp_path: Path, delay: float, timeout: float = 10.0) -> tuple[int, str]:
    home = tmp_path / f"home-{delay}"
    project = tmp_path / f"project-{delay}"
    (home / ".claude" / "agents").mkdir(parents=True)
    (project / ".claude" / "agents").mkdir(parents=True)
    (project / ".claude" / "agents" / "reviewer.md").write_text(AGENT, encoding="utf-8")
    pid, fd = launch_app(project, home, ANTHROPIC_API_KEY=None)
    output = bytearray()
    started = time.monotonic()
    sent = False
    status = None
    while status is None:
        now = time.monotonic() - started
        if not sent and now >= delay:
            os.write(fd, b"\x11")  # ctrl+q
            sent = True
        if now > timeout:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            os.close(fd)
            raise AssertionError(f"the app did not exit within {timeout} s:\n"
                                 + output.decode("utf-8", "replace")[-2000:])
        ready, _, _ = select.select([fd], [], [], 0.02)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                chunk = b""
            output += chunk
        done, wait_status = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(wait_status)
    try:
        while select.select([fd], [], [], 0.05)[0]:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            output += chunk
    except OSError:
        pass
    os.close(fd)
    return status, output.decode("utf-8", "replace")


@pytest.mark.parametrize("delay", [0.3, 0.7, 1.0, 1.5])
def test_ctrl_q_during_startup_exits_cleanly(tmp_path: Path, delay: float) -> None:
    status, output = _launch_and_quit(tmp_path, delay)
    assert "Traceback" not in output, output[-3000:]
    assert status == 0, output[-3000:]
