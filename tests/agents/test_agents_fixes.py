"""Every fix path: applying a diagnostic's fix removes the finding, touches nothing outside its
edits, and (for safe fixes) leaves every value Claude Code applies today unchanged."""

from __future__ import annotations

import pytest
from agent_texts import DESC, GOOD, NAME, fm

from workbench.agents.diagnostics import TextEdit
from workbench.agents.document import AgentDocument
from workbench.agents.fixes import apply_edits, fix_text
from workbench.agents.rules import validate

# (code, before, after, safe, the fields the fix may change with their new values)
FIXES = [
    ("AG003", fm(NAME, "description: Use when reviewing", "<example>", "user: hi", "model: opus"),
     fm(NAME, "description: |", "  Use when reviewing", "  <example>", "  user: hi", "model: opus"),
     False, None),
    ("AG004", fm(NAME, "description: Use when: asked to review"),
     fm(NAME, 'description: "Use when: asked to review"'), True, {}),
    ("AG004", fm(NAME, r'description: Say "hi" when: asked \o/'),
     fm(NAME, r'description: "Say \"hi\" when: asked \\o/"'), True, {}),
    ("AG004", fm(NAME, "description: Use when: asked", "tools:", "\t- Read", "\t- Grep"),
     fm(NAME, 'description: "Use when: asked"', "tools:", "  - Read", "  - Grep"), True, {}),
    ("AG006", GOOD.replace("\n", "\r\n"), GOOD, True, {}),
    ("AG009", fm(NAME, DESC, "background: yes"), fm(NAME, DESC, 'background: "yes"'), True, {}),
    ("AG009", fm(NAME, DESC, "maxTurns: 012"), fm(NAME, DESC, "maxTurns: 12"), True, {}),
    ("AG100", fm(NAME, DESC, "allowed-tools: Read"), fm(NAME, DESC, "tools: Read"), True,
     {"tools": "Read", "allowed-tools": None}),
    ("AG111", fm("name: 123", DESC), fm('name: "123"', DESC), True, {"name": "123"}),
    ("AG123", fm(NAME, "description: Use when reviewing", "  code changes"),
     fm(NAME, "description: >-", "  Use when reviewing", "  code changes"), True, {}),
    ("AG123", fm(NAME, "description: Use when fixing bug #1 or #2"),
     fm(NAME, 'description: "Use when fixing bug #1 or #2"'), False, None),
    ("AG131", fm(NAME, DESC, "tools: Read, Grpe"), fm(NAME, DESC, "tools: Read, Grep"), True,
     {"tools": "Read, Grep"}),
    ("AG132", fm(NAME, DESC, "tools: Read, MultiEdit"), fm(NAME, DESC, "tools: Read, Edit"), True,
     {"tools": "Read, Edit"}),
    ("AG132", fm(NAME, DESC, "tools: LS, Read, Grep"), fm(NAME, DESC, "tools: Read, Grep"), True,
     {"tools": "Read, Grep"}),
    ("AG132", fm(NAME, DESC, "tools: Read, Grep, LS"), fm(NAME, DESC, "tools: Read, Grep"), True,
     {"tools": "Read, Grep"}),
    ("AG132", fm(NAME, DESC, "tools:\n  - Read\n  - TodoRead\n  - Grep"),
     fm(NAME, DESC, "tools:\n  - Read\n  - Grep"), True, {"tools": ["Read", "Grep"]}),
    ("AG132", fm(NAME, DESC, "tools: [Read, LS]"), fm(NAME, DESC, "tools: [Read]"), True,
     {"tools": ["Read"]}),
    ("AG132", fm(NAME, DESC, "disallowedTools: KillShell"), fm(NAME, DESC, "disallowedTools: TaskStop"),
     True, {"disallowedTools": "TaskStop"}),
    ("AG132", fm(NAME, DESC, "tools: Read, TodoWrite, Grep"), fm(NAME, DESC, "tools: Read, Grep"),
     True, {"tools": "Read, Grep"}),
    ("AG132", fm(NAME, DESC, "tools: [Read, TaskUpdate]"), fm(NAME, DESC, "tools: [Read]"), True,
     {"tools": ["Read"]}),
    ("AG132", fm(NAME, DESC, "tools: Bash, KillBash"), fm(NAME, DESC, "tools: Bash, TaskStop"),
     True, {"tools": "Bash, TaskStop"}),
    ("AG139", fm(NAME, DESC, "tools: Read, Grep, Read"), fm(NAME, DESC, "tools: Read, Grep"), True,
     {"tools": "Read, Grep"}),
    ("AG171", fm(NAME, DESC, "color: Blue"), fm(NAME, DESC, "color: blue"), True, {"color": "blue"}),
]


