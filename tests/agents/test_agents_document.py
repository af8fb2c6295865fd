"""AgentDocument reads a file the way Claude Code does, with the range of every key, value and entry."""

from __future__ import annotations

import pytest
from agent_texts import BODY, DESC, GOOD, NAME, fm

from workbench.agents.document import AgentDocument, AgentFileError, read_agent_file
from workbench.agents.rules import validate
from workbench.agents.toolnames import split_tools


def _at(doc: AgentDocument, span) -> str:
    return doc.text[span.start : span.end]


def test_spans_of_keys_values_and_tool_entries_point_into_the_text():
    doc = AgentDocument.parse(GOOD)
    assert doc.state == "strict"
    assert _at(doc, doc.key_spans["name"]) == "name"
    assert _at(doc, doc.value_spans["name"]) == "code-reviewer"
    assert [_at(doc, s) for s in doc.item_spans["tools"]] == ["Read", "Grep", "Glob"]
    assert doc.tools == ["Read", "Grep", "Glob"]
    assert doc.body == BODY.strip()
    assert doc.frontmatter.startswith(NAME)


def test_block_and_flow_lists_give_one_span_per_item():
    doc = AgentDocument.parse(fm(NAME, DESC, "tools:\n  - Read\n  - 'Grep'", "skills: [a, b]"))
    assert [_at(doc, s) for s in doc.item_spans["tools"]] == ["Read", "'Grep'"]
    assert [_at(doc, s) for s in doc.item_spans["skills"]] == ["a", "b"]


def test_tools_string_splits_on_commas_and_spaces_outside_parentheses():
    assert split_tools("Read, Grep Glob,Agent(a, b)  Bash(git diff:*)") == [
        "Read", "Grep", "Glob", "Agent(a, b)", "Bash(git diff:*)"
    ]
    assert split_tools(" , ") == []


def test_a_bom_is_skipped_before_the_opening_delimiter():
    doc = AgentDocument.parse("\ufeff" + GOOD)
    assert doc.state == "strict" and doc.name == "code-reviewer"


def test_delimiters_tolerate_trailing_spaces_and_carriage_returns():
    doc = AgentDocument.parse("---  \r\nname: x\r\n--- \r\nbody")
    assert doc.state == "strict" and doc.fields == {"name": "x"} and doc.body == "body"


def test_leading_blank_line_means_no_frontmatter():
    doc = AgentDocument.parse("\n" + GOOD)
    assert doc.state == "no_frontmatter" and doc.fields is None and not doc.has_frontmatter


def test_frontmatter_without_any_later_dashes_is_unclosed():
    doc = AgentDocument.parse("---\nname: x\ndescription: a -- b\n")
    assert doc.state == "unclosed" and doc.fields is None


def test_frontmatter_ends_at_the_first_dashes_anywhere_and_the_rest_is_body():
    # Claude Code's pattern is `^---\s*\n([\s\S]*?)---\s*\n?`: a `---` inside a value ends it.
    doc = AgentDocument.parse("---\nname: x\ndescription: a ---- b\ntools: Read\n---\n\nBody.\n")
    assert doc.state == "strict" and doc.fields == {"name": "x", "description": "a"}
    assert doc.body == "- b\ntools: Read\n---\n\nBody."
    ruled = AgentDocument.parse("---\nname: x\n-----\ndescription: d\n---\nBody")
    assert ruled.fields == {"name": "x"} and ruled.body == "--\ndescription: d\n---\nBody"


def test_empty_frontmatter_is_an_empty_mapping():
    assert AgentDocument.parse("---\n---\nbody").fields == {}


def test_scalars_have_their_yaml_1_2_meaning():
    doc = AgentDocument.parse(fm(NAME, DESC, "background: yes", "color: on", "effort: 012",
                                 "maxTurns: 1:30", "isolation: 0o17", "memory: true"))
    assert doc.fields["background"] == "yes"
    assert doc.fields["color"] == "on"
    assert doc.fields["effort"] == 12
    assert doc.fields["maxTurns"] == "1:30"
    assert doc.fields["isolation"] == 15
    assert doc.fields["memory"] is True


def test_literal_backslash_n_in_description_becomes_a_newline():
    doc = AgentDocument.parse(fm(NAME, r"description: Use when asked.\n\n<example>x</example>"))
    assert doc.description == "Use when asked.\n\n<example>x</example>"


