"""Every code of rules.md fires at its exact range on a file that shows it, and not on one that
does not. Ranges are given inline: «» marks what the finding must cover."""

from __future__ import annotations

import pytest
from agent_texts import BODY, DESC, GOOD, NAME, fm, positions, unmark

from workbench.agents.document import AgentDocument, document_from_bytes
from workbench.agents.rules import RULES, ValidationContext, validate

NOT_PLUGIN = ValidationContext(in_plugin=False)
LONG_BODY = "«Long prompt, first line.»\n" + "Check every edge case carefully. " * 320

# (code, marked text, path or None, in_plugin)
TRIGGERS = [
    ("AG001", "«# Review notes»\nname: code-reviewer\n", None, False),
    ("AG001", "«  ---»\nname: code-reviewer\n---\nbody\n", None, False),
    ("AG002", f"«---»\n{NAME}\n{DESC}\n\n{BODY}", None, False),
    ("AG003", fm(NAME, "description: Use when reviewing", "<example>", "«user: hi»"), None, False),
    ("AG004", fm(NAME, "description: «Use when: the user asks for a review»"), None, False),
    ("AG004", fm(NAME, DESC, "tools:", "«\t»- Read"), None, False),
    ("AG005", "---\n«- one\n- two»\n---\nbody text that is long enough\n", None, False),
    ("AG006", f"«---»\r\n{NAME}\r\n{DESC}\r\n---\r\n\r\n{BODY}", None, False),
    ("AG007", fm(NAME, "description: Use when a «---» rule appears in review."), None, False),
    ("AG007", fm(NAME, DESC, "«---»--", "tools: Read"), None, False),
    ("AG008", fm("«name»: first-name", NAME, DESC), None, False),
    ("AG009", fm(NAME, DESC, "background: «yes»"), None, False),
    ("AG009", fm(NAME, DESC, "maxTurns: «012»"), None, False),
    ("AG009", fm(NAME, DESC, "skills: [docs, «n»]"), None, False),
    ("AG010", "«---»" + fm(NAME, DESC, body="x" * 1_048_576)[3:], None, False),
    ("AG010", "«---»" + fm(NAME, DESC, body="\u00e9" * 524_288)[3:], None, False),
    ("AG100", fm(NAME, DESC, "«allowed-tools»: Read"), None, False),
    ("AG100", fm(NAME, DESC, "«Model»: sonnet"), None, False),
    ("AG101", fm(NAME, DESC, "«category»: quality"), None, False),
    ("AG110", fm(DESC).replace("---", "«---»", 1), None, False),
    ("AG111", fm("name: «123»", DESC), None, False),
    ("AG112", fm('name: «"bad:name"»', DESC), None, False),
    ("AG112", fm('name: «"-reviewer"»', DESC), None, False),
    ("AG112", fm("name: «" + "a" * 257 + "»", DESC), None, False),
    ("AG112", fm("name: «code\uff1areviewer»", DESC), None, False),
    ("AG113", fm("name: «Code Reviewer»", DESC), None, False),
    ("AG113", fm("name: «ab»", DESC), None, False),
    ("AG114", fm("name: «code-reviewer»", DESC), "agents/reviewer.md", False),
    ("AG115", fm("name: «Explore»", DESC), None, False),
    ("AG120", fm(NAME).replace("---", "«---»", 1), None, False),
    ("AG121", fm(NAME, "description: «[review, code]»"), None, False),
    ("AG121", fm(NAME, 'description: «""»'), None, False),
    ("AG121", fm(NAME, "description: «42»"), None, False),
    ("AG121", fm(NAME, "description: «true»"), None, False),
    ("AG122", fm(NAME, 'description: «"            "»'), None, False),
    ("AG122", fm(NAME, "description: «Use when»"), None, False),
    ("AG123", fm(NAME, "description: «Use when reviewing step #1 and #2»"), None, False),
    ("AG123", fm(NAME, "description: «Use when reviewing\n  code changes»"), None, False),
    ("AG123", fm(NAME, "description: «**Reviewer**: use when code changed»"), None, False),
    ("AG124", fm(NAME, "description: «Reviews code for quality and style.»"), None, False),
    ("AG130", fm(NAME, DESC, "tools: «5»"), None, False),
    ("AG130", fm(NAME, DESC, "tools: [Read, «7»]"), None, False),
    ("AG131", fm(NAME, DESC, "tools: Read, «Grpe»"), None, False),
    ("AG131", fm(NAME, DESC, "disallowedTools: «Bsh»"), None, False),
    ("AG132", fm(NAME, DESC, "tools: Read, «LS»"), None, False),
    ("AG132", fm(NAME, DESC, "tools:\n  - Read\n  - «MultiEdit»"), None, False),
    ("AG132", fm(NAME, DESC, "tools: Read, «TodoWrite»"), None, False),
    ("AG132", fm(NAME, DESC, "tools: Read, «TaskCreate»"), None, False),
    ("AG132", fm(NAME, DESC, "tools: Read, «KillShell»"), None, False),
    ("AG132", fm(NAME, DESC, "disallowedTools: «BashOutput»"), None, False),
    ("AG133", fm(NAME, DESC, "tools: Read, «AskUserQuestion»"), None, False),
    ("AG133", fm(NAME, DESC, "tools: Read, «ListAgents»"), None, False),
    ("AG133", fm(NAME, DESC, "tools: Read, «CronCreate»"), None, False),
    ("AG133", fm(NAME, DESC, "tools: Read, «TaskOutput»"), None, False),
    ("AG133", fm(NAME, DESC, "tools: Read, «ExitPlanMode»"), None, False),
    ("AG134", fm(NAME, DESC, "tools: Read, «Bash(git diff:*)»"), None, False),
    ("AG134", fm(NAME, DESC, "disallowedTools: «Bash(rm:*)»"), None, False),
    ("AG135", fm(NAME, DESC, "tools: Read, «Agent(worker)», Task(researcher)"), None, False),
    ("AG136", fm(NAME, DESC, "«tools»: []"), None, False),
    ("AG136", fm(NAME, DESC, "«tools»:"), None, False),
    ("AG137", fm(NAME, DESC, "tools: «Grpe, Raed»"), None, False),
    ("AG137", fm(NAME, DESC, "tools: «AskUserQuestion»"), None, False),
    ("AG137", fm(NAME, DESC, "tools: «TodoWrite, TaskList»"), None, False),
    ("AG138", fm(NAME, DESC, "tools: Read, «Bash»", "disallowedTools: Bash"), None, False),
    ("AG139", fm(NAME, DESC, "tools: Read, Grep, «Read»"), None, False),
    ("AG140", fm(NAME, DESC, "tools: Read, «mcp__git/hub»"), None, False),
    ("AG140", fm(NAME, DESC, "tools: Read, «mcp__*»"), None, False),
    ("AG141", fm(NAME, DESC, "tools: Read, Bash, «Grep»"), None, False),
    ("AG141", fm(NAME, DESC, "tools:\n  - «Glob»\n  - Bash(git diff:*)"), None, False),
    ("AG150", fm(NAME, DESC, "model: «gpt-4o»"), None, False),
    ("AG150", fm(NAME, DESC, "model: «Sonnet»"), None, False),
    ("AG160", fm(NAME, DESC, "permissionMode: «ask»"), None, False),
    ("AG161", fm(NAME, DESC, "permissionMode: «bypassPermissions»"), None, False),
    ("AG162", fm(NAME, DESC, "«permissionMode»: plan"), None, True),
    ("AG163", fm(NAME, DESC, "maxTurns: «0»"), None, False),
    ("AG163", fm(NAME, DESC, "maxTurns: «many»"), None, False),
    ("AG164", fm(NAME, DESC, "«skills»: {a: 1}"), None, False),
    ("AG164", fm(NAME, DESC, "skills: [docs, «3»]"), None, False),
    ("AG165", fm(NAME, DESC, "«mcpServers»: {github: {}}"), None, False),
    ("AG165", fm(NAME, DESC, "mcpServers:\n  - github\n  - «playwright: {type: stdio}»"), None, False),
    ("AG166", fm(NAME, DESC, "«hooks»: [lint]"), None, False),
    ("AG166", fm(NAME, DESC, "«hooks»: 5"), None, False),
    ("AG166", fm(NAME, DESC, "hooks:\n  PreToolUse:\n    - hooks:\n        - type: «shell»"),
     None, False),
    ("AG166", fm(NAME, DESC, "hooks:\n  PermissionRequest: «x»"), None, False),
    ("AG166", fm(NAME, DESC, "hooks:\n  PreToolUse:\n    - hooks:\n        - «type: command»"),
     None, False),
    (
        "AG173",
        fm(NAME, DESC, "hooks:\n  Stop:\n    - hooks:\n        - type: command\n"
           "          command: ./check.sh\n          «once»: true"),
        None,
        False,
    ),
    ("AG174", fm(NAME, DESC, "«PreToolUse»:\n  - matcher: Bash"), None, False),
    ("AG174", fm(NAME, DESC, "«PermissionRequest»: {}"), None, False),
    ("AG174", fm(NAME, DESC, "«PreToolUse»: [Bash]"), None, False),
    ("AG167", fm(NAME, DESC, "memory: «global»"), None, False),
    ("AG168", fm(NAME, DESC, 'background: «"maybe"»'), None, False),
    ("AG169", fm(NAME, DESC, "effort: «extreme»"), None, False),
    ("AG170", fm(NAME, DESC, "isolation: «container»"), None, False),
    ("AG171", fm(NAME, DESC, "color: «magenta»"), None, False),
    ("AG172", fm(NAME, DESC, "initialPrompt: «[review]»"), None, False),
    ("AG177", fm(NAME, DESC, "memory: project", "tools: «Read, Grep»"), None, False),
    ("AG177", fm(NAME, DESC, "tools: «[Bash]»", "memory: user"), None, False),
    ("AG180", fm(NAME, DESC, body="«Be brief.»\n"), None, False),
    ("AG181", fm(NAME, DESC, body=LONG_BODY), None, False),
]

