"""What a workbench run ran: the agent definition as it was run, and the run's first prompt.

Workbench runs carry this (their `run_started` event snapshots the editor buffer); a Claude Code
session has no such event: for one that workbench's Claude Code engine ran, it comes from the
engine's record beside it (`engine_record.py`), and `run_origin` gives None for any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.transcripts.events import AgentSnapshot, RunStarted
from workbench.transcripts.model import Transcript


@dataclass(frozen=True)
class RunOrigin:
    """The agent snapshot, first prompt, model and run id of a workbench run."""

    agent: AgentSnapshot
    prompt: str
    model: str
    run_id: str
    # The engine that ran it ("builtin", "claude-code") and, for Claude Code, how it ran the agent.
    engine: str = "builtin"
    run_as: str = ""


def run_origin(tx: Transcript) -> RunOrigin | None:
    """The top-level run's origin, or None when `tx` is not a workbench run."""
    started = next((e for e in tx.events if isinstance(e, RunStarted) and e.depth == 0), None)
    if started is None:
        return _engine_origin(tx)
    prompt = started.prompt or _first_typed_prompt(tx)
    return RunOrigin(agent=started.agent, prompt=prompt, model=started.model, run_id=started.run_id,
                     engine=started.engine)


def _engine_origin(tx: Transcript) -> RunOrigin | None:
    """A Claude Code session that workbench's Claude Code engine ran: its record beside it."""
    if tx.format != "claude":
        return None
    from workbench.transcripts.engine_record import read_engine_record

    record = read_engine_record(tx.session_id or "")
    if record is None:
        return None
    return RunOrigin(agent=record.agent, prompt=record.prompt, model=record.model, run_id=record.session_id,
                     engine=record.engine, run_as=record.run_as)


def _first_typed_prompt(tx: Transcript) -> str:
    # Runs written before `prompt` was part of run_started keep it only as their first user turn.
    for msg in tx.messages:
        if msg.role == "user" and msg.kind == "prompt":
            return "\n".join(
                str(b.get("text", "")) for b in msg.content if b.get("type") == "text"
            ).strip()
    return ""
