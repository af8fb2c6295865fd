"""The 1,037 real agent files: lint never fails on them, agrees with plain PyYAML about which
frontmatter is broken, and `--fix` mends what it claims without changing what Claude Code applies."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from workbench.agents.document import read_agent_file
from workbench.agents.fields import COLORS, FIELDS
from workbench.agents.toolnames import CURRENT_TOOLS, resolve_tools
from workbench.cli import main

CORPUS_FILES = 1037
STRICT_CODES = {"AG002", "AG003", "AG004", "AG005"}
# Plain PyYAML's safe loader (its C build when there is one: same grammar, faster).
_STRICT_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _lint_json(capsys, *args) -> dict:
    main(["lint", *map(str, args), "--format", "json"])
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def corpus_report(corpus_dir) -> dict:
    """One run of the real command over the whole corpus."""
    result = subprocess.run(
        [sys.executable, "-m", "workbench", "lint", str(corpus_dir), "--format", "json"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.stderr == ""
    assert result.returncode == 1  # the corpus holds real errors
    return json.loads(result.stdout)


def test_lint_reads_every_corpus_file_without_an_exception(corpus_report):
    assert corpus_report["files"] == CORPUS_FILES
    assert corpus_report["skipped"] == 1  # the corpus README
    counts = {"error": 0, "warning": 0, "info": 0}
    for d in corpus_report["diagnostics"]:
        counts[d["severity"]] += 1
    assert corpus_report["summary"] == counts


def _strict_yaml_fails(path: Path) -> bool | None:
    """Whether a strict parser rejects the file's frontmatter: None when it has none."""
    text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None
    closing = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() == "---"), None)
    if closing is None:
        return True
    try:
        value = yaml.load("\n".join(lines[1:closing]), Loader=_STRICT_LOADER)
    except yaml.YAMLError:
        return True
    return not (value is None or isinstance(value, dict))


def test_the_files_plain_pyyaml_rejects_are_those_reported_ag002_to_ag005_or_cut(
    corpus_dir, corpus_report
):
    """Strict parsers close the frontmatter at a `---` line; Claude Code at the first `---`
    anywhere. A file only the strict reading rejects is one Claude Code cuts short (AG007)."""
    rejected = {
        str(path)
        for path in corpus_dir.rglob("*.md")
        if _strict_yaml_fails(path)
    }
    reported = {d["path"] for d in corpus_report["diagnostics"] if d["code"] in STRICT_CODES}
    cut = {d["path"] for d in corpus_report["diagnostics"] if d["code"] == "AG007"}
    assert len(rejected) == 21
    assert reported <= rejected
    assert rejected - reported <= cut


def _applied(document) -> dict:
    """What Claude Code applies from a file: known fields only, a colour only when valid, and of
    `tools`/`disallowedTools` the entries that resolve."""
    view = {}
    for key, value in (document.fields or {}).items():
        if key not in FIELDS or (key == "color" and value not in COLORS):
            continue
        entries = document.tool_entries(key) if key in ("tools", "disallowedTools") else None
        if entries is not None:
            resolved, _, _ = resolve_tools([entry for entry, _ in entries])
            value = frozenset(resolved)
        view[key] = value
    return view


def _assert_only_allowed_changes(before, after, fixed_codes: set[str]) -> None:
    old, new = _applied(before), _applied(after)
    for key, value in old.items():
        if key in ("tools", "disallowedTools"):
            # Replacing a dropped name (deprecated or misspelt) makes it take effect; nothing goes.
            assert value <= new[key], key
            added = {entry for entry in new[key] - value}
            assert added <= CURRENT_TOOLS and (not added or fixed_codes & {"AG131", "AG132"})
        else:
            assert new.get(key) == value, key
    for key in new.keys() - old.keys():
        if key == "color":
            assert "AG171" in fixed_codes and new[key] == before.fields[key].lower()
        else:
            # A misspelt key renamed to the field it meant, with the value it had.
            assert "AG100" in fixed_codes
            assert any(after.fields[key] == v for k, v in before.fields.items() if k not in FIELDS)
    assert after.body == before.body.replace("\r\n", "\n") or after.body == before.body


def test_fix_on_a_copy_mends_what_it_reports_and_keeps_what_claude_code_applies(
    corpus_dir, tmp_path, capsys
):
    copy = tmp_path / "corpus"
    shutil.copytree(corpus_dir, copy)
    before = {
        os.path.relpath(path, copy): read_agent_file(path) for path in sorted(copy.rglob("*.md"))
    }
    report = _lint_json(capsys, copy, "--fix")
    fixed: dict[str, set[str]] = {}
    for item in report["fixed"]:
        fixed.setdefault(os.path.relpath(item["path"], copy), set()).add(item["code"])
    assert len(fixed) > 200  # the corpus has hundreds of fixable files

    after_report = _lint_json(capsys, copy)
    left = {(os.path.relpath(d["path"], copy), d["code"]) for d in after_report["diagnostics"]}
    assert {(path, code) for path, codes in fixed.items() for code in codes} & left == set()

    for relative, document in before.items():
        after = read_agent_file(copy / relative)
        if relative not in fixed:
            assert after.text == document.text, relative
            continue
        if document.fields is None:
            continue
        _assert_only_allowed_changes(document, after, fixed[relative])