# (code, text, path or None, in_plugin): the rule must stay silent.
QUIET = [
    ("AG001", "\ufeff" + GOOD, None, False),
    ("AG002", GOOD, None, False),
    # No `---` line closes it, but the `----` in the value does (AG007, not AG002).
    ("AG002", fm(NAME, "description: Use when a ---- rule").replace("\n---\n", "\n"), None, False),
    ("AG003", fm(NAME, "description: |", "  Use when reviewing", "  <example>"), None, False),
    ("AG004", fm(NAME, 'description: "Use when: the user asks for a review"'), None, False),
    ("AG004", fm(NAME, DESC, "tools:", "  - Read\t# a tab inside a line is fine"), None, False),
    ("AG005", "---\n---\nbody\n", None, False),
    ("AG006", GOOD, None, False),
    ("AG007", GOOD, None, False),
    ("AG007", "---\n" + NAME + "\n" + DESC + "\n---   \n\n" + BODY + "\n-----\n", None, False),
    ("AG008", GOOD, None, False),
    ("AG009", fm(NAME, DESC, 'background: "yes"', "maxTurns: 12"), None, False),
    ("AG010", fm(NAME, DESC, body="x" * (1_048_576 - len(fm(NAME, DESC, body="")))), None, False),
    ("AG011", GOOD.replace("quality", "quality \ufffd"), None, False),
    ("AG100", fm(NAME, DESC, "category: quality"), None, False),
    ("AG101", GOOD, None, False),
    ("AG110", GOOD, None, False),
    ("AG111", fm('name: "123"', DESC), None, False),
    ("AG112", GOOD, None, False),
    ("AG112", fm("name: " + "a" * 256, DESC), None, False),
    ("AG112", fm("name: code\uff0dreviewer", DESC), None, False),
    ("AG113", GOOD, None, False),
    ("AG114", GOOD, "agents/code-reviewer.md", False),
    ("AG114", GOOD, "agents/code-reviewer/AGENT.md", False),
    ("AG115", GOOD, None, False),
    ("AG120", GOOD, None, False),
    ("AG121", fm(NAME, "description: 42 is the answer, use when asked"), None, False),
    ("AG121", fm(NAME, 'description: "   "'), None, False),
    ("AG122", GOOD, None, False),
    ("AG123", fm(NAME, 'description: "Use when reviewing step #1"'), None, False),
    ("AG123", fm(NAME, "description: >-\n  Use when reviewing\n  code changes"), None, False),
    ("AG124", GOOD, None, False),
    ("AG130", fm(NAME, DESC, "tools: [Read, Grep]"), None, False),
    ("AG131", fm(NAME, DESC, "tools: Read, Task, mcp__github, *"), None, False),
    ("AG131", fm(NAME, "description: Use when: asked", "tools: [Read, Grep]"), None, False),
    ("AG132", GOOD, None, False),
    ("AG133", fm(NAME, DESC, "tools: Read, ExitPlanMode", "permissionMode: plan"), None, False),
    ("AG134", fm(NAME, DESC, "tools: Read, Agent(worker, researcher)"), None, False),
    ("AG135", fm(NAME, DESC, "tools: Read, Agent(worker, researcher)"), None, False),
    ("AG136", GOOD, None, False),
    ("AG137", fm(NAME, DESC, "tools: Grpe, mcp__github"), None, False),
    ("AG137", fm(NAME, DESC, "tools: KillShell"), None, False),
    ("AG138", fm(NAME, DESC, "tools: Read", "disallowedTools: Bash"), None, False),
    ("AG139", GOOD, None, False),
    ("AG140", fm(NAME, DESC, "tools: mcp__github__search_code", "disallowedTools: mcp__*"), None, False),
    ("AG141", fm(NAME, DESC, "tools: Bash, Grep, Glob", "disallowedTools: Bash"), None, False),
    ("AG141", fm(NAME, DESC, "disallowedTools: Grep"), None, False),
    ("AG150", fm(NAME, DESC, "model: claude-opus-4-1"), None, False),
    ("AG150", fm(NAME, DESC, "model: INHERIT"), None, False),
    ("AG150", fm(NAME, DESC, "model: sonnet[1m]"), None, False),
    ("AG150", fm(NAME, DESC, "model: us.anthropic.claude-sonnet-4-5-20250929-v1:0"), None, False),
    ("AG160", fm(NAME, DESC, "permissionMode: acceptEdits"), None, False),
    ("AG161", fm(NAME, DESC, "permissionMode: plan"), None, False),
    ("AG162", fm(NAME, DESC, "permissionMode: plan"), None, False),
    ("AG163", fm(NAME, DESC, "maxTurns: 5"), None, False),
    ("AG163", fm(NAME, DESC, 'maxTurns: "8"'), None, False),
    ("AG164", fm(NAME, DESC, "skills: docs, testing"), None, False),
    ("AG165", fm(NAME, DESC, "mcpServers:\n  - github\n  - web: {type: http, url: 'https://x'}\n"
                 "  - pw: {command: npx}"), None, False),
    ("AG166", fm(NAME, DESC, "hooks:\n  PreToolUse:\n    - matcher: Bash\n      hooks:\n"
                 "        - type: command\n          command: ./check.sh"), None, False),
    ("AG167", fm(NAME, DESC, "memory: project"), None, False),
    # Claude Code (2.1.332, 2.1.337) checks the shape of PreToolUse and PermissionRequest only.
    ("AG166", fm(NAME, DESC, "hooks:\n  Stop:\n    - hooks:\n        - type: shell"), None, False),
    ("AG166", fm(NAME, DESC, "hooks:\n  PostToolUse:\n    - hooks:\n        - type: command"), None,
     False),
    ("AG166", fm(NAME, DESC, "hooks:\n  PreToolUse:", "  Stop: x"), None, False),
    ("AG166", fm(NAME, DESC, "hooks: {}"), None, False),
    ("AG173", fm(NAME, DESC, "hooks:\n  Stop:\n    - hooks:\n        - type: command\n"
                 "          command: ./check.sh"), None, False),
    ("AG174", fm(NAME, DESC, "PreToolUse: []", "PermissionRequest:"), None, False),
    ("AG174", fm(NAME, DESC, "hooks:\n  PreToolUse:\n    - matcher: Bash\n      hooks:\n"
                 "        - type: command\n          command: ./check.sh", "PostToolUse: x"),
     None, False),
    ("AG168", fm(NAME, DESC, 'background: "true"'), None, False),
    ("AG169", fm(NAME, DESC, "effort: 3"), None, False),
    ("AG169", fm(NAME, DESC, "effort: xhigh"), None, False),
    ("AG170", fm(NAME, DESC, "isolation: worktree"), None, False),
    ("AG171", fm(NAME, DESC, "color: cyan"), None, False),
    ("AG172", fm(NAME, DESC, "initialPrompt: Review the staged diff"), None, False),
    ("AG177", fm(NAME, DESC, "memory: project", "tools: Read, Write, Edit, Grep"), None, False),
    ("AG177", fm(NAME, DESC, "memory: project"), None, False),
    ("AG177", fm(NAME, DESC, "memory: everywhere", "tools: Read"), None, False),
    ("AG177", fm(NAME, DESC, "memory: project", "tools: '*'"), None, False),
    ("AG180", GOOD, None, False),
    ("AG181", GOOD, None, False),
]

