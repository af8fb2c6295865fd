"""Quitting while the Tests view runs samples exits cleanly: the real app in a pseudo-terminal, its
samples held open by the scripted API server, then ctrl+q."""

from __future__ import annotations

import os
import select
import sys
import threading
import time
from pathlib import Path

import pytest
from fake_api import FakeMessagesAPI, Reply, start, text
from pty_app import launch_app

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")

AGENT = """---
name: reviewer
description: Reviews code changes for bugs and style problems.
tools: Read, Grep
---
You review code.
"""

SUITE = """agent: reviewer
repeat: 3
cases:
  - name: reviews
    prompt: review it
    assert: [{output_contains: Reviewed}]
"""


def test_ctrl_q_while_the_tests_view_runs_samples_exits_cleanly(tmp_path: Path) -> None:
    home, project = tmp_path / "home", tmp_path / "project"
    (home / ".claude" / "agents").mkdir(parents=True)
    (project / ".claude" / "agents").mkdir(parents=True)
    (project / ".claude" / "agent-tests").mkdir()
    (project / ".claude" / "agents" / "reviewer.md").write_text(AGENT, encoding="utf-8")
    (project / ".claude" / "agent-tests" / "reviewer.yaml").write_text(SUITE, encoding="utf-8")
    hold = threading.Event()
    with FakeMessagesAPI() as fake:
        fake.route(lambda body: True, lambda: Reply.sse([start("msg_1"), *text(0, "Work")], hold=hold))
        pid, fd = launch_app(project, home, ANTHROPIC_API_KEY="test-key", ANTHROPIC_BASE_URL=fake.url)
        output = bytearray()
        # (what to wait for, then the key to send): the agent open, the view up, samples asked for.
        steps = [(lambda: b"You review code" in output, b"\x12"),  # ctrl+r
                 (lambda: b"Run all" in output, b"r"),
                 (lambda: len(fake.bodies()) >= 3, b"\x11")]  # ctrl+q
        started = time.monotonic()
        status = None
        try:
            while status is None:
                if steps and steps[0][0]():
                    os.write(fd, steps.pop(0)[1])
                if time.monotonic() - started > 40:
                    os.kill(pid, 9)
                    raise AssertionError(f"stuck before step {3 - len(steps)}:\n"
                                         + output.decode("utf-8", "replace")[-2000:])
                if select.select([fd], [], [], 0.02)[0]:
                    try:
                        output += os.read(fd, 65536)
                    except OSError:
                        pass
                done, wait_status = os.waitpid(pid, os.WNOHANG)
                if done:
                    status = os.waitstatus_to_exitcode(wait_status)
        finally:
            hold.set()
            os.close(fd)
    text_out = output.decode("utf-8", "replace")
    assert not steps, text_out[-3000:]
    assert "Traceback" not in text_out, text_out[-3000:]
    assert status == 0, text_out[-3000:]
