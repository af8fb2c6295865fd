"""Transcript review on sessions the real Claude Code CLI wrote (issue 15).

The files in fixtures/claude_code/ were recorded by record_claude_sessions.py: the bundled CLI
against the scripted stand-in, every response logged in responses.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.transcripts import export
from workbench.transcripts.reader import read_transcript
from workbench.transcripts.stats import compute_stats
from workbench.transcripts.text import render_text

RECORDED = Path(__file__).parent / "fixtures" / "claude_code"
SESSION = RECORDED / "session.jsonl"
FORKED = RECORDED / "forked.jsonl"
NESTED = RECORDED / "nested.jsonl"


def _all_calls(tx):
    for t in tx.all_transcripts():
        yield from t.tool_calls.values()


def test_a_fork_subagent_hangs_under_the_parents_agent_call_and_is_shown():
    tx = read_transcript(SESSION)
    fork_call = tx.tool_calls["toolu_agent_fork"]
    assert fork_call.subagent is not None, "the fork's own copy of the call won the link"
    assert fork_call.subagent.agent_type == "fork"
    fork_tx = fork_call.subagent.transcript
    assert "toolu_fork_read" in fork_tx.tool_calls
    # The text view, the Markdown and the JSON export all show the fork's own work.
    stats = compute_stats(SESSION)
    text = render_text(tx, stats)
    assert "Reading the notes." in text and "Read(/home/dev/proj/notes.txt)" in text
    markdown = export.to_markdown(tx, stats)
    assert "The notes list two open tasks." in markdown
    assert "toolu_fork_read" in markdown
    data = export.to_json(tx, stats)
    fork_json = next(c for c in data["tool_calls"] if c["id"] == "toolu_agent_fork")
    assert fork_json["subagent"]["meta"]["agentType"] == "fork"
    # The viewer's events: the fork's Read is nested under the parent's fork call.
    from workbench.transcripts.events import ToolCallStarted
    from workbench.transcripts.replay import transcript_events

    started = {e.call_id: e for e in transcript_events(tx) if isinstance(e, ToolCallStarted)}
    assert started["toolu_fork_read"].parent_call_id == "toolu_agent_fork"
