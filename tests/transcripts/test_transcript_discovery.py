"""Listing runs and sessions: one row each, summarised once, cached by path + mtime + size."""

import json
import os

import pytest
from transcript_fixtures import Lines, usage, write_rich_session

from workbench.transcripts.discovery import CACHE_VERSION, discover, listing_text
from workbench.transcripts.events import (
    AgentSnapshot,
    AssistantMessage,
    RunEnded,
    RunStarted,
    UsageTotals,
    UserMessage,
)
from workbench.transcripts.writer import TranscriptWriter


@pytest.fixture
def claude_root(tmp_path):
    root = tmp_path / "claude"
    write_rich_session(root / "projects" / "-home-dev-project")
    return root


def _workbench_run(data_dir, run_id="run-7"):
    s = Lines(session_id=run_id)
    s.add({"type": "workbench", "subtype": "run_started", "timestamp": "2026-11-21T09:00:00Z",
           "sessionId": run_id, "event": {"event": "run_started", "run_id": run_id,
           "session_id": run_id, "agent": {"name": "fixer", "path": None, "text": ""},
           "system_prompt": "", "model": "claude-haiku-4-5", "tools": [], "cwd": "/work/app",
           "prompt": "make it pass"}})
    s.prompt("make it pass")
    s.response("m1", [{"type": "text", "text": "done"}], usage(100, 10), model="claude-haiku-4-5")
    s.add({"type": "workbench", "subtype": "run_ended", "sessionId": run_id,
           "event": {"event": "run_ended", "status": "completed", "turns": 1,
                     "usage": {}, "cost_usd": 0.0, "duration_ms": 4500}})
    return s.write(data_dir / "transcripts" / "2026-11-21" / f"{run_id}.jsonl")


def test_sessions_are_summarised_with_title_model_tokens_cost_calls_and_subagents(claude_root):
    [row] = discover(claude_dirs=[claude_root / "projects"])
    assert row.source == "claude"
    assert row.title == "Fix the greeting"
    assert row.project == "/home/dev/project"
    assert row.model == "claude-sonnet-4-5-20250929"
    assert row.tool_calls == 7 and row.subagents == 2
    assert (row.input_tokens, row.output_tokens) == (174, 134)
    assert row.cost_usd == pytest.approx(0.005202)
    assert row.agent == ""  # the main thread ran no agent; reviewer is a subagent it delegated to
    assert row.duration_s == pytest.approx(17.0)


def test_workbench_runs_are_listed_with_their_agent_and_working_directory(tmp_path):
    _workbench_run(tmp_path / "data")
    [row] = discover(claude_dirs=[], runs_dir=tmp_path / "data" / "transcripts",
                     cache_path=tmp_path / "cache.json")
    assert (row.source, row.agent, row.project) == ("workbench", "fixer", "/work/app")
    assert row.title == "make it pass" and row.duration_s == 4.5
    assert row.model == "claude-haiku-4-5" and row.input_tokens == 100


def test_default_locations_follow_claude_config_dir_and_the_data_dir(claude_root, tmp_path, monkeypatch):
    other = tmp_path / "second-root"
    s = Lines(session_id="s2")
    s.prompt("second root")
    s.write(other / "projects" / "-p" / "s2.jsonl")
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", f"{claude_root},{other}")
    _workbench_run(tmp_path / "data")
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    rows = discover()
    assert sorted(r.session_id for r in rows) == ["5e55-1111", "run-7", "s2"]
    assert (tmp_path / "data" / "cache" / "transcripts.json").is_file()


