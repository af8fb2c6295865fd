"""The four output formats of `workbench lint`: text, JSON, GitHub workflow commands and SARIF 2.1.0.

Pure functions from a `LintReport` to the text to print; the shapes are those of
shared/spec/rules.md, "The command". Offsets become 1-based lines and columns (code points, ends
exclusive) through each file's `Positions`.
"""

from __future__ import annotations

import json
from operator import attrgetter
from pathlib import PurePath
from typing import Iterable, Protocol, Sequence

from workbench.agents.diagnostics import Diagnostic, Fix, Severity

FORMATS = ("text", "json", "github", "sarif")

_SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GITHUB_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
# Findings in text order. (A C-level key: a report sorts every file's findings.)
_TEXT_ORDER = attrgetter("start", "end", "code")


class Positions(Protocol):
    """Maps an offset to a 1-based (line, column); `LineIndex` and `TextPositions` do."""

    def position(self, offset: int) -> tuple[int, int]: ...


class TextPositions:
    """(line, column) of a few offsets of a text, counted on demand. A report needs a handful of
    positions per file, so indexing every line of every file first would cost more than it saves."""

    __slots__ = ("_text", "_length", "_last_offset", "_last_line")

    def __init__(self, text: str) -> None:
        self._text = text
        self._length = len(text)
        # Reports ask in text order (start, end, next finding): count on from the last answer.
        self._last_offset = 0
        self._last_line = 1

    def position(self, offset: int) -> tuple[int, int]:
        """Like `LineIndex.position`: lines end at `\\n`, offsets are clamped into the text."""
        text = self._text
        if offset < 0:
            offset = 0
        elif offset > self._length:
            offset = self._length
        if offset >= self._last_offset:
            line = self._last_line + text.count("\n", self._last_offset, offset)
        else:
            line = text.count("\n", 0, offset) + 1
        self._last_offset = offset
        self._last_line = line
        return line, offset - text.rfind("\n", 0, offset)


class RuleInfo(Protocol):
    """What the reports need of a rule of the table (`rules.Rule` has it)."""

    code: str
    name: str
    severity: Severity


class FileReport:
    """The findings of one file. `fixed` lists what `--fix` mended in it (already written)."""

    __slots__ = ("path", "lines", "diagnostics", "fixed")

    def __init__(self, path: str, lines: Positions, diagnostics: Sequence[Diagnostic],
                 fixed: Sequence[Diagnostic] = ()) -> None:
        self.path = path
        self.lines = lines
        self.diagnostics = diagnostics
        self.fixed = fixed

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    __hash__ = None

    def __repr__(self) -> str:
        return (f"FileReport(path={self.path!r}, lines={self.lines!r}, "
                f"diagnostics={self.diagnostics!r}, fixed={self.fixed!r})")


class LintReport:
    """Everything one `workbench lint` run found: `files` linted, `skipped` non-agent Markdown."""

    __slots__ = ("files", "skipped")

    def __init__(self, files: list[FileReport] | None = None, skipped: int = 0) -> None:
        self.files: list[FileReport] = [] if files is None else files
        self.skipped = skipped

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self.files == other.files and self.skipped == other.skipped

    __hash__ = None

    def __repr__(self) -> str:
        return f"LintReport(files={self.files!r}, skipped={self.skipped!r})"

    def counts(self) -> dict[str, int]:
        """Findings per severity, every severity present: {"error": n, "warning": n, "info": n}."""
        counts = {s.value: 0 for s in Severity}
        for report in self.files:
            for diagnostic in report.diagnostics:
                # `_value_` is the member's value without the `value` property's Python call.
                counts[diagnostic.severity._value_] += 1
        return counts

    def fixed_count(self) -> int:
        """How many findings `--fix` mended across all files."""
        return sum(len(report.fixed) for report in self.files)

    def rows(self) -> Iterable[tuple[FileReport, Diagnostic]]:
        """Every finding with its file, by path, then position, then code."""
        for report in sorted(self.files, key=_path_of):
            for diagnostic in sorted(report.diagnostics, key=_TEXT_ORDER):
                yield report, diagnostic


