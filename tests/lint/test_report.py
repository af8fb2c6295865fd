"""The four output formats of `workbench lint`, driven by hand-made diagnostics."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.agents.diagnostics import Diagnostic, Fix, LineIndex, Severity, TextEdit
from workbench.agents.report import FileReport, LintReport, TextPositions, render

TEXT = "---\nname: Demo\ncolor: Blue\n---\nbody ✓ ünïcode\n"


class _Rule:
    def __init__(self, code, name, severity):
        self.code, self.name, self.severity = code, name, severity


RULES = [
    _Rule("AG113", "name-style", Severity.WARNING),
    _Rule("AG171", "color-invalid", Severity.WARNING),
    _Rule("AG001", "no-frontmatter", Severity.ERROR),
    _Rule("AG180", "body-short", Severity.INFO),
]


def _report() -> LintReport:
    name_start = TEXT.index("Demo")
    blue = TEXT.index("Blue")
    body = TEXT.index("ünïcode")
    fix = Fix("lower-case the colour", True, (TextEdit(blue, blue + 4, "blue"),))
    diagnostics = [
        Diagnostic("AG171", "color-invalid", Severity.WARNING, "colour 'Blue' is dropped", blue,
                   blue + 4, fix),
        Diagnostic("AG113", "name-style", Severity.WARNING, "name 'Demo' has capitals", name_start,
                   name_start + 4),
        Diagnostic("AG180", "body-short", Severity.INFO, "the body is short,\nsee: docs", body,
                   body + 7),
    ]
    other = Diagnostic("AG001", "no-frontmatter", Severity.ERROR, "no frontmatter", 0, 0)
    return LintReport(
        files=[
            FileReport("b/demo.md", LineIndex(TEXT), diagnostics),
            FileReport("a/plain.md", LineIndex("# plain\n"), [other]),
        ],
        skipped=2,
    )


def test_text_prints_one_line_per_finding_sorted_by_path_and_position_then_a_summary():
    lines = render(_report(), "text").splitlines()
    assert lines == [
        "a/plain.md:1:1: AG001 error no frontmatter",
        "b/demo.md:2:7: AG113 warning name 'Demo' has capitals",
        "b/demo.md:3:8: AG171 warning colour 'Blue' is dropped",
        "b/demo.md:5:8: AG180 info the body is short, see: docs",
        "Found 1 error, 2 warnings, 1 info in 2 files (2 skipped: Markdown without frontmatter).",
    ]


def test_text_summary_says_so_when_nothing_is_found():
    report = LintReport(files=[FileReport("x.md", LineIndex(TEXT), [])])
    assert render(report, "text") == "No problems in 1 file.\n"


def test_text_lists_what_fix_mended():
    report = _report()
    fixed = Diagnostic("AG006", "crlf-line-endings", Severity.WARNING, "CRLF", 0, 0)
    report.files[0].fixed = [fixed]
    out = render(report, "text").splitlines()
    assert "b/demo.md: fixed AG006 crlf-line-endings" in out
    assert out[-1].endswith("Fixed 1 finding.")


def test_json_has_the_shape_of_the_spec_with_code_point_columns_and_fix_edits():
    data = json.loads(render(_report(), "json"))
    assert set(data) == {"version", "files", "skipped", "diagnostics", "summary"}
    assert (data["version"], data["files"], data["skipped"]) == (1, 2, 2)
    assert data["summary"] == {"error": 1, "warning": 2, "info": 1}
    colour = next(d for d in data["diagnostics"] if d["code"] == "AG171")
    assert colour == {
        "path": "b/demo.md", "line": 3, "column": 8, "end_line": 3, "end_column": 12,
        "code": "AG171", "name": "color-invalid", "severity": "warning",
        "message": "colour 'Blue' is dropped",
        "fix": {"safe": True, "description": "lower-case the colour",
                "edits": [{"line": 3, "column": 8, "end_line": 3, "end_column": 12,
                           "text": "blue"}]},
    }
    body = next(d for d in data["diagnostics"] if d["code"] == "AG180")
    # Columns count code points: "body ✓ " is 7 of them before "ünïcode".
    assert (body["column"], body["end_column"], body["fix"]) == (8, 15, None)


def test_json_adds_the_fixed_list_only_when_fixing():
    report = _report()
    report.files[0].fixed = [Diagnostic("AG006", "crlf-line-endings", Severity.WARNING, "", 0, 0)]
    assert "fixed" not in json.loads(render(report, "json"))
    data = json.loads(render(report, "json", include_fixed=True))
    assert data["fixed"] == [{"path": "b/demo.md", "code": "AG006", "name": "crlf-line-endings"}]


def test_github_emits_workflow_commands_with_escaped_properties_and_data():
    lines = render(_report(), "github").splitlines()
    assert lines[0] == (
        "::error file=a/plain.md,line=1,col=1,endLine=1,endColumn=1,title=AG001 no-frontmatter"
        "::no frontmatter"
    )
    assert lines[3] == (
        "::notice file=b/demo.md,line=5,col=8,endLine=5,endColumn=15,title=AG180 body-short"
        "::the body is short,%0Asee: docs"
    )
    assert lines[-1].startswith("Found 1 error")


def test_github_escapes_commas_and_colons_in_the_file_property():
    report = LintReport(files=[FileReport("a,b:c.md", LineIndex(TEXT), [
        Diagnostic("AG001", "no-frontmatter", Severity.ERROR, "100% broken", 0, 0)])])
    line = render(report, "github").splitlines()[0]
    assert line.startswith("::error file=a%2Cb%3Ac.md,")
    assert line.endswith("::100%25 broken")


def test_sarif_is_a_2_1_0_log_with_the_rule_table_and_located_results():
    log = json.loads(render(_report(), "sarif", rules=RULES, version="9.9"))
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("workbench", "9.9")
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == ["AG001", "AG113", "AG171", "AG180"]
    assert driver["rules"][3]["defaultConfiguration"] == {"level": "note"}
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["AG001", "AG113", "AG171", "AG180"]
    for result in results:
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
    colour = results[2]
    location = colour["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "b/demo.md"}
    assert location["region"] == {"startLine": 3, "startColumn": 8, "endLine": 3, "endColumn": 12}
    (change,) = colour["fixes"][0]["artifactChanges"]
    assert change["replacements"][0]["insertedContent"] == {"text": "blue"}


def test_sarif_gives_absolute_paths_as_file_uris():
    report = LintReport(files=[FileReport("/tmp/x y.md", LineIndex(TEXT), [
        Diagnostic("AG001", "no-frontmatter", Severity.ERROR, "no frontmatter", 0, 0)])])
    log = json.loads(render(report, "sarif", rules=RULES, version="1"))
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri == {"uri": "file:///tmp/x%20y.md"}


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab\n\r✓", max_size=60), st.integers(min_value=-3, max_value=70))
def test_text_positions_agree_with_the_line_index(text, offset):
    assert TextPositions(text).position(offset) == LineIndex(text).position(offset)


# Texts JSON must escape (quotes, backslashes, control characters) or pass through (non-ASCII,
# line and paragraph separators), as paths, messages, fix descriptions and replacement texts.
_JSON_TEXT = st.text(alphabet='ab "\\\n\r\t\x00\x1f\x7fé✓\u2028😀', max_size=12)


@settings(max_examples=200, deadline=None)
@given(
    paths=st.lists(_JSON_TEXT, min_size=0, max_size=3),
    message=_JSON_TEXT,
    replacement=_JSON_TEXT,
    description=_JSON_TEXT,
    include_fixed=st.booleans(),
)
def test_json_is_exactly_what_json_dumps_makes_of_the_report_data(
    paths, message, replacement, description, include_fixed
):
    from workbench.agents.report import _json_data

    fix = Fix(description, False, (TextEdit(4, 8, replacement), TextEdit(0, 0, "")))
    files = [
        FileReport(path, TextPositions(TEXT), [
            Diagnostic("AG113", "name-style", Severity.WARNING, message, 10, 14, fix),
            Diagnostic("AG001", "no-frontmatter", Severity.ERROR, message + path, 0, 0),
            Diagnostic("AG180", "body-short", Severity.INFO, "short", 31, 40),
        ], fixed=[Diagnostic("AG006", "crlf-line-endings", Severity.WARNING, "", 0, 0)])
        for path in paths
    ]
    report = LintReport(files=files, skipped=len(paths))
    expected = json.dumps(_json_data(report, include_fixed), ensure_ascii=False) + "\n"
    assert render(report, "json", include_fixed=include_fixed) == expected