def test_repair_quotes_simple_lines_and_maps_positions_back_to_the_original():
    text = fm(NAME, "description: Use when: asked", "tools: Read, Grep")
    doc = AgentDocument.parse(text)
    assert doc.state == "repaired"
    assert doc.description == "Use when: asked"
    assert _at(doc, doc.value_spans["description"]) == "Use when: asked"
    assert [_at(doc, s) for s in doc.item_spans["tools"]] == ["Read", "Grep"]
    assert [r.key for r in doc.repairs] == ["description"]


def test_repair_leaves_a_flow_list_a_list():
    doc = AgentDocument.parse(fm(NAME, "description: Use when: asked", "tools: [Read, Grep]",
                                 "skills: [a] [b]"))
    assert doc.state == "repaired"
    assert doc.fields["tools"] == ["Read", "Grep"]
    assert [_at(doc, s) for s in doc.item_spans["tools"]] == ["Read", "Grep"]
    assert doc.fields["skills"] == "[a] [b]"  # looks like one, but is no sequence: quoted
    assert [r.key for r in doc.repairs] == ["description", "skills"]


def test_repair_turns_leading_tabs_into_two_spaces_each_even_with_nothing_to_quote():
    text = fm(NAME, "description: Use when asked", "hooks:", "\tStop:", "\t\t- hooks:",
              "\t\t\t\t- {type: command, command: ./x.sh}", "tools: Read\tGrep")
    doc = AgentDocument.parse(text)
    assert doc.state == "repaired" and doc.repairs == []
    assert doc.fields["hooks"] == {"Stop": [{"hooks": [{"type": "command", "command": "./x.sh"}]}]}
    assert [_at(doc, s) for s in doc.tab_repairs] == ["\t", "\t\t", "\t\t\t\t"]
    assert [_at(doc, s) for s in doc.item_spans["tools"]] == ["Read", "Grep"]
    assert _at(doc, doc.value_spans["description"]) == "Use when asked"


def test_the_tab_rewrite_works_with_crlf_and_only_on_tabs_that_start_the_line():
    # Measured with Claude Code 2.1.337: it loads the CRLF file with tools Read, Grep, and skips
    # the ` \t` one.
    text = fm(NAME, DESC, "tools:", "\t- Read", "\t- Grep")
    crlf = AgentDocument.parse(text.replace("\n", "\r\n"))
    assert crlf.state == "repaired" and crlf.fields["tools"] == ["Read", "Grep"]
    spaced = AgentDocument.parse(fm(NAME, DESC, "tools:", " \t- Read"))
    assert spaced.state == "unrecoverable"


def test_a_flow_list_with_trailing_blanks_is_quoted_as_claude_code_does():
    # Claude Code 2.1.337 lists this agent's tools as the one entry `[Read, Grep]`.
    doc = AgentDocument.parse(fm(NAME, "description: Use when: asked", "tools: [Read, Grep]   "))
    assert doc.fields["tools"] == "[Read, Grep]   "


def test_repair_escapes_quotes_and_backslashes_like_claude_code():
    doc = AgentDocument.parse(fm(NAME, r'description: Say "hi" \o/ then: go'))
    assert doc.state == "repaired"
    assert doc.description == r'Say "hi" \o/ then: go'


def test_repair_quotes_values_on_crlf_lines_keeping_the_line_end():
    # Claude Code 2.1.332 skipped this file; 2.1.337 loads it with this description (the loader
    # conformance suite's edge case crlf-repair.md shows it).
    text = fm(NAME, "description: Use when: asked", "tools: Read").replace("\n", "\r\n")
    doc = AgentDocument.parse(text)
    assert doc.state == "repaired"
    assert doc.description == "Use when: asked" and doc.fields["tools"] == "Read"
    assert [(r.key, _at(doc, r.span), r.quoted) for r in doc.repairs] == [
        ("description", "Use when: asked", '"Use when: asked"')]
    assert _at(doc, doc.value_spans["tools"]) == "Read"
    # AG006 no longer says the repair fails (the repaired file loads in Claude Code 2.1.337).
    crlf = next(d for d in validate(doc) if d.code == "AG006")
    assert "before 2.1.337" in crlf.message and "repair of invalid YAML fails" not in crlf.message