def _path_of(report: FileReport) -> str:
    return report.path


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _one_line(message: str) -> str:
    # One finding is one line, whatever a message quotes from the file.
    return " ".join(message.split())


def format_text(report: LintReport) -> str:
    """`path:line:column: CODE severity message` per finding, then a summary line."""
    out = []
    for file, d in report.rows():
        line, column = file.lines.position(d.start)
        out.append(f"{file.path}:{line}:{column}: {d.code} {d.severity.value} {_one_line(d.message)}")
    for file in sorted(report.files, key=lambda r: r.path):
        for d in file.fixed:
            out.append(f"{file.path}: fixed {d.code} {d.name}")
    out.append(summary_line(report))
    return "\n".join(out) + "\n"


def summary_line(report: LintReport) -> str:
    """One sentence: counts per severity, files linted and skipped, and what was fixed."""
    counts = report.counts()
    files = _plural(len(report.files), "file")
    if report.skipped:
        files += f" ({report.skipped} skipped: Markdown without frontmatter)"
    if any(counts.values()):
        found = ", ".join(
            _plural(counts[s.value], s.value) for s in Severity if counts[s.value]
        )
        text = f"Found {found} in {files}."
    else:
        text = f"No problems in {files}."
    fixed = report.fixed_count()
    if fixed:
        text += f" Fixed {_plural(fixed, 'finding')}."
    return text


def _edit_dict(lines: Positions, start: int, end: int, text: str) -> dict:
    line, column = lines.position(start)
    end_line, end_column = lines.position(end)
    return {"line": line, "column": column, "end_line": end_line, "end_column": end_column, "text": text}


def _fix_dict(lines: Positions, fix: Fix | None) -> dict | None:
    if fix is None:
        return None
    return {
        "safe": fix.safe,
        "description": fix.description,
        "edits": [_edit_dict(lines, e.start, e.end, e.new_text) for e in fix.edits],
    }


def diagnostic_dict(file: FileReport, d: Diagnostic) -> dict:
    """One finding in the JSON shape of rules.md."""
    line, column = file.lines.position(d.start)
    end_line, end_column = file.lines.position(d.end)
    return {
        "path": file.path,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "code": d.code,
        "name": d.name,
        "severity": d.severity._value_,
        "message": d.message,
        "fix": None if d.fix is None else _fix_dict(file.lines, d.fix),
    }


def format_json(report: LintReport, *, include_fixed: bool = False) -> str:
    """The JSON object of rules.md; with `include_fixed`, a `fixed` list of what `--fix` mended.

    Exactly `json.dumps(_json_data(report, include_fixed), ensure_ascii=False)` plus a newline, but
    each finding is written from a template with json's own string encoder, its path encoded once
    per file and repeated texts (codes, names, most messages) once per run: on a corpus of
    thousands of findings, building a dict per finding and encoding its keys each time cost a
    tenth of the whole lint."""
    encoded: dict[str, str] = {}

    def enc(text: str) -> str:
        found = encoded.get(text)
        if found is None:
            found = encoded[text] = _encode_string(text)
        return found

    findings = []
    current = None
    for file, d in report.rows():
        if file is not current:
            current, path, lines = file, enc(file.path), file.lines
        line, column = lines.position(d.start)
        end_line, end_column = lines.position(d.end)
        fix = "null" if d.fix is None else json.dumps(_fix_dict(lines, d.fix), ensure_ascii=False)
        findings.append(
            f'{{"path": {path}, "line": {line:d}, "column": {column:d}, "end_line": {end_line:d}, '
            f'"end_column": {end_column:d}, "code": {enc(d.code)}, "name": {enc(d.name)}, '
            f'"severity": {enc(d.severity._value_)}, "message": {enc(d.message)}, "fix": {fix}}}'
        )
    out = (
        f'{{"version": 1, "files": {len(report.files):d}, "skipped": {report.skipped:d}, '
        f'"diagnostics": [{", ".join(findings)}], "summary": {json.dumps(report.counts())}'
    )
    if include_fixed:
        out += f', "fixed": {json.dumps(_fixed_list(report), ensure_ascii=False)}'
    return out + "}\n"


# The string encoder `json.dumps(..., ensure_ascii=False)` uses (its C version when built).
_encode_string = json.encoder.encode_basestring


