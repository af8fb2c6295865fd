"""Which suites belong to an agent (what the app's Tests view lists): by name or by a path to its
file, from its project's `.claude/agent-tests/`, the working folder's and the bundled `tests/`."""

from __future__ import annotations

from workbench.paths import bundled_agents_dir
from workbench.testing.agent_suites import find_agent_suites, suite_folders

CASES = "cases:\n  - name: a\n    prompt: p\n    assert: [{output_contains: x}]\n"


def _project(tmp_path):
    agents = tmp_path / "proj" / ".claude" / "agents"
    agents.mkdir(parents=True)
    agent = agents / "writer.md"
    agent.write_text("---\nname: writer\ndescription: d\n---\nbody\n")
    suites = agents.parent / "agent-tests"
    suites.mkdir()
    return agent, suites


def test_suites_naming_the_agent_or_its_file_are_found_and_others_are_not(tmp_path):
    agent, suites = _project(tmp_path)
    (suites / "by-name.yaml").write_text("agent: writer\n" + CASES)
    (suites / "by-path.yaml").write_text("agent: ../agents/writer.md\n" + CASES)
    (suites / "other.yaml").write_text("agent: someone-else\n" + CASES)
    found = find_agent_suites({"writer"}, agent, tmp_path / "elsewhere")
    assert [(f.path.name, f.error) for f in found] == [("by-name.yaml", ""), ("by-path.yaml", "")]
    assert [c.name for c in found[0].suite.cases] == ["a"]


def test_a_suite_that_does_not_load_is_listed_with_its_position_when_it_may_be_the_agent_s(tmp_path):
    agent, suites = _project(tmp_path)
    (suites / "bad-mine.yaml").write_text("agent: writer\ncases: 3\n")
    (suites / "bad-yaml.yaml").write_text("agent: [writer\n")
    (suites / "bad-other.yaml").write_text("agent: someone-else\ncases: 3\n")
    found = find_agent_suites({"writer"}, agent, tmp_path)
    assert [f.path.name for f in found] == ["bad-mine.yaml", "bad-yaml.yaml"]
    assert found[0].suite is None and found[0].error.startswith(f"{suites / 'bad-mine.yaml'}:2:8: ")


def test_the_folders_are_the_agent_s_project_the_working_folder_and_the_bundled_tests(tmp_path):
    agent, suites = _project(tmp_path)
    assert suite_folders(agent, tmp_path) == [suites, tmp_path / ".claude" / "agent-tests",
                                              bundled_agents_dir() / "tests"]
    # The working folder is the agent's project: once.
    assert suite_folders(agent, tmp_path / "proj") == [suites, bundled_agents_dir() / "tests"]
