"""The example agents shipped in `agents/` are clean: no finding at all, even across files."""

from pathlib import Path

import pytest

from workbench.agents.catalog import Catalog, Scope, ScopeKind
from workbench.agents.document import read_agent_file
from workbench.paths import bundled_agents_dir

REPO_AGENTS = Path(__file__).resolve().parent.parent / "agents"
ROLES = ["backend-developer", "code-reviewer", "test-writer", "debugger", "documentation-writer",
         "researcher"]
READ_ONLY_TOOLS = {"Read", "Glob", "Grep", "WebSearch", "WebFetch"}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load([Scope(ScopeKind.BUNDLED, bundled_agents_dir())])


def test_the_package_ships_the_repositorys_agents_folder():
    assert bundled_agents_dir().resolve() == REPO_AGENTS.resolve()


def test_every_role_of_the_issue_is_there(catalog):
    assert set(ROLES) <= set(catalog.winners())
    assert len(catalog.entries) >= 6


@pytest.mark.parametrize("role", ROLES)
def test_each_agent_lints_without_any_finding(catalog, role):
    entry = catalog.winners()[role]
    assert entry.path.stem == role
    assert [(d.code, d.message) for d in entry.diagnostics] == []


def test_no_file_in_the_folder_has_a_finding_or_is_skipped(catalog):
    assert catalog.skipped == [] and catalog.problems == []
    assert {str(e.path): [d.code for d in e.diagnostics] for e in catalog.entries if e.diagnostics} == {}


@pytest.mark.parametrize("role", ROLES)
def test_each_agent_has_a_real_system_prompt_and_sets_tools_model_and_colour(role):
    document = read_agent_file(REPO_AGENTS / f"{role}.md")
    assert document.state == "strict"
    assert len(document.body.split()) >= 400
    assert "## " in document.body  # a structured prompt: method, output format, what to avoid
    assert document.tools and document.model and document.color
    assert "use" in document.description.lower() and "when" in document.description.lower()


def test_the_researcher_is_read_only():
    document = read_agent_file(REPO_AGENTS / "researcher.md")
    assert set(document.tools) <= READ_ONLY_TOOLS
    assert {"WebSearch", "WebFetch", "Read"} <= set(document.tools)
