"""Builders of fixture sessions (made-up data, never a real person's transcript)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SESSION_ID = "5e55-1111"
MODEL = "claude-sonnet-4-5-20250929"


class Lines:
    """Builds Claude Code-shaped JSONL lines with threaded uuids."""

    def __init__(self, session_id: str = SESSION_ID, agent_id: str | None = None) -> None:
        self.session_id = session_id
        self.agent_id = agent_id
        self.lines: list[str] = []
        self._n = 0
        self._last: str | None = None

    def _base(self, kind: str, **extra: Any) -> dict[str, Any]:
        self._n += 1
        uuid = f"{self.agent_id or 'main'}-u{self._n}"
        out = {
            "parentUuid": self._last,
            "isSidechain": self.agent_id is not None,
            "userType": "external",
            "cwd": "/home/dev/project",
            "sessionId": self.session_id,
            "version": "2.1.300",
            "type": kind,
            "uuid": uuid,
            "timestamp": f"2026-11-20T10:00:{self._n:02d}.000Z",
        }
        if self.agent_id:
            out["agentId"] = self.agent_id
        out.update(extra)
        self._last = uuid
        return out

    def add(self, data: dict[str, Any]) -> None:
        self.lines.append(json.dumps(data))

    def prompt(self, text: str, **extra: Any) -> None:
        self.add(self._base("user", message={"role": "user", "content": text}, **extra))

    def response(
        self,
        msg_id: str,
        blocks: list[dict[str, Any]],
        usage: dict[str, Any],
        request_id: str | None = "req_1",
        stop_reason: str | None = "end_turn",
        model: str = MODEL,
    ) -> None:
        """One assistant line holding `blocks` of response `msg_id`."""
        message = {
            "id": msg_id,
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": blocks,
            "stop_reason": stop_reason,
            "usage": usage,
        }
        extra = {"requestId": request_id} if request_id else {}
        self.add(self._base("assistant", message=message, **extra))

    def result(
        self, call_id: str, content: Any, detail: Any = None, is_error: bool = False
    ) -> None:
        block = {"type": "tool_result", "tool_use_id": call_id, "content": content}
        if is_error:
            block["is_error"] = True
        extra = {"toolUseResult": detail} if detail is not None else {}
        self.add(self._base("user", message={"role": "user", "content": [block]}, **extra))

    def write(self, path: Path, tail: bytes = b"") -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(("\n".join(self.lines) + "\n").encode() + tail)
        return path


def usage(inp: int, out: int, write: int = 0, read: int = 0) -> dict[str, Any]:
    return {
        "input_tokens": inp,
        "output_tokens": out,
        "cache_creation_input_tokens": write,
        "cache_read_input_tokens": read,
        "service_tier": "standard",
    }


def tool_use(call_id: str, name: str, **inp: Any) -> dict[str, Any]:
    return {"type": "tool_use", "id": call_id, "name": name, "input": inp}


EDIT_DETAIL = {
    "filePath": "/home/dev/project/app.py",
    "oldString": "print('hi')",
    "newString": "print('hello')",
    "originalFile": "import os\nprint('hi')\n",
    "structuredPatch": [
        {
            "oldStart": 1,
            "oldLines": 2,
            "newStart": 1,
            "newLines": 2,
            "lines": [" import os", "-print('hi')", "+print('hello')"],
        }
    ],
    "userModified": False,
    "replaceAll": False,
}


def write_rich_session(project: Path) -> Path:
    """A Claude Code session with every case the reader must handle.

    Responses: msg_1 (split over 3 lines, partial usage first), msg_2 (parallel Read + Bash, the
    Bash fails), msg_3 (Edit), msg_4 (Agent -> current-layout subagent), msg_5 (Task -> legacy
    subagent), then compaction, msg_6, unknown entry types and a truncated last line.
    """
    s = Lines()
    s.add({"type": "summary", "summary": "Fix the greeting", "leafUuid": "x"})
    s.add({"type": "file-history-snapshot", "messageId": "m", "snapshot": {}})
    s.prompt("Please fix the greeting in app.py")
    s.response("msg_1", [{"type": "thinking", "thinking": "Let me look.", "signature": "sig"}],
               usage(10, 1, 100, 0), stop_reason=None)
    s.response("msg_1", [{"type": "text", "text": "I will read the file."}], usage(10, 5, 100, 0),
               stop_reason=None)
    s.response("msg_1", [{"type": "text", "text": "I will read the file."}], usage(10, 20, 100, 0))
    s.prompt("go on")
    s.response("msg_2", [tool_use("toolu_read", "Read", file_path="/home/dev/project/app.py")],
               usage(20, 30, 0, 100), request_id="req_2", stop_reason=None)
    s.response("msg_2", [tool_use("toolu_bash", "Bash", command="pytest -q")],
               usage(20, 30, 0, 100), request_id="req_2", stop_reason="tool_use")
    s.result("toolu_read", "     1→import os\n     2→print('hi')\n",
             {"type": "text", "file": {"filePath": "/home/dev/project/app.py", "numLines": 2,
                                       "startLine": 1, "totalLines": 2}})
    s.result("toolu_bash", "Exit code 1\nFAILED test_app.py", {"stdout": "FAILED", "stderr": "",
             "interrupted": False, "isImage": False}, is_error=True)
    s.add({"type": "mode", "mode": "normal"})
    s.response("msg_3", [tool_use("toolu_edit", "Edit", file_path="/home/dev/project/app.py",
                                  old_string="print('hi')", new_string="print('hello')")],
               usage(5, 40, 0, 200), request_id="req_3", stop_reason="tool_use")
    s.result("toolu_edit", "The file has been updated.", EDIT_DETAIL)
    s.response("msg_4", [tool_use("toolu_agent", "Agent", description="Review the change",
                                  prompt="Review app.py", subagent_type="reviewer")],
               usage(5, 10, 0, 300), request_id="req_4", stop_reason="tool_use")
    s.result("toolu_agent", [{"type": "text", "text": "Looks good."}],
             {"status": "completed", "agentId": "a1b2", "agentType": "reviewer",
              "content": [{"type": "text", "text": "Looks good."}], "totalTokens": 99,
              "usage": usage(1, 1), "prompt": "Review app.py"})
    s.response("msg_5", [tool_use("toolu_task", "Task", description="Old style",
                                  prompt="Count files", subagent_type="counter")],
               usage(5, 10, 0, 300), request_id="req_5", stop_reason="tool_use")
    s.result("toolu_task", "3 files", {"status": "completed", "agentId": "legacy9",
                                       "content": [{"type": "text", "text": "3 files"}]})
    s.add(s._base("system", subtype="compact_boundary", content="Conversation compacted",
                  compactMetadata={"trigger": "auto", "preTokens": 1234}))
    s.prompt("This session is being continued from a previous conversation.",
             isCompactSummary=True)
    s.response("msg_6", [{"type": "text", "text": "Done: the greeting now says hello."}],
               usage(3, 7), request_id="req_6")
    s.add({"type": "atis-latch", "value": 1})
    session = s.write(project / f"{SESSION_ID}.jsonl", tail=b'{"type": "assistant", "mess')

    sub = Lines(agent_id="a1b2")
    sub.prompt("Review app.py")
    sub.response("sub_1", [tool_use("toolu_sub_read", "Read", file_path="app.py")],
                 usage(50, 8, 500, 0), request_id="req_s1", stop_reason="tool_use")
    sub.result("toolu_sub_read", "print('hello')")
    sub.response("sub_2", [{"type": "text", "text": "Looks good."}], usage(60, 4, 0, 500),
                 request_id="req_s2")
    # The parent's last response logged again in the subagent file: counted once across files.
    sub.response("msg_6", [{"type": "text", "text": "Done: the greeting now says hello."}],
                 usage(3, 7), request_id="req_6")
    sub_path = sub.write(project / SESSION_ID / "subagents" / "agent-a1b2.jsonl")
    sub_path.with_name("agent-a1b2.meta.json").write_text(
        json.dumps({"agentType": "reviewer", "spawnDepth": 1, "model": MODEL})
    )

    legacy = Lines(agent_id="legacy9")
    legacy.prompt("Count files")
    legacy.response("leg_1", [tool_use("toolu_leg_glob", "Glob", pattern="*")], usage(7, 3),
                    request_id=None, stop_reason="tool_use")
    legacy.result("toolu_leg_glob", "a\nb\nc", {"filenames": ["a", "b", "c"], "numFiles": 3})
    legacy.response("leg_2", [{"type": "text", "text": "3 files"}], usage(9, 2), request_id=None)
    legacy.write(project / "agent-legacy9.jsonl")

    # Another session's legacy subagent in the same folder is not ours.
    other = Lines(session_id="other-session", agent_id="zz")
    other.prompt("unrelated")
    other.write(project / "agent-zz.jsonl")
    return session
