"""`workbench test --engine claude-code`: each sample runs in the real Claude Code (the CLI bundled
with `claude-agent-sdk`) against the scripted server, in its temp workspace, checked by the same
assertions. Skipped when the SDK is not installed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("claude_agent_sdk")

from claude_code_support import calls, conversation, delegate, is_subagent, serve_claude_code  # noqa: E402
from fake_api import text_reply  # noqa: E402

ROOT = str(Path(__file__).resolve().parents[2])
AGENT = "---\nname: lister\ndescription: Lists files.\ntools: Glob, Read\n---\nYou list files. LISTER-BODY.\n"
SUITE = """\
agent: lister
repeat: 1
cases:
  - name: lists
    prompt: list the text files
    files: {"alpha.txt": "a", "beta.txt": "b"}
    assert:
      - tool_called: Glob
        with: {pattern: "txt"}
      - tool_not_called: Agent
      - output_contains: alpha.txt
      - max_tool_calls: 1
      - file_unchanged: alpha.txt
"""


def test_samples_run_in_claude_code_with_the_same_assertions(fake_api, tmp_path, monkeypatch):
    serve_claude_code(fake_api)
    project = tmp_path / "proj"
    (project / ".claude" / "agents").mkdir(parents=True)
    (project / ".claude" / "agents" / "lister.md").write_text(AGENT)
    (project / ".claude" / "agent-tests").mkdir()
    (project / ".claude" / "agent-tests" / "lister.yaml").write_text(SUITE)
    fake_api.add(delegate("msg_main", agent="lister"),
                 calls("msg_sub1", ("toolu_glob", "Glob", {"pattern": "*.txt"})),
                 text_reply("msg_sub2", "Found alpha.txt and beta.txt."))

    done = subprocess.run(
        [sys.executable, "-m", "workbench", "test", "--engine", "claude-code", "--format", "json"],
        cwd=project, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=180,
        env={**os.environ, "CLAUDE_CODE_MAX_RETRIES": "1",
             "PYTHONPATH": os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))})

    assert done.returncode == 0, done.stdout + done.stderr
    [case] = json.loads(done.stdout)["cases"]
    assert (case["case"], case["passed"], case["ok"], case["engine"]) == ("lists", 1, True, "claude-code")
    assert case["model"].startswith("claude-")
    sub = [b for b in conversation(fake_api) if is_subagent(b)]
    assert sub and "LISTER-BODY" in json.dumps(sub[0]["system"])
