"""Suite files: what they hold, and every mistake reported with file, line and column."""

from __future__ import annotations

import pytest

from workbench.testing.suite import SuiteError, load_suite

GOOD = """\
agent: code-reviewer
repeat: 2
pass_rate: 0.5
allow: ["Bash(git status:*)"]
cases:
  - name: finds-it
    prompt: "Review app.py."
    workspace: fixtures/sqli
    files: {"notes.txt": "x"}
    assert:
      - tool_called: Read
        with: {file_path: "app\\\\.py$"}
      - tool_not_called: Write
      - output_contains: injection
      - output_matches: "line \\\\d+"
      - file_contains: {path: app.py, text: "execute("}
      - file_unchanged: app.py
      - command: "true"
      - max_tool_calls: 12
      - max_cost_usd: 0.5
  - name: second
    prompt: hi
    repeat: 5
    pass_rate: 1
    permission_mode: plan
    assert:
      - output_not_contains: sorry
"""


def _write(tmp_path, text):
    (tmp_path / "fixtures" / "sqli").mkdir(parents=True, exist_ok=True)
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return path


def test_a_good_suite_reads_with_defaults_and_per_case_overrides(tmp_path):
    suite = load_suite(_write(tmp_path, GOOD))
    first, second = suite.cases
    assert suite.agent == "code-reviewer"
    assert (first.repeat, first.pass_rate, first.permission_mode) == (2, 0.5, "acceptEdits")
    assert first.allow == ["Bash(git status:*)"]
    assert first.workspace == (tmp_path / "fixtures" / "sqli").resolve()
    assert first.files == {"notes.txt": "x"}
    assert first.assertions[0].kind == "tool_called"
    assert first.assertions[0].options == {"with": {"file_path": "app\\.py$"}}
    assert first.assertions[4].value == {"path": "app.py", "text": "execute("}
    assert [a.kind for a in first.assertions][-2:] == ["max_tool_calls", "max_cost_usd"]
    assert (second.repeat, second.pass_rate, second.permission_mode) == (5, 1.0, "plan")


@pytest.mark.parametrize("old, new, where, words", [
    ("repeat: 2\n", "repeat: 2\ncolour: red\n", "3:1", "unknown key 'colour'"),
    ("    prompt: hi\n", "    prompt: hi\n    promt: x\n", "23:5", "unknown key 'promt'"),
    ("repeat: 2\n", "repeat: 0\n", "2:9", "repeat must be"),
    ("pass_rate: 0.5\n", "pass_rate: 1.5\n", "3:12", "between 0 and 1"),
    ("permission_mode: plan\n", "permission_mode: yolo\n", "25:22", "unknown permission mode"),
    ('allow: ["Bash(git status:*)"]', 'allow: ["Bash(oops"]', "4:9", "bad permission rule"),
    ("      - max_tool_calls: 12\n", "      - max_tool_calls: many\n", "19:25", "whole number"),
    ("      - tool_not_called: Write\n", "      - tool_not_calld: Write\n", "13:9", "unknown assertion"),
    ('      - output_matches: "line \\\\d+"\n', '      - output_matches: "(("\n', "15:25", "bad regular"),
    ("      - command: \"true\"\n", "      - judge: 3\n", "18:16", "judge must be a non-empty string"),
    ("      - command: \"true\"\n", "      - delegates_to: x\n", "11:9",
     "delegates_to must be its only assertion"),
    ("      - output_not_contains: sorry\n", "      - delegates_to: ''\n", "27:23",
     "delegates_to must be a non-empty string"),
    ("workspace: fixtures/sqli", "workspace: fixtures/none", "8:16", "not a folder"),
    ('{path: app.py, text: "execute("}', '{path: ../app.py, text: "x"}', "16:31", "inside the workspace"),
    ('{path: app.py, text: "execute("}', "{path: app.py}", "16:24", "needs `path` and `text`"),
    ("  - name: second\n", "  - name: finds-it\n", "21:5", "used twice"),
    ("    prompt: hi\n", "", "21:5", "needs a `prompt`"),
])
def test_mistakes_are_errors_with_file_line_and_column(tmp_path, old, new, where, words):
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(SuiteError) as info:
        load_suite(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{where}: "), message
    assert words in message


def test_bad_yaml_and_a_missing_agent_are_errors(tmp_path):
    path = _write(tmp_path, "agent: [x\n")
    with pytest.raises(SuiteError, match="not valid YAML"):
        load_suite(path)
    path = _write(tmp_path, "cases:\n  - name: a\n    prompt: b\n    assert: [{max_turns: 1}]\n")
    with pytest.raises(SuiteError, match=r":1:1: the suite has no `agent`"):
        load_suite(path)


def test_judge_and_delegates_to_read_with_the_place_of_the_routing_name(tmp_path):
    text = GOOD.replace('      - command: "true"\n', '      - judge: "Names the injection."\n')
    text = text.replace("      - output_not_contains: sorry\n", "      - delegates_to: code-reviewer\n")
    path = _write(tmp_path, text)
    first, second = load_suite(path).cases
    assert first.assertions[6].kind == "judge" and first.assertions[6].value == "Names the injection."
    [routing] = second.assertions
    assert (routing.kind, routing.value) == ("delegates_to", "code-reviewer")
    assert routing.options["where"] == f"{path}:27:23"
