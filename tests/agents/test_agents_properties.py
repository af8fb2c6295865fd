"""Hypothesis: parsing, validating and fixing any text never raises, and every range (findings
and fix edits) lies inside the text."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.agents.document import AgentDocument
from workbench.agents.fixes import fix_text
from workbench.agents.rules import validate

# Hypothesis draws from this list at collection time, so the corpus is located here, the same way
# as the `corpus_dir` fixture does (WORKBENCH_CORPUS, else ../shared/corpus).
_CORPUS = Path(os.environ.get("WORKBENCH_CORPUS") or Path(__file__).resolve().parents[3] / "shared" / "corpus")
_SAMPLES = sorted(_CORPUS.rglob("*.md"))[::40] if _CORPUS.is_dir() else []
_YAMLISH = st.sampled_from(
    ["---", "\n", "\r\n", ": ", "- ", "  ", "#", '"', "'", "[", "]", "{", "}", "&a", "*a", "|",
     ">", "\\n", "name", "description", "tools", "Read", "Agent(", ")", ",", "\t", "\ufeff",
     "mcp__x", "yes", "012", "\x00", "é", "\u2028"]
)


def _check(text: str) -> None:
    doc = AgentDocument.parse(text)
    for d in validate(doc):
        assert 0 <= d.start <= d.end <= len(text), d
        for edit in d.fix.edits if d.fix else ():
            assert 0 <= edit.start <= edit.end <= len(text), d


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises(text):
    _check(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(_YAMLISH, max_size=60).map("".join))
def test_yaml_shaped_text_never_raises(text):
    _check("---\n" + text)
    _check("---\nname: x\n" + text + "\n---\nbody")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(_SAMPLES or [None]),
    st.lists(st.tuples(st.floats(0, 1), st.integers(0, 8), _YAMLISH), max_size=6),
)
def test_mutated_corpus_files_never_raise_and_fix_cleanly(path, mutations):
    text = path.read_text(encoding="utf-8") if path else "---\nname: x\n---\n"
    for where, cut, insert in mutations:
        at = int(where * len(text))
        text = text[:at] + insert + text[at + cut :]
    _check(text)
    fixed, _ = fix_text(text, unsafe=True)
    assert isinstance(fixed, str)
