"""Reading agents for the editor and the library's file operations, with their failure messages."""

from __future__ import annotations

import pytest

from tests.ui.conftest import CLEAN_AGENT
from workbench.ui import agent_files
from workbench.ui.agent_files import AgentFileProblem


@pytest.mark.parametrize("content, reason", [
    (b"---\nname: a\x00\x01", "binary"),
    ("---\nname: wide\n---\n".encode("utf-16-be"), "UTF-16BE text, not UTF-8"),
    (b"---\nname: big\n---\n" + b"x" * 5_000_000, "5.0 MB"),
])
def test_files_the_editor_cannot_take_are_refused_with_the_reason(tmp_path, content, reason):
    path = tmp_path / "agent.md"
    path.write_bytes(content)
    with pytest.raises(AgentFileProblem, match=reason):
        agent_files.read_for_editing(path)


def test_bytes_that_are_not_utf8_open_as_replacement_characters(tmp_path):
    path = tmp_path / "agent.md"
    path.write_bytes("---\nname: caf\xe9\n---\n".encode("latin-1"))
    assert agent_files.read_for_editing(path) == "---\nname: caf\ufffd\n---\n"


def test_a_missing_file_is_a_problem_not_a_traceback(tmp_path):
    with pytest.raises(AgentFileProblem, match="cannot open gone.md"):
        agent_files.read_for_editing(tmp_path / "gone.md")


def test_duplicate_writes_a_renamed_copy_beside_the_original(tmp_path):
    source = tmp_path / "code-reviewer.md"
    source.write_text(CLEAN_AGENT)
    copy = agent_files.duplicate(source, CLEAN_AGENT, "code-reviewer-two")
    assert copy == tmp_path / "code-reviewer-two.md"
    assert copy.read_text() == CLEAN_AGENT.replace("name: code-reviewer", "name: code-reviewer-two")
    assert source.read_text() == CLEAN_AGENT


def test_rename_moves_the_file_with_the_name(tmp_path):
    source = tmp_path / "code-reviewer.md"
    source.write_text(CLEAN_AGENT)
    target = agent_files.rename(source, "reviewer")
    assert target == tmp_path / "reviewer.md"
    assert not source.exists()
    assert target.read_text() == CLEAN_AGENT.replace("name: code-reviewer", "name: reviewer")


def test_rename_onto_an_existing_file_is_refused_and_keeps_both(tmp_path):
    source = tmp_path / "code-reviewer.md"
    source.write_text(CLEAN_AGENT)
    (tmp_path / "other.md").write_text("keep me")
    with pytest.raises(AgentFileProblem, match="already exists"):
        agent_files.rename(source, "other")
    assert source.read_text() == CLEAN_AGENT
    assert (tmp_path / "other.md").read_text() == "keep me"


def test_save_into_a_path_that_cannot_be_written_says_so(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(AgentFileProblem, match="cannot save agent.md.*edits are kept"):
        agent_files.save(blocker / "agent.md", CLEAN_AGENT)


def test_save_creates_the_scope_folder_for_a_new_agent(tmp_path):
    target = tmp_path / ".claude" / "agents" / "new.md"
    agent_files.save(target, CLEAN_AGENT)
    assert target.read_text() == CLEAN_AGENT
