"""What a single file cannot say about itself: the plugin it sits in, and the helpers the catalog
uses for the cross-file rules."""

from __future__ import annotations

from agent_texts import DESC, NAME, fm

from workbench.agents.document import AgentDocument, read_agent_file
from workbench.agents.rules import RULES, ValidationContext, description_tokens, validate


def test_a_plugin_is_found_from_the_files_folders_when_the_context_does_not_say(tmp_path):
    plugin = tmp_path / "my-plugin"
    (plugin / ".claude-plugin").mkdir(parents=True)
    (plugin / ".claude-plugin" / "plugin.json").write_text("{}")
    agent = plugin / "agents" / "code-reviewer.md"
    agent.parent.mkdir()
    agent.write_text(fm(NAME, DESC, "hooks: {}", "permissionMode: plan"))
    codes = [d.code for d in validate(read_agent_file(agent))]
    assert codes.count("AG162") == 2
    outside = tmp_path / "code-reviewer.md"
    outside.write_text(fm(NAME, DESC, "permissionMode: plan"))
    assert "AG162" not in [d.code for d in validate(read_agent_file(outside))]
    assert "AG162" not in [
        d.code for d in validate(read_agent_file(agent), ValidationContext(in_plugin=False))
    ]


def test_description_tokens_count_characters_over_four_after_the_newline_rule():
    doc = AgentDocument.parse(fm(NAME, r"description: Use when asked.\nTwelve chars"))
    assert description_tokens(doc) == len("Use when asked.\nTwelve chars") // 4
    assert description_tokens(AgentDocument.parse(fm(NAME))) == 0


def test_cross_file_rules_are_in_the_table_for_the_catalog():
    assert [RULES[c].name for c in ("AG190", "AG191", "AG192")] == [
        "duplicate-name", "shadowed", "description-budget"
    ]
    assert [RULES[c].severity.value for c in ("AG190", "AG191", "AG192")] == [
        "error", "info", "warning"
    ]


def test_no_field_rule_fires_when_claude_code_reads_no_fields():
    for text in ("# notes\n", "---\nname: x\n", fm("name: x", "description: a", "b: [", "c")):
        codes = {d.code for d in validate(AgentDocument.parse(text))}
        assert not {c for c in codes if c >= "AG100"}, codes


def test_after_a_repair_the_field_rules_judge_the_repaired_fields():
    doc = AgentDocument.parse(fm("name: x", "description: Use when: asked", "color: Magenta"))
    codes = {d.code for d in validate(doc)}
    assert {"AG004", "AG113", "AG171"} <= codes


def test_a_cut_frontmatter_names_the_value_cut_short_and_the_keys_that_become_body():
    text = fm(NAME, "description: Use when a --- rule appears", "tools: Read", "model: sonnet")
    [cut] = [d for d in validate(AgentDocument.parse(text)) if d.code == "AG007"]
    assert "`description`" in cut.message and "(`tools`, `model`)" in cut.message


def test_docs_rules_md_lists_every_rule_with_its_name_and_severity():
    from pathlib import Path

    table = Path(__file__).parents[2] / "docs" / "rules.md"
    rows = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) > 4 and cells[1].startswith("AG") and cells[1][2:].isdigit():
            rows[cells[1]] = (cells[2], cells[3])
    assert rows == {code: (rule.name, rule.severity.value) for code, rule in RULES.items()}
