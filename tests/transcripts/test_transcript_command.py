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


def _not_transcripts(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# A project\n\nSome words.\n", encoding="utf-8")
    binary = tmp_path / "image.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    other_json = tmp_path / "data.jsonl"
    other_json.write_text('{"name": "x"}\n[1, 2]\n', encoding="utf-8")
    return {readme: "not a transcript", binary: "not a transcript",
            other_json: "not a transcript", tmp_path: "is a folder",
            tmp_path / "gone.jsonl": "no such file"}


def test_a_file_that_is_not_a_transcript_is_one_line_and_exit_2(tmp_path, capsys):
    for path, reason in _not_transcripts(tmp_path).items():
        for argv in (["show", str(path), "--text"], ["show", str(path)],
                     ["export", str(path)], ["stats", str(path)]):
            assert main(["transcript", *argv]) == 2, (argv, path)
            captured = capsys.readouterr()
            if argv[0] == "stats" and path == tmp_path:  # stats totals a folder's transcripts
                reason = "is a folder with no transcript in it"
            assert captured.out == ""
            assert captured.err == f"workbench transcript: {path}: {reason}\n" or (
                captured.err.startswith(f"workbench transcript: {path}: {reason}")
                and captured.err.count("\n") == 1
            ), captured.err


def test_an_empty_transcript_says_it_is_empty(tmp_path, capsys):
    empty = tmp_path / "session.jsonl"
    empty.write_bytes(b"")
    for argv in (["show", str(empty), "--text"], ["export", str(empty)], ["stats", str(empty)]):
        assert main(["transcript", *argv]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err == f"workbench transcript: {empty}: the transcript is empty\n"
