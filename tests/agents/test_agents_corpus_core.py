"""The 1,037 real agent files, in-process: strict-YAML failures are exactly the files reported with
AG002–AG005, and every file's safe fixes leave what Claude Code applies unchanged."""

from __future__ import annotations

import re

import pytest
import yaml

from workbench.agents.document import AgentDocument, read_agent_file
from workbench.agents.fixes import apply_edits, fix_text
from workbench.agents.rules import validate

# Claude Code's frontmatter pattern (rules.md): it ends at the first `---` anywhere.
_FRONTMATTER = re.compile(r"\A\ufeff?---\s*\n([\s\S]*?)---\s*\n?")
_OPEN = re.compile(r"\A\ufeff?---[ \t\r]*\n")
# Safe fixes that may change a field (making a dropped value take effect): code -> field keys.
_MAY_CHANGE = {"AG100": None, "AG111": {"name"}, "AG131": {"tools", "disallowedTools"},
               "AG132": {"tools", "disallowedTools"}, "AG139": {"tools", "disallowedTools"},
               "AG171": {"color"}}


@pytest.fixture(scope="module")
def corpus(corpus_dir):
    files = sorted(p for p in corpus_dir.rglob("*.md") if p.name != "README.md")
    return [(p, read_agent_file(p)) for p in files]


def _strict_yaml_fails(text: str) -> bool | None:
    """An independent strict reading: PyYAML's C loader on the frontmatter Claude Code's pattern
    finds. None when the file has no frontmatter at all."""
    if not _OPEN.match(text):
        return None
    found = _FRONTMATTER.match(text)
    if found is None:
        return True
    try:
        data = yaml.load(found.group(1), Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return True
    return not (data is None or isinstance(data, dict))


def test_files_failing_a_strict_yaml_parse_are_exactly_those_with_ag002_to_ag005(corpus):
    mismatched = []
    for path, doc in corpus:
        fails = _strict_yaml_fails(doc.text)
        if fails is None:
            continue
        reported = {d.code for d in validate(doc)} & {"AG002", "AG003", "AG004", "AG005"}
        if fails != bool(reported):
            mismatched.append(path.name)
    assert mismatched == []


def test_every_range_of_every_finding_and_edit_lies_inside_its_file(corpus):
    for _, doc in corpus:
        for d in validate(doc):
            assert 0 <= d.start <= d.end <= len(doc.text)
            for edit in d.fix.edits if d.fix else ():
                assert 0 <= edit.start <= edit.end <= len(doc.text)


def test_safe_fixes_keep_every_value_claude_code_applies(corpus):
    for path, doc in corpus:
        fixed_text, fixed = fix_text(doc.text, path)
        if not fixed:
            continue
        after = AgentDocument.parse(fixed_text, path)
        left = {d.code for d in validate(after)}
        assert not left & {d.code for d in fixed}, path
        if doc.fields is None:
            continue
        exempt = set()
        for d in fixed:
            keys = _MAY_CHANGE.get(d.code, set())
            exempt |= keys if keys is not None else {doc.text[d.start : d.end], d.fix.edits[0].new_text}
        before = {k: v for k, v in doc.fields.items() if k not in exempt}
        assert {k: v for k, v in after.fields.items() if k not in exempt} == before, path
        crlf_fixed = "AG006" in {d.code for d in fixed}
        assert after.body == (doc.body.replace("\r\n", "\n") if crlf_fixed else doc.body), path


def test_applying_all_fixes_of_one_pass_touches_only_their_edits(corpus):
    for _, doc in corpus[:200]:
        for d in validate(doc):
            if d.fix:
                new = apply_edits(doc.text, d.fix.edits)
                first = min(e.start for e in d.fix.edits)
                assert new[:first] == doc.text[:first]