def test_unindented_continuation_lines_cannot_be_repaired():
    doc = AgentDocument.parse(fm(NAME, "description: Use when", "<example>", "user: hi"))
    assert doc.state == "unrecoverable" and doc.repair_error is not None


def test_a_list_or_scalar_frontmatter_is_not_a_mapping():
    assert AgentDocument.parse("---\n- a\n---\n").state == "not_mapping"
    assert AgentDocument.parse("---\njust text\n---\n").state == "not_mapping"


def test_the_last_of_duplicate_keys_wins_and_the_first_is_recorded():
    doc = AgentDocument.parse(fm("name: first", "name: second", DESC))
    assert doc.name == "second"
    (key, lost, kept), = doc.duplicate_keys
    assert key == "name" and lost.start < kept.start == doc.key_spans["name"].start


def test_recursive_aliases_end_in_a_parse_problem_not_a_crash():
    doc = AgentDocument.parse("---\nname: x\nloop: &a\n  - *a\n---\n")
    assert doc.state == "unrecoverable"
    assert "alias" in doc.strict_error.message


def test_exploding_aliases_are_bounded():
    lines = ["name: x", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    doc = AgentDocument.parse(fm(*lines))
    assert doc.fields is None
    assert "too many" in doc.strict_error.message


def test_deep_nesting_is_refused_before_the_parser_recurses():
    doc = AgentDocument.parse("---\nname: " + "[" * 100_000 + "]" * 100_000 + "\n---\n")
    assert doc.state == "unrecoverable" and "nests" in doc.strict_error.message


@pytest.mark.parametrize("chain", ["- ", "? ", "- ? ", ": ? ", "- &a !t "])
def test_block_indicators_chained_on_one_line_are_refused_before_the_parser_recurses(chain):
    for text in ("---\n" + chain * 100_000 + "z\n---\n", "---\nx:\n  " + chain * 100_000 + "z\n---\n"):
        doc = AgentDocument.parse(text)
        assert doc.state == "unrecoverable" and "nests" in doc.strict_error.message


def test_empty_text_has_no_frontmatter():
    doc = AgentDocument.parse("")
    assert doc.state == "no_frontmatter" and doc.body == ""


def test_read_agent_file_reports_only_io_failures_in_one_line(tmp_path):
    for path, words in ((tmp_path / "none.md", "no such"), (tmp_path, "folder")):
        with pytest.raises(AgentFileError) as error:
            read_agent_file(path)
        assert words in str(error.value) and "\n" not in str(error.value)


def test_bytes_that_are_not_utf8_are_read_as_replacement_characters(tmp_path):
    latin = tmp_path / "b.md"
    latin.write_bytes("---\nname: caf\xe9\xe9\n---\n".encode("latin-1"))
    doc = read_agent_file(latin)
    assert doc.name == "caf\ufffd\ufffd" and doc.invalid_utf8 == (13, 13)
    binary = tmp_path / "a.md"
    binary.write_bytes(b"\x00\x01\x02binary")
    assert read_agent_file(binary).raw_kind == "binary"


def test_read_agent_file_does_not_parse_a_file_over_one_mebibyte(tmp_path):
    path = tmp_path / "big.md"
    path.write_text(GOOD + "lorem ipsum dolor " * 300_000, encoding="utf-8")
    doc = read_agent_file(path)
    assert doc.state == "too_large" and doc.fields is None and doc.has_frontmatter
    at_limit = tmp_path / "limit.md"
    at_limit.write_bytes(GOOD.encode() + b"x" * (1_048_576 - len(GOOD.encode())))
    assert read_agent_file(at_limit).name == "code-reviewer"


@pytest.mark.parametrize(("encoding", "name"), [
    ("utf-16", "UTF-16LE"),  # with a BOM, as Windows editors save it
    ("utf-16-le", "UTF-16LE"),
    ("utf-16-be", "UTF-16BE"),
])
def test_a_utf16_agent_file_is_called_utf16_not_binary(tmp_path, encoding, name):
    path = tmp_path / "a.md"
    path.write_bytes("---\nname: a\ndescription: d\n---\nBody.\n".encode(encoding))
    doc = read_agent_file(path)
    assert doc.raw_kind == name
    [found] = [d for d in validate(doc) if d.code == "AG011"]
    assert name in found.message and "Save it as UTF-8" in found.message
    assert "binary" not in found.message
