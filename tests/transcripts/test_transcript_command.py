"""`workbench transcript show|export|stats|list` as a person runs them."""

import json

from workbench.cli import main


def test_stats_json_prints_the_issue_object(rich_session, capsys):
    assert main(["transcript", "stats", str(rich_session), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["input_tokens"] == 174 and data["tool_calls"]["Read"] == 2


def test_stats_text_is_readable(rich_session, capsys):
    assert main(["transcript", "stats", str(rich_session)]) == 0
    assert "cache reads" in capsys.readouterr().out


def test_show_prints_calls_results_diffs_and_subagents(rich_session, capsys):
    assert main(["transcript", "show", str(rich_session)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Fix the greeting\n")
    assert "● Bash(pytest -q)\n  ⎿ ✗ Exit code 1" in out
    assert "    -print('hi')\n    +print('hello')" in out
    assert "● Agent(reviewer: Review the change)" in out
    assert "  │ ● Read(app.py)" in out


def test_export_writes_each_format_to_a_file(rich_session, tmp_path, capsys):
    for fmt, marker in [("markdown", "# Fix the greeting"), ("html", "<!DOCTYPE html>"),
                        ("json", '"session_id"')]:
        out = tmp_path / f"out.{fmt}"
        assert main(["transcript", "export", str(rich_session), "--format", fmt, "-o", str(out)]) == 0
        assert marker in out.read_text(encoding="utf-8")


def test_a_missing_file_is_one_clear_line_not_a_traceback(tmp_path, capsys):
    assert main(["transcript", "stats", str(tmp_path / "gone.jsonl")]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"workbench transcript: {tmp_path / 'gone.jsonl'}: no such file"


def test_an_unwritable_output_is_reported(rich_session, tmp_path, capsys):
    target = tmp_path / "no" / "such" / "dir" / "x.md"
    assert main(["transcript", "export", str(rich_session), "-o", str(target)]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_list_shows_sessions_under_claude_config_dir(rich_session, monkeypatch, capsys):
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(rich_session.parent.parent.parent))
    assert main(["transcript", "list", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["title"] for r in rows] == ["Fix the greeting"]