def test_an_unchanged_session_is_served_from_the_cache_without_reading_it(claude_root, tmp_path):
    cache = tmp_path / "cache.json"
    [session] = (claude_root / "projects" / "-home-dev-project").glob("5e*.jsonl")
    discover(claude_dirs=[claude_root / "projects"], cache_path=cache)
    stat = session.stat()
    # Same size and mtime, different bytes: only a cache hit can still say the old title.
    session.write_bytes(session.read_bytes().replace(b"Fix the greeting", b"Fix the GREETING"))
    os.utime(session, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    [row] = discover(claude_dirs=[claude_root / "projects"], cache_path=cache)
    assert row.title == "Fix the greeting"
    with session.open("ab") as fh:
        fh.write(b"\n")
    [row] = discover(claude_dirs=[claude_root / "projects"], cache_path=cache)
    assert row.title == "Fix the GREETING"


def test_a_changed_subagent_file_refreshes_the_session_row(claude_root, tmp_path):
    cache = tmp_path / "cache.json"
    discover(claude_dirs=[claude_root / "projects"], cache_path=cache)
    sub = next((claude_root / "projects").rglob("agent-a1b2.jsonl"))
    extra = Lines(agent_id="a1b2")
    extra.response("sub_3", [{"type": "text", "text": "more"}], usage(1000, 1))
    with sub.open("a") as fh:
        fh.write(extra.lines[0] + "\n")
    [row] = discover(claude_dirs=[claude_root / "projects"], cache_path=cache)
    assert row.input_tokens == 1174


def test_a_broken_cache_file_is_ignored(claude_root, tmp_path):
    cache = tmp_path / "cache.json"
    cache.write_text("{not json")
    assert len(discover(claude_dirs=[claude_root / "projects"], cache_path=cache)) == 1
    assert json.loads(cache.read_text())["version"] == CACHE_VERSION


def test_the_listing_text_groups_rows_by_project(claude_root, tmp_path):
    _workbench_run(tmp_path / "data")
    rows = discover(claude_dirs=[claude_root / "projects"], runs_dir=tmp_path / "data" / "transcripts",
                    cache_path=tmp_path / "c.json")
    text = listing_text(rows)
    assert text.index("/home/dev/project") < text.index("/work/app")
    assert "Fix the greeting" in text and "fixer" in text
    assert listing_text([]) == "no transcripts found"


def test_a_claude_session_is_credited_to_the_agent_it_ran_with_not_its_subagents(claude_root):
    session = next((claude_root / "projects").rglob("5e55-1111.jsonl"))
    # Claude Code records `claude --agent planner` as an agent-setting line (here at the end, past
    # the head a scan reads); the subagent sidecar says "reviewer", which is not the session's agent.
    lines = session.read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[0]  # without the truncated line
    setting = {"type": "agent-setting", "agentSetting": "planner", "sessionId": "5e55-1111"}
    session.write_bytes(lines + b"\n" + json.dumps(setting).encode() + b"\n")
    [row] = discover(claude_dirs=[claude_root / "projects"], cache_path=claude_root / "cache.json")
    assert row.agent == "planner" and row.subagents == 2


def _delegating_run(path):
    """A workbench run of `fixer` whose Agent call ran `helper` (the real writer's lines)."""
    writer = TranscriptWriter(path, "run-9")
    nested = {"depth": 1, "parent_call_id": "toolu_agent"}
    for event in [
        RunStarted(run_id="run-9", session_id="run-9", agent=AgentSnapshot("fixer", None, ""),
                   system_prompt="", model="claude-haiku-4-5", tools=("Agent",), cwd="/work/app",
                   prompt="fix it", timestamp=1.0),
        UserMessage(message={"role": "user", "content": "fix it"}),
        AssistantMessage(message={"id": "m1", "role": "assistant", "model": "claude-haiku-4-5",
                                  "content": [{"type": "tool_use", "id": "toolu_agent", "name": "Agent",
                                               "input": {"subagent_type": "helper", "prompt": "look"}}],
                                  "stop_reason": "tool_use",
                                  "usage": {"input_tokens": 5, "output_tokens": 2}}),
        RunStarted(run_id="run-9a", session_id="sub-1", agent=AgentSnapshot("helper", None, ""),
                   system_prompt="", model="claude-haiku-4-5", tools=("Read",), cwd="/work/app/sub",
                   prompt="look", **nested),
        RunEnded(status="completed", turns=1, usage=UsageTotals(1, 1), cost_usd=0.0, duration_ms=100,
                 tool_calls=0, **nested),
        RunEnded(status="completed", turns=2, usage=UsageTotals(6, 3), cost_usd=0.0, duration_ms=900,
                 tool_calls=1),
    ]:
        writer.write(event)
    writer.close()
    return path


def test_a_workbench_run_is_credited_to_the_agent_run_not_the_one_it_delegated_to(tmp_path, capsys,
                                                                                  monkeypatch):
    from workbench.cli import main

    runs = tmp_path / "data" / "transcripts"
    _delegating_run(runs / "2026-11-22" / "run-9.jsonl")
    [row] = discover(claude_dirs=[], runs_dir=runs, cache_path=tmp_path / "cache.json")
    assert (row.agent, row.project, row.duration_s) == ("fixer", "/work/app", 0.9)

    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    assert main(["transcript", "list"]) == 0
    listed = capsys.readouterr().out
    assert "fixer" in listed and "helper" not in listed
