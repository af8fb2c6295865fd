"""Setting a frontmatter field changes that field's lines and nothing else."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.agents.document import AgentDocument
from workbench.ui.frontmatter_edit import FrontmatterEditError, set_field, yaml_scalar

AGENT = """---
name: helper
description: Use this agent when you need help.
tools:
  - Read
  - Grep
# a comment the user wrote
permissionMode: plan
---

Body with --- and key: value lines that must stay.
"""


def test_replacing_a_block_list_rewrites_only_its_lines():
    new = set_field(AGENT, "tools", "Read, Edit")
    assert new == AGENT.replace("tools:\n  - Read\n  - Grep\n", "tools: Read, Edit\n")
    assert AgentDocument.parse(new).tools == ["Read", "Edit"]


def test_a_new_field_goes_where_the_wizard_put_it():
    new = set_field(AGENT, "model", "opus")
    assert new == AGENT.replace("  - Grep\n", "  - Grep\nmodel: opus\n")


def test_a_field_outside_the_wizard_order_goes_at_the_end_of_the_block():
    new = set_field(AGENT, "maxTurns", "5")
    assert new == AGENT.replace("permissionMode: plan\n", "permissionMode: plan\nmaxTurns: '5'\n") \
        or new == AGENT.replace("permissionMode: plan\n", 'permissionMode: plan\nmaxTurns: "5"\n') \
        or new == AGENT.replace("permissionMode: plan\n", "permissionMode: plan\nmaxTurns: 5\n")


def test_removing_a_field_deletes_its_lines_and_keeps_comments():
    new = set_field(AGENT, "tools", None)
    assert new == AGENT.replace("tools:\n  - Read\n  - Grep\n", "")
    assert "# a comment the user wrote" in new


def test_removing_a_missing_field_changes_nothing():
    assert set_field(AGENT, "color", None) == AGENT


def test_crlf_files_stay_crlf():
    text = AGENT.replace("\n", "\r\n")
    new = set_field(text, "color", "blue")
    assert "color: blue\r\n" in new
    assert "\n" not in new.replace("\r\n", "")


def test_a_file_without_frontmatter_gets_a_block():
    assert set_field("Just a prompt.\n", "name", "x-y") == "---\nname: x-y\n---\nJust a prompt.\n"


def test_an_unclosed_block_is_refused_rather_than_guessed():
    with pytest.raises(FrontmatterEditError):
        set_field("---\nname: a\nbody\n", "model", "opus")


@pytest.mark.parametrize("value", ["sonnet", "claude-sonnet-4-5", "sonnet[1m]", "yes", "a: b",
                                   "#x", "on", "12", "", " padded", "it's"])
def test_scalars_read_back_exactly(value):
    import yaml

    assert str(yaml.safe_load(f"k: {yaml_scalar(value)}")["k"]) == value


@settings(max_examples=40, deadline=None)
@given(body=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_the_body_is_kept_byte_for_byte(body):
    text = "---\nname: a-b\ndescription: Use when needed.\n---\n" + body
    new = set_field(text, "color", "cyan")
    assert new.endswith(body)
    assert new == text.replace("Use when needed.\n", "Use when needed.\ncolor: cyan\n", 1)
