"""A long Claude Code-shaped session written for the viewer's scrolling tests (made-up data).

Each turn: a short reply, one tool call (Read, Bash or Grep in turn), its result of a few lines; a
new prompt every tenth turn; every `ERROR_EVERY`th call fails. Big enough (over the viewer's 256 KB
head) that the viewer shows the head first and then the whole file, as it does for a real session.
"""

from __future__ import annotations

import json
from pathlib import Path

TOOLS = ("Read", "Bash", "Grep")
ERROR_EVERY = 37


def call_id(i: int) -> str:
    return f"toolu_{i:04d}"


def tool_of(i: int) -> str:
    return TOOLS[i % len(TOOLS)]


def failed(i: int) -> bool:
    return i % ERROR_EVERY == ERROR_EVERY - 1


def write_long_session(path: Path, calls: int = 240, result_lines: int = 40) -> Path:
    """Write the session to `path` and return it."""
    lines: list[str] = []
    last: str | None = None

    def add(kind: str, **extra) -> None:
        nonlocal last
        uuid = f"u{len(lines) + 1:06d}"
        lines.append(json.dumps({
            "parentUuid": last, "isSidechain": False, "userType": "external",
            "cwd": "/home/dev/project", "sessionId": "long-session", "version": "2.1.300",
            "type": kind, "uuid": uuid, "timestamp": "2026-11-20T10:00:00.000Z", **extra,
        }))
        last = uuid

    usage = {"input_tokens": 3, "output_tokens": 5, "cache_creation_input_tokens": 0,
             "cache_read_input_tokens": 100}
    for i in range(calls):
        if i % 10 == 0:
            add("user", message={"role": "user", "content": f"prompt {i // 10}: read part {i}"})
        call = {"type": "tool_use", "id": call_id(i), "name": tool_of(i),
                "input": {"file_path": f"/home/dev/project/src/m{i}.py"}}
        for block in ({"type": "text", "text": f"Step {i}: looking at m{i}.py next."}, call):
            add("assistant", requestId=f"req_{i}", message={
                "id": f"msg_{i:04d}", "type": "message", "role": "assistant",
                "model": "claude-sonnet-4-5-20250929", "content": [block],
                "stop_reason": "tool_use", "usage": usage})
        body = "".join(f"{n:>6}\u2192    line {n} of m{i}.py\n" for n in range(1, result_lines + 1))
        result = {"type": "tool_result", "tool_use_id": call_id(i), "content": body}
        if failed(i):
            result["is_error"] = True
        add("user", message={"role": "user", "content": [result]})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