def _fixed_list(report: LintReport) -> list[dict]:
    return [
        {"path": file.path, "code": d.code, "name": d.name}
        for file in sorted(report.files, key=_path_of)
        for d in file.fixed
    ]


def _json_data(report: LintReport, include_fixed: bool = False) -> dict:
    """The JSON object of rules.md as Python data (what `format_json` writes)."""
    data: dict = {
        "version": 1,
        "files": len(report.files),
        "skipped": report.skipped,
        "diagnostics": [diagnostic_dict(file, d) for file, d in report.rows()],
        "summary": report.counts(),
    }
    if include_fixed:
        data["fixed"] = _fixed_list(report)
    return data


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(report: LintReport) -> str:
    """GitHub Actions workflow commands: `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::…`.

    Infos become `::notice`. The summary line follows as plain log output.
    """
    out = []
    for file, d in report.rows():
        line, column = file.lines.position(d.start)
        end_line, end_column = file.lines.position(d.end)
        props = (
            f"file={_github_property(file.path)},line={line},col={column},"
            f"endLine={end_line},endColumn={end_column},"
            f"title={_github_property(f'{d.code} {d.name}')}"
        )
        out.append(f"::{_GITHUB_COMMAND[d.severity]} {props}::{_github_data(d.message)}")
    out.append(summary_line(report))
    return "\n".join(out) + "\n"


def _artifact_uri(path: str) -> str:
    pure = PurePath(path)
    if pure.is_absolute():
        return pure.as_uri()
    return pure.as_posix()


def format_sarif(report: LintReport, rules: Iterable[RuleInfo], *, version: str) -> str:
    """A SARIF 2.1.0 log with one run: the rule table as `tool.driver.rules`, one result per finding
    (ruleId, ruleIndex, level, message, a region with start and end), safe and unsafe fixes as
    SARIF `fixes`."""
    rule_list = sorted(rules, key=lambda r: r.code)
    index = {rule.code: i for i, rule in enumerate(rule_list)}
    driver = {
        "name": "workbench",
        "version": version,
        "rules": [
            {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.name.replace("-", " ")},
                "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
            }
            for rule in rule_list
        ],
    }
    results = []
    for file, d in report.rows():
        line, column = file.lines.position(d.start)
        end_line, end_column = file.lines.position(d.end)
        artifact = {"uri": _artifact_uri(file.path)}
        result: dict = {
            "ruleId": d.code,
            "level": _SARIF_LEVEL[d.severity],
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": artifact,
                        "region": {
                            "startLine": line,
                            "startColumn": column,
                            "endLine": end_line,
                            "endColumn": end_column,
                        },
                    }
                }
            ],
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        if d.fix is not None:
            result["fixes"] = [_sarif_fix(file.lines, artifact, d.fix)]
        results.append(result)
    log = {
        "$schema": _SARIF_SCHEMA,
        "version": "2.1.0",
        # Columns count code points, as everywhere in workbench (SARIF's default is UTF-16 units).
        "runs": [{"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def _sarif_fix(lines: Positions, artifact: dict, fix: Fix) -> dict:
    replacements = []
    for edit in fix.edits:
        line, column = lines.position(edit.start)
        end_line, end_column = lines.position(edit.end)
        replacements.append(
            {
                "deletedRegion": {
                    "startLine": line,
                    "startColumn": column,
                    "endLine": end_line,
                    "endColumn": end_column,
                },
                "insertedContent": {"text": edit.new_text},
            }
        )
    label = "safe fix" if fix.safe else "unsafe fix"
    return {
        "description": {"text": f"{fix.description} ({label})"},
        "artifactChanges": [{"artifactLocation": artifact, "replacements": replacements}],
    }


def render(report: LintReport, fmt: str, *, rules: Iterable[RuleInfo] = (), version: str = "",
           include_fixed: bool = False) -> str:
    """The report in one of `FORMATS`."""
    if fmt == "json":
        return format_json(report, include_fixed=include_fixed)
    if fmt == "github":
        return format_github(report)
    if fmt == "sarif":
        return format_sarif(report, rules, version=version)
    return format_text(report)