def _only(code, text):
    found = [d for d in validate(AgentDocument.parse(text)) if d.code == code and d.fix]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("code, before, after, safe, changes", FIXES)
def test_fix_removes_its_finding_and_changes_only_what_it_may(code, before, after, safe, changes):
    diagnostic = _only(code, before)
    assert diagnostic.fix.safe is safe
    fixed = apply_edits(before, diagnostic.fix.edits)
    assert fixed == after
    first = min(e.start for e in diagnostic.fix.edits)
    last = max(e.end for e in diagnostic.fix.edits)
    assert fixed[:first] == before[:first]
    assert fixed[len(fixed) - (len(before) - last):] == before[last:]
    assert code not in {d.code for d in validate(AgentDocument.parse(fixed))}
    if safe:
        old = AgentDocument.parse(before).fields or {}
        new = AgentDocument.parse(fixed).fields
        expected = {k: v for k, v in {**old, **changes}.items() if v is not None}
        assert new == expected


def test_a_sole_removed_tool_is_not_deleted_because_an_empty_list_means_no_tools():
    diagnostic = _only_code("AG132", fm(NAME, DESC, "tools: LS"))
    assert diagnostic.fix is None


def _only_code(code, text):
    (found,) = [d for d in validate(AgentDocument.parse(text)) if d.code == code]
    return found


def test_an_ambiguous_tool_name_gets_no_automatic_fix():
    diagnostic = _only_code("AG131", fm(NAME, DESC, "tools: Read, Tasks"))
    assert "Did you mean" in diagnostic.message
    assert diagnostic.fix is None or len(diagnostic.fix.edits) == 1


def test_fix_text_applies_every_safe_fix_until_stable():
    before = fm(NAME, "description: Use when: asked", "tools: LS, MultiEdit, Read, Read",
                "color: Red", "Model: opus").replace("\n", "\r\n")
    after, fixed = fix_text(before)
    codes = {d.code for d in fixed}
    assert {"AG006", "AG100", "AG132", "AG139", "AG171"} <= codes
    remaining = {d.code for d in validate(AgentDocument.parse(after))}
    assert not remaining & codes
    assert fix_text(after) == (after, [])


def test_fix_text_leaves_unsafe_fixes_alone_unless_asked():
    before = fm(NAME, "description: Use when fixing bug #1 or #2")
    assert fix_text(before) == (before, [])
    after, fixed = fix_text(before, unsafe=True)
    assert [d.code for d in fixed] == ["AG123"]
    assert AgentDocument.parse(after).description == "Use when fixing bug #1 or #2"


def test_fix_text_select_limits_the_codes_fixed():
    before = fm(NAME, DESC, "tools: Read, LS", "color: Red")
    after, fixed = fix_text(before, select={"AG171"})
    assert [d.code for d in fixed] == ["AG171"] and "LS" in after


def test_apply_edits_is_pure_and_rejects_overlaps():
    text = "abcdef"
    assert apply_edits(text, [TextEdit(4, 5, "E"), TextEdit(0, 1, "A")]) == "AbcdEf"
    assert text == "abcdef"
    with pytest.raises(ValueError):
        apply_edits(text, [TextEdit(0, 3, "x"), TextEdit(2, 4, "y")])