SINGLE_FILE_CODES = sorted(code for code in RULES if code < "AG190")


def _diagnostics(text, path, in_plugin):
    return validate(AgentDocument.parse(text, path), ValidationContext(in_plugin=in_plugin))


@pytest.mark.parametrize("code, marked, path, in_plugin", TRIGGERS)
def test_rule_fires_at_its_exact_range(code, marked, path, in_plugin):
    text, (start, end) = unmark(marked)
    found = [d for d in _diagnostics(text, path, in_plugin) if d.code == code]
    assert [positions(text, d.start, d.end) for d in found] == [positions(text, start, end)]
    assert found[0].name == RULES[code].name and found[0].severity == RULES[code].severity
    assert found[0].message.strip()


@pytest.mark.parametrize("code, text, path, in_plugin", QUIET)
def test_rule_stays_silent_when_the_file_is_fine(code, text, path, in_plugin):
    assert code not in {d.code for d in _diagnostics(text, path, in_plugin)}


# Read from bytes (AG011 is about the file's bytes, not its text): (code, marked text, bytes).
BYTE_TRIGGERS = [
    ("AG011", "«---»\nname: caf\ufffd-agent\n", "---\nname: caf\xe9-agent\n".encode("latin-1")),
    ("AG011", "«\ufffd\ufffd-\x00-\x00-\x00»", "---".encode("utf-16")),
]


