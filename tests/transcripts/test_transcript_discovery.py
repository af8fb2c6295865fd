"""Listing runs and sessions: one row each, summarised once, cached by path + mtime + size."""

import json
import os

import pytest
from transcript_fixtures import Lines, usage, write_rich_session

from workbench.transcripts.discovery import discover, listing_text


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
    assert row.agent == "reviewer"  # from the subagent sidecar
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
    assert json.loads(cache.read_text())["version"] == 1


def test_the_listing_text_groups_rows_by_project(claude_root, tmp_path):
    _workbench_run(tmp_path / "data")
    rows = discover(claude_dirs=[claude_root / "projects"], runs_dir=tmp_path / "data" / "transcripts",
                    cache_path=tmp_path / "c.json")
    text = listing_text(rows)
    assert text.index("/home/dev/project") < text.index("/work/app")
    assert "Fix the greeting" in text and "fixer" in text
    assert listing_text([]) == "no transcripts found"
