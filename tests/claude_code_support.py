"""Helpers for tests that run the real Claude Code CLI (bundled in `claude-agent-sdk`) against the
scripted Messages API (tests/fake_api.py): a fresh git project, replies in the shapes the CLI reads,
and the requests the CLI sent, told apart (main thread or subagent)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from fake_api import Reply, end, start, text, text_reply, tool_input

AGENT = """---
name: helper
description: Helps with files in the project.
tools: Read, Edit, Bash
---
You are the helper agent. BODY-MARKER-1.
"""


def is_side_request(body: dict) -> bool:
    """A request Claude Code makes beside the conversation (naming the session): it carries no tools
    and its system prompt is not the agent's."""
    return not body.get("tools") and "naming a coding session" in system_text(body)


def serve_claude_code(fake) -> None:
    """Answer Claude Code's side requests with a short title, outside the scripted replies."""
    fake.route(is_side_request, lambda: text_reply("msg_title", '{"title": "Test session"}'))


def conversation(fake) -> list[dict]:
    """The bodies of the conversation's requests (side requests left out)."""
    return [body for body in fake.bodies() if not is_side_request(body)]


def git_project(folder: Path) -> Path:
    """A fresh git repository with one file, as a project to run in."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    (folder / "notes.txt").write_text("alpha\nbeta\n", encoding="utf-8")
    return folder


def delegate(msg_id: str, call_id: str = "toolu_agent", agent: str = "helper",
             prompt: str = "something else") -> Reply:
    """The main thread's reply that hands a task to `agent` (with some other prompt: the engine
    must replace it by the task)."""
    return Reply.sse([start(msg_id), *tool_input(0, call_id, "Agent",
                                                 {"subagent_type": agent, "description": "delegate",
                                                  "prompt": prompt}), *end("tool_use")])


def calls(msg_id: str, *uses: tuple[str, str, dict], lead: str = "") -> Reply:
    """A reply that makes tool calls (`(call id, tool, input)`), after some text if `lead`."""
    frames = [start(msg_id)]
    index = 0
    if lead:
        frames += text(0, lead)
        index = 1
    for offset, (call_id, name, value) in enumerate(uses):
        frames += tool_input(index + offset, call_id, name, value)
    return Reply.sse([*frames, *end("tool_use")])


def system_text(body: dict) -> str:
    """A request's system prompt as one string."""
    system = body.get("system") or ""
    if isinstance(system, list):
        return "\n".join(block.get("text", "") for block in system if isinstance(block, dict))
    return str(system)


def is_subagent(body: dict) -> bool:
    """Whether Claude Code sent this request for a subagent (it marks their system prompt)."""
    return "cc_is_subagent=true" in system_text(body)


def first_user_text(body: dict) -> str:
    """The text blocks of a request's first user message."""
    content = body["messages"][0]["content"]
    if isinstance(content, str):
        return content
    return "\n".join(block.get("text", "") for block in content if block.get("type") == "text")


def dumps(body: dict) -> str:
    return json.dumps(body)