@pytest.mark.parametrize("code, marked, data", BYTE_TRIGGERS)
def test_rule_on_the_files_bytes_fires_at_its_exact_range(code, marked, data):
    text, (start, end) = unmark(marked)
    doc = document_from_bytes(data)
    assert doc.text == text
    found = [d for d in validate(doc, NOT_PLUGIN) if d.code == code]
    assert [positions(text, d.start, d.end) for d in found] == [positions(text, start, end)]
    assert found[0].name == RULES[code].name and found[0].severity == RULES[code].severity


def test_valid_utf8_bytes_give_no_ag011_even_with_a_replacement_character():
    doc = document_from_bytes(GOOD.replace("quality", "quality \ufffd").encode("utf-8"))
    assert "AG011" not in {d.code for d in validate(doc, NOT_PLUGIN)}


def test_search_tools_beside_bash_are_reported_on_each_entry():
    text = fm(NAME, DESC, "tools: Glob, Bash, Grep")
    found = [(d.start, d.end) for d in _diagnostics(text, None, False) if d.code == "AG141"]
    assert [text[start:end] for start, end in found] == ["Glob", "Grep"]


def test_memory_names_the_tools_it_adds_and_old_names_say_what_they_become():
    added = [d for d in _diagnostics(fm(NAME, DESC, "memory: local", "tools: Write, Grep"), None,
                                     False) if d.code == "AG177"]
    assert "`Read`, `Edit`" in added[0].message
    [granted] = [d for d in _diagnostics(fm(NAME, DESC, "tools: Read, KillBash"), None, False)
                 if d.code == "AG132"]
    assert "grants it as `TaskStop`" in granted.message
    [dropped] = [d for d in _diagnostics(fm(NAME, DESC, "tools: Read, MultiEdit"), None, False)
                 if d.code == "AG132"]
    assert "drops it" in dropped.message and "`Edit`" in dropped.message


def test_every_single_file_code_has_a_trigger_and_a_quiet_case():
    assert {c for c, *_ in TRIGGERS} | {c for c, *_ in BYTE_TRIGGERS} == set(SINGLE_FILE_CODES)
    assert {c for c, *_ in QUIET} == set(SINGLE_FILE_CODES)


def test_the_good_example_has_no_findings():
    assert _diagnostics(GOOD, "agents/code-reviewer.md", False) == []
