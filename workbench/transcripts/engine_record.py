"""What workbench keeps beside a Claude Code engine run: the record is Claude Code's own session file
(`~/.claude/projects/...`, read by the transcript reader like any session); this small JSON file,
`<data dir>/transcripts/claude-code/<session id>.json`, adds what re-running it needs and the
session file lacks: the agent's text as it was run (the editor buffer, saved or not), the engine,
Claude Code's version, how it ran the agent (subagent or main), the first task.

Linked by Claude Code's session id; written when the session starts and rewritten by nothing else.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from workbench.paths import data_dir
from workbench.transcripts.events import AgentSnapshot


@dataclass(frozen=True)
class EngineRecord:
    """One Claude Code engine run's own facts."""

    session_id: str
    agent: AgentSnapshot
    prompt: str
    engine: str = "claude-code"
    engine_version: str = ""
    run_as: str = "subagent"
    model: str = ""
    cwd: str = ""
    transcript: str = ""


def record_path(session_id: str, root: Path | None = None) -> Path:
    """Where the record of `session_id` lives."""
    return (root or data_dir() / "transcripts" / "claude-code") / f"{session_id}.json"


def write_engine_record(record: EngineRecord, root: Path | None = None) -> Path:
    """Write the record atomically (OSError on failure, nothing half-written)."""
    path = record_path(record.session_id, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(asdict(record), out, ensure_ascii=False, indent=1)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def read_engine_record(session_id: str, root: Path | None = None) -> EngineRecord | None:
    """The record of a Claude Code session run by workbench, or None (another session, a bad file)."""
    if not session_id:
        return None
    try:
        data = json.loads(record_path(session_id, root).read_text(encoding="utf-8"))
        agent = data.pop("agent")
        fields = EngineRecord.__dataclass_fields__
        return EngineRecord(agent=AgentSnapshot(**{k: agent[k] for k in ("name", "path", "text")}),
                            **{k: v for k, v in data.items() if k in fields and k != "agent"})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
