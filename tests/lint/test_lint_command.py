"""`workbench lint` and `workbench schema` as rules.md specifies them: formats, exit statuses, file
selection, --select/--ignore/--strict, --fix/--unsafe-fixes, and bad input without a traceback."""

import json
import os
import subprocess
import sys

import pytest

from workbench.agents.rules import RULES
from workbench.cli import main

GOOD = (
    "---\nname: helper\ndescription: Use this agent when the tests need a clean agent.\n"
    "tools: Read, Grep\n---\n\nYou are a helper agent that exists to be linted by tests.\n"
)
# AG113 (warning, name style) and AG120 (error, no description).
BROKEN = "---\nname: Helper_Agent\n---\n\nYou are a helper agent with no description at all.\n"
# AG171 (warning, safe fix: lower-case the colour) only.
WARN_ONLY = GOOD.replace("tools: Read, Grep\n", "tools: Read, Grep\ncolor: Blue\n")


def lint(capsys, *args) -> tuple[int, str, str]:
    status = main(["lint", *map(str, args)])
    out, err = capsys.readouterr()
    return status, out, err


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, newline="")
    return path


# -- formats --------------------------------------------------------------------------------------


def test_text_prints_path_line_column_code_severity_message_then_a_summary(tmp_path, capsys):
    broken = write(tmp_path / "helper_agent.md", BROKEN)
    status, out, _ = lint(capsys, broken, "--ignore", "AG114")
    lines = out.splitlines()
    assert status == 1
    assert lines[0].startswith(f"{broken}:1:1: AG120 error ")
    assert lines[1].startswith(f"{broken}:2:7: AG113 warning ")
    assert lines[-1] == "Found 1 error, 1 warning in 1 file."


def test_json_is_one_object_of_the_specified_shape(tmp_path, capsys):
    write(tmp_path / "agents" / "helper.md", GOOD)
    write(tmp_path / "agents" / "helper_agent.md", BROKEN)
    write(tmp_path / "agents" / "README.md", "# Notes about the agents\n")
    status, out, _ = lint(capsys, tmp_path / "agents", "--format", "json")
    data = json.loads(out)
    assert status == 1
    assert set(data) == {"version", "files", "skipped", "diagnostics", "summary"}
    assert (data["version"], data["files"], data["skipped"]) == (1, 2, 1)
    keys = {"path", "line", "column", "end_line", "end_column", "code", "name", "severity",
            "message", "fix"}
    assert all(set(d) == keys for d in data["diagnostics"])
    codes = {d["code"] for d in data["diagnostics"]}
    assert {"AG113", "AG120"} <= codes
    assert data["summary"]["error"] == sum(d["severity"] == "error" for d in data["diagnostics"])


def test_github_format_emits_one_workflow_command_per_finding(tmp_path, capsys):
    broken = write(tmp_path / "helper_agent.md", BROKEN)
    _, out, _ = lint(capsys, broken, "--format", "github", "--select", "AG113,AG120")
    lines = out.splitlines()
    assert lines[0].startswith(f"::error file={broken},line=1,col=1,")
    assert lines[1].startswith(f"::warning file={broken},line=2,col=7,endLine=2,endColumn=19,")


def test_sarif_lists_the_whole_rule_table_and_indexes_results_into_it(tmp_path, capsys):
    broken = write(tmp_path / "helper_agent.md", BROKEN)
    _, out, _ = lint(capsys, broken, "--format", "sarif")
    run = json.loads(out)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(RULES)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert {"startLine", "startColumn", "endLine", "endColumn"} <= set(region)


