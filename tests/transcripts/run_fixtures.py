"""A workbench run written by the real TranscriptWriter (made-up data), for the run actions."""

from __future__ import annotations

from pathlib import Path

from workbench.transcripts.events import (
    AgentSnapshot,
    AssistantMessage,
    RunEnded,
    RunStarted,
    UsageTotals,
    UserMessage,
)
from workbench.transcripts.writer import TranscriptWriter

AS_RUN_TEXT = "---\nname: fixer\ndescription: Fixes things.\n---\nFix things, one at a time.\n"


def write_run(path: Path, *, agent_name: str = "fixer", agent_path: str | None = "agents/fixer.md",
              agent_text: str = AS_RUN_TEXT, prompt: str = "fix the greeting") -> Path:
    """One finished run of `agent_name` on `prompt`: a prompt, a reply, the end."""
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = TranscriptWriter(path, "run-7")
    agent = AgentSnapshot(agent_name, agent_path, agent_text)
    for event in [
        RunStarted(run_id="run-7", session_id="run-7", agent=agent, system_prompt=agent_text,
                   model="claude-haiku-4-5", tools=("Read",), prompt=prompt),
        UserMessage(message={"role": "user", "content": prompt}),
        AssistantMessage(timestamp=1.0, message={
            "id": "m1", "role": "assistant", "model": "claude-haiku-4-5",
            "content": [{"type": "text", "text": "Fixed."}], "stop_reason": "end_turn",
            "usage": {"input_tokens": 5, "output_tokens": 2}}),
        RunEnded(status="completed", turns=1, usage=UsageTotals(5, 2), cost_usd=0.0,
                 duration_ms=900, tool_calls=0),
    ]:
        writer.write(event)
    writer.close()
    return path