def test_schema_prints_the_frontmatter_json_schema(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert {"name", "description", "tools"} <= set(schema["properties"])


# -- exit status and selection --------------------------------------------------------------------


def test_warnings_alone_exit_0_and_exit_1_with_strict(tmp_path, capsys):
    agent = write(tmp_path / "helper.md", WARN_ONLY)
    assert lint(capsys, agent)[0] == 0
    assert lint(capsys, agent, "--strict")[0] == 1


def test_select_and_ignore_take_codes_and_prefixes(tmp_path, capsys):
    broken = write(tmp_path / "helper_agent.md", BROKEN)
    _, out, _ = lint(capsys, broken, "--select", "ag11", "--format", "json")
    assert {d["code"] for d in json.loads(out)["diagnostics"]} == {"AG113", "AG114"}
    status, out, _ = lint(capsys, broken, "--ignore", "AG120, AG113", "--format", "json")
    assert "AG120" not in {d["code"] for d in json.loads(out)["diagnostics"]}
    assert status == 0


def test_an_unknown_code_is_a_usage_error(tmp_path, capsys):
    status, out, err = lint(capsys, tmp_path, "--select", "AG999")
    assert status == 2 and out == ""
    assert err == "workbench lint: --select: no rule code is or starts with 'AG999'\n"


def test_a_missing_path_exits_2_with_one_line_but_the_rest_is_still_linted(tmp_path, capsys):
    agent = write(tmp_path / "helper.md", WARN_ONLY)
    status, out, err = lint(capsys, tmp_path / "nope.md", agent)
    assert status == 2
    assert "AG171" in out
    assert err == f"workbench lint: {tmp_path / 'nope.md'}: no such file or folder\n"


def test_files_named_together_share_their_folders_scope(tmp_path, capsys):
    one = write(tmp_path / "one.md", GOOD)
    two = write(tmp_path / "two.md", GOOD)
    _, out, _ = lint(capsys, one, two, "--select", "AG190")
    assert out.count("AG190 error") == 2


def test_without_a_path_it_lints_the_scopes_the_app_loads(tmp_path, capsys, monkeypatch):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(repo / ".claude" / "agents" / "code-reviewer.md",
          GOOD.replace("name: helper", "name: code-reviewer"))
    write(tmp_path / "home" / ".claude" / "agents" / "helper_agent.md", BROKEN)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(repo)
    status, out, _ = lint(capsys, "--format", "json")
    data = json.loads(out)
    assert status == 1
    assert data["files"] == 2 + 6  # project, user and at least the six bundled examples
    by_code = {d["code"]: d["path"] for d in data["diagnostics"]}
    # The project's code-reviewer shadows the bundled one.
    assert by_code["AG191"].endswith("agents/code-reviewer.md")
    assert not by_code["AG191"].startswith(".claude")
    assert by_code["AG120"].endswith("helper_agent.md")


# -- fixes ----------------------------------------------------------------------------------------


def test_fix_applies_safe_fixes_in_place_and_reports_them(tmp_path, capsys):
    agent = write(tmp_path / "helper.md", WARN_ONLY.replace("\n", "\r\n"))
    status, out, _ = lint(capsys, agent, "--fix")
    assert status == 0
    assert f"{agent}: fixed AG006 crlf-line-endings" in out
    assert f"{agent}: fixed AG171 color-invalid" in out
    assert agent.read_bytes() == WARN_ONLY.replace("Blue", "blue").encode()
    assert lint(capsys, agent, "--strict")[0] == 0


def test_fix_leaves_unselected_codes_alone(tmp_path, capsys):
    agent = write(tmp_path / "helper.md", WARN_ONLY.replace("\n", "\r\n"))
    _, out, _ = lint(capsys, agent, "--fix", "--select", "AG171", "--format", "json")
    assert json.loads(out)["fixed"] == [{"path": str(agent), "code": "AG171",
                                         "name": "color-invalid"}]
    assert b"\r\n" in agent.read_bytes()
    assert b"color: blue" in agent.read_bytes()


def test_unsafe_fixes_are_applied_only_when_asked(tmp_path, capsys):
    text = GOOD.replace("clean agent.", "clean agent. #not a comment")
    agent = write(tmp_path / "helper.md", text)
    lint(capsys, agent, "--fix")
    assert agent.read_text() == text
    lint(capsys, agent, "--unsafe-fixes")
    after = agent.read_text()
    assert after != text
    status, out, _ = lint(capsys, agent, "--format", "json")
    assert "AG123" not in {d["code"] for d in json.loads(out)["diagnostics"]}


def test_fix_never_rewrites_the_bundled_examples(tmp_path, capsys, monkeypatch):
    bundled = tmp_path / "package" / "agents"
    agent = write(bundled / "helper.md", WARN_ONLY)
    monkeypatch.setattr("workbench.paths.bundled_agents_dir", lambda: bundled)
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    monkeypatch.chdir(project)
    status, out, _ = lint(capsys, "--fix")
    assert agent.read_text() == WARN_ONLY
    assert f"{agent}:" in out and "AG171" in out and "fixed" not in out


# -- bad input ------------------------------------------------------------------------------------


def test_bytes_that_are_not_utf8_are_read_as_replacement_characters_with_ag011(tmp_path, capsys):
    path = tmp_path / "latin1.md"
    path.write_bytes(GOOD.replace("name: helper", "name: caf\xe9").encode("latin-1"))
    status, out, err = lint(capsys, path, "--format", "json")
    data = json.loads(out)
    assert err == "" and status == 0  # read as `caf\ufffd`: a name-style warning, no error
    [found] = [d for d in data["diagnostics"] if d["code"] == "AG011"]
    assert (found["line"], found["column"], found["severity"]) == (1, 1, "warning")
    assert "line 2 column 10" in found["message"]


def test_a_binary_file_named_directly_is_a_file_without_frontmatter_not_exit_2(tmp_path, capsys):
    path = tmp_path / "binary.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    status, out, err = lint(capsys, path, "--format", "json")
    assert err == "" and status == 1
    assert {d["code"] for d in json.loads(out)["diagnostics"]} == {"AG001", "AG011"}


def test_bom_empty_huge_and_alias_bomb_files_give_findings_not_tracebacks(tmp_path, capsys):
    write(tmp_path / "bom.md", "\ufeff" + GOOD.replace("name: helper", "name: bom"))
    write(tmp_path / "empty.md", "")
    write(tmp_path / "huge.md", GOOD.replace("name: helper", "name: huge") + "word " * 1_000_000)
    bomb = "---\nname: bomb\ndescription: Use this agent when exploding.\na0: &a0 [x, x, x, x]\n"
    bomb += "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 12))
    write(tmp_path / "bomb.md", bomb + "---\nYou are a body long enough to count.\n")
    write(tmp_path / "loop.md", "---\nname: loop\ndescription: &d [*d]\n---\nA body.\n")
    status, out, err = lint(capsys, *sorted(tmp_path.iterdir()), "--format", "json")
    data = json.loads(out)
    assert err == "" and status == 1
    codes = {(os.path.basename(d["path"]), d["code"]) for d in data["diagnostics"]}
    assert ("empty.md", "AG001") in codes
    assert ("huge.md", "AG010") in codes and ("huge.md", "AG181") not in codes
    assert ("bomb.md", "AG003") in codes
    assert not any(name == "bom.md" for name, _ in codes)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders without permission")
def test_a_folder_without_permission_is_a_one_line_error_with_exit_2(tmp_path, capsys):
    locked = tmp_path / "locked"
    write(locked / "helper.md", GOOD)
    locked.chmod(0)
    try:
        status, _, err = lint(capsys, tmp_path)
    finally:
        locked.chmod(0o755)
    assert status == 2
    assert err == f"workbench lint: {locked}: Permission denied\n"


def test_a_folder_the_system_refuses_to_list_is_a_one_line_error_with_exit_2(
    tmp_path, capsys, monkeypatch
):
    # Tests may run as root, who lists any folder: the refusal comes from the OS call itself.
    import errno

    locked = tmp_path / "locked"
    write(locked / "helper.md", GOOD)
    write(tmp_path / "open" / "helper.md", WARN_ONLY)
    real_scandir = os.scandir

    def scandir(path):
        if os.fspath(path) == str(locked):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    status, out, err = lint(capsys, tmp_path)
    assert status == 2
    assert err == f"workbench lint: {locked}: Permission denied\n"
    assert "AG171" in out  # the readable folder is still linted


def test_bad_input_through_the_real_command_never_shows_a_traceback(tmp_path):
    (tmp_path / "binary.md").write_bytes(b"\x00\x01\x02")  # not UTF-8 is no I/O failure
    result = subprocess.run(
        [sys.executable, "-m", "workbench", "lint", str(tmp_path), str(tmp_path / "missing")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    missing = tmp_path / "missing"
    assert result.stderr.splitlines() == [f"workbench lint: {missing}: no such file or folder"]


def test_lint_leaves_the_garbage_collector_as_it_found_it(tmp_path, capsys):
    import gc

    write(tmp_path / "helper.md", GOOD)
    lint(capsys, tmp_path)
    assert gc.isenabled()
