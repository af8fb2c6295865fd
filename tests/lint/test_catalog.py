"""The catalog: Claude Code's scopes and precedence, identity by name, and the cross-file rules."""

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.agents.catalog import Catalog, Scope, ScopeKind, default_scopes, project_agent_dirs
from workbench.paths import bundled_agents_dir

DESCRIPTION = "Use this agent when the catalog needs an example."
BODY = "You are an example agent used by the catalog tests.\n"


def _agent(path: Path, name: str, description: str = DESCRIPTION, extra: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\nname: {name}\ndescription: {description}\n{extra}---\n\n{BODY}")
    return path


def _codes(entry) -> list[str]:
    return [d.code for d in entry.diagnostics]


def _scope(path: Path, kind=ScopeKind.EXTRA) -> Scope:
    return Scope(kind, path)


# -- scopes ---------------------------------------------------------------------------------------


def test_project_folders_are_found_from_the_working_directory_up_to_the_repository_root(tmp_path):
    outside = tmp_path / ".claude" / "agents"
    outside.mkdir(parents=True)
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    top = repo / ".claude" / "agents"
    nested = repo / "pkg" / "app" / ".claude" / "agents"
    top.mkdir(parents=True)
    nested.mkdir(parents=True)
    cwd = repo / "pkg" / "app" / "src"
    cwd.mkdir()
    home = tmp_path / "home"
    assert project_agent_dirs(cwd, home) == [nested.resolve(), top.resolve()]


def test_the_walk_up_never_takes_homes_folder_as_a_project_scope(tmp_path):
    home = tmp_path / "home"
    (home / ".claude" / "agents").mkdir(parents=True)
    project = home / "work" / ".claude" / "agents"
    project.mkdir(parents=True)
    assert project_agent_dirs(home / "work", home) == [project.resolve()]


def test_default_scopes_come_in_claude_codes_precedence(tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".claude" / "agents").mkdir(parents=True)
    home = tmp_path / "home"
    (home / ".claude" / "agents").mkdir(parents=True)
    extra = tmp_path / "more"
    extra.mkdir()
    scopes = default_scopes(repo, home=home, extra=[extra, tmp_path / "missing"])
    assert [s.kind for s in scopes] == [
        ScopeKind.PROJECT, ScopeKind.USER, ScopeKind.EXTRA, ScopeKind.BUNDLED,
    ]
    assert scopes[2].root == extra
    assert scopes[3].root == bundled_agents_dir()


# -- discovery ------------------------------------------------------------------------------------


def test_folders_are_searched_recursively_and_a_file_reached_twice_counts_once(tmp_path):
    root = tmp_path / "agents"
    a = _agent(root / "a.md", "alpha")
    _agent(root / "team" / "deep" / "b.md", "beta")
    (root / "alias.md").symlink_to(a)
    linked = tmp_path / "elsewhere"
    _agent(linked / "c.md", "gamma")
    (root / "linked").symlink_to(linked, target_is_directory=True)
    (root / "loop").symlink_to(root, target_is_directory=True)
    catalog = Catalog.load([_scope(root)])
    names = sorted(e.name for e in catalog.entries)
    assert names == ["alpha", "beta", "gamma"]


def test_markdown_without_frontmatter_is_skipped_unless_it_looks_like_an_agent(tmp_path):
    root = tmp_path / "agents"
    _agent(root / "real.md", "real")
    (root / "README.md").write_text("# About these agents\n\nNotes.\n")
    looks = root / "broken.md"
    looks.write_text("# Broken\nname: broken\ndescription: forgot the dashes\n")
    catalog = Catalog.load([_scope(root)])
    assert catalog.skipped == [root / "README.md"]
    assert _codes(catalog.entry(looks)) == ["AG001"]


def test_a_file_named_directly_is_an_agent_even_without_frontmatter(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Not an agent\n")
    catalog = Catalog.load([Scope(ScopeKind.EXTRA, tmp_path, files=(readme,))])
    assert catalog.skipped == []
    assert _codes(catalog.entry(readme)) == ["AG001"]


def test_bytes_that_are_not_utf8_are_read_as_claude_code_reads_them_not_as_an_error(tmp_path):
    root = tmp_path / "agents"
    root.mkdir()
    (root / "binary.md").write_bytes(b"---\x00\x01\x02")
    (root / "latin1.md").write_bytes("---\nname: caf\xe9\n---\n".encode("latin-1"))
    catalog = Catalog.load([_scope(root)])
    [entry] = catalog.entries  # the binary file has no frontmatter and looks like no agent
    assert entry.path.name == "latin1.md" and entry.error is None
    assert entry.document.name == "caf\ufffd" and "AG011" in {d.code for d in entry.diagnostics}
    assert catalog.skipped == [root / "binary.md"]


def test_unsaved_text_of_a_file_with_bad_bytes_keeps_ag011_while_a_replacement_is_left(tmp_path):
    root = tmp_path / "agents"
    root.mkdir()
    path = root / "latin1.md"
    path.write_bytes("---\nname: caf\xe9\n---\n".encode("latin-1"))
    catalog = Catalog.load([_scope(root)])
    text = catalog.entry(path).document.text
    [edited] = [e for e in catalog.update(path, text + "More.\n") if e.path == path]
    assert "AG011" in {d.code for d in edited.diagnostics}
    [fixed] = [e for e in catalog.update(path, text.replace("\ufffd", "e")) if e.path == path]
    assert "AG011" not in {d.code for d in fixed.diagnostics}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders without permission")
def test_a_folder_without_permission_is_a_problem_not_an_exception(tmp_path):
    root = tmp_path / "agents"
    locked = root / "locked"
    _agent(locked / "a.md", "alpha")
    locked.chmod(0)
    try:
        catalog = Catalog.load([_scope(root)])
    finally:
        locked.chmod(0o755)
    assert [p.path for p in catalog.problems] == [locked]


# -- identity, duplicates, shadowing ---------------------------------------------------------------


def test_two_files_with_one_name_in_one_scope_are_both_duplicates_at_their_name(tmp_path):
    root = tmp_path / "agents"
    first = _agent(root / "one.md", "helper")
    second = _agent(root / "sub" / "two.md", "helper")
    catalog = Catalog.load([_scope(root)])
    one, two = catalog.entry(first), catalog.entry(second)
    assert "AG190" in _codes(one) and "AG190" in _codes(two)
    (ag190,) = [d for d in two.diagnostics if d.code == "AG190"]
    text = second.read_text()
    assert text[ag190.start:ag190.end] == "helper"
    assert str(first) in ag190.message
    assert (one.status, two.status) == ("duplicate", "duplicate")
    assert catalog.duplicates() == {"helper": [one, two]}
    assert catalog.winners()["helper"] is one


def test_a_higher_scope_shadows_a_lower_one_with_the_same_name(tmp_path):
    project, user = tmp_path / "project", tmp_path / "user"
    high = _agent(project / "reviewer.md", "reviewer")
    low = _agent(user / "reviewer.md", "reviewer")
    _agent(user / "other.md", "other")
    catalog = Catalog.load([_scope(project, ScopeKind.PROJECT), _scope(user, ScopeKind.USER)])
    winner, shadowed = catalog.entry(high), catalog.entry(low)
    assert (winner.status, shadowed.status) == ("active", "shadowed")
    assert shadowed.winner is winner
    (ag191,) = [d for d in shadowed.diagnostics if d.code == "AG191"]
    assert ag191.severity.value == "info"
    assert str(high) in ag191.message
    assert "AG191" not in _codes(winner)
    assert catalog.shadowed() == [shadowed]
    assert catalog.winners() == {"other": catalog.entry(user / "other.md"), "reviewer": winner}


def test_a_file_claude_code_skips_claims_no_name(tmp_path):
    project, user = tmp_path / "project", tmp_path / "user"
    broken = project / "reviewer.md"
    broken.parent.mkdir()
    broken.write_text("---\nname: reviewer\n---\nno description, so Claude Code skips it\n")
    low = _agent(user / "reviewer.md", "reviewer")
    catalog = Catalog.load([_scope(project, ScopeKind.PROJECT), _scope(user, ScopeKind.USER)])
    assert catalog.entry(broken).name is None
    assert catalog.entry(low).status == "active"
    assert catalog.entry(broken).display_name == "reviewer"


@pytest.mark.parametrize("fields", [
    "description: Use when reviewing.\nhooks: [lint]",  # AG166
    "description: Use when reviewing.\nPreToolUse: [Bash]",  # AG174
    "description: 42",  # AG121: a number is no description
    "description: Use when reviewing.\nmodel: sonnet\n" + "x: " + "y" * 1_048_576,  # AG010
])
def test_the_whole_skip_set_claims_no_name(tmp_path, fields):
    project, user = tmp_path / "project", tmp_path / "user"
    broken = project / "reviewer.md"
    broken.parent.mkdir()
    broken.write_text(f"---\nname: reviewer\n{fields}\n---\nClaude Code skips this file.\n")
    low = _agent(user / "reviewer.md", "reviewer")
    catalog = Catalog.load([_scope(project, ScopeKind.PROJECT), _scope(user, ScopeKind.USER)])
    assert catalog.entry(broken).name is None
    assert catalog.entry(low).status == "active"


def test_a_skip_set_finding_is_an_error_and_the_set_is_rules_mds():
    from workbench.agents.rules import RULES
    from workbench.agents.ruletable import SKIPPING_CODES

    assert SKIPPING_CODES == {"AG001", "AG002", "AG003", "AG005", "AG010", "AG110", "AG111",
                              "AG112", "AG120", "AG121", "AG166", "AG174"}
    assert all(RULES[code].severity.value == "error" for code in SKIPPING_CODES)


def test_the_description_budget_is_reported_once_on_the_longest_description(tmp_path):
    root = tmp_path / "agents"
    long_text = "Use this agent when " + "x" * 9_000
    for i in range(6):
        _agent(root / f"a{i}.md", f"agent-{i}", long_text)
    longest = _agent(root / "z.md", "longest", long_text + "y" * 500)
    catalog = Catalog.load([_scope(root)])
    flagged = [e for e in catalog.entries if "AG192" in _codes(e)]
    assert flagged == [catalog.entry(longest)]
    (ag192,) = [d for d in flagged[0].diagnostics if d.code == "AG192"]
    assert longest.read_text()[ag192.start:ag192.end] == "description"


def test_plugin_agents_are_judged_as_plugin_agents(tmp_path):
    plugin = tmp_path / "my-plugin"
    (plugin / ".claude-plugin").mkdir(parents=True)
    (plugin / ".claude-plugin" / "plugin.json").write_text("{}")
    agent = _agent(plugin / "agents" / "p.md", "p-agent", extra="permissionMode: plan\n")
    catalog = Catalog.load([_scope(tmp_path)])
    assert "AG162" in _codes(catalog.entry(agent))


# -- incremental updates --------------------------------------------------------------------------


def _snapshot(catalog: Catalog) -> dict:
    return {
        str(e.path): (e.status, [(d.code, d.start, d.end) for d in e.diagnostics])
        for e in catalog.entries
    }


def test_renaming_one_duplicate_in_the_editor_clears_the_finding_on_both(tmp_path):
    root = tmp_path / "agents"
    first = _agent(root / "one.md", "helper")
    second = _agent(root / "two.md", "helper")
    catalog = Catalog.load([_scope(root)])
    unsaved = second.read_text().replace("name: helper", "name: helper-two")
    touched = catalog.update(second, unsaved)
    assert {e.path for e in touched} == {first, second}
    assert "AG190" not in _codes(catalog.entry(first))
    assert catalog.entry(second).name == "helper-two"
    assert second.read_text().count("name: helper\n") == 1  # the unsaved text was not written


def test_updates_one_file_at_a_time_end_where_a_full_reload_would(tmp_path):
    project, user = tmp_path / "project", tmp_path / "user"
    scopes = [_scope(project, ScopeKind.PROJECT), _scope(user, ScopeKind.USER)]
    long_text = "Use this agent when " + "x" * 20_000
    a = _agent(project / "a.md", "shared")
    b = _agent(user / "b.md", "shared")
    c = _agent(user / "c.md", "c-agent", long_text)
    d = _agent(user / "d.md", "d-agent", long_text)
    catalog = Catalog.load(scopes)

    _agent(project / "new.md", "c-agent")  # added: shadows c
    catalog.update(project / "new.md")
    a.unlink()  # removed: b is no longer shadowed
    catalog.update(a)
    _agent(d, "c-agent", long_text + "z" * 10_000)  # changed: d duplicates c, and is longest
    catalog.update(d)
    _agent(user / "e.md", "e-agent", long_text)  # added: the user budget passes 15,000 tokens
    catalog.update(user / "e.md")
    b.unlink()
    catalog.update(b)

    assert _snapshot(catalog) == _snapshot(Catalog.load(scopes))
    assert "AG192" in _codes(catalog.entry(d))
    assert catalog.entry(c).status == "shadowed"


def test_markdown_without_frontmatter_appearing_on_disk_is_skipped_as_a_reload_would(tmp_path):
    root = tmp_path / "agents"
    agent = _agent(root / "a.md", "alpha")
    catalog = Catalog.load([_scope(root)])
    notes = root / "NOTES.md"
    notes.write_text("# Notes\n")
    assert catalog.update(notes) == []
    assert catalog.entry(notes) is None and catalog.skipped == [notes]
    agent.write_text("# no longer an agent\n")
    catalog.update(agent)
    assert catalog.entries == [] and catalog.skipped == [notes, agent]
    notes.unlink()
    catalog.update(notes)
    assert catalog.skipped == [agent]


def test_unsaved_text_is_validated_as_an_agent_even_without_frontmatter(tmp_path):
    root = tmp_path / "agents"
    agent = _agent(root / "a.md", "alpha")
    catalog = Catalog.load([_scope(root)])
    catalog.update(agent, "no frontmatter yet\n")
    assert _codes(catalog.entry(agent)) == ["AG001"]


def test_the_scope_description_total_follows_updates(tmp_path):
    root = tmp_path / "agents"
    agent = _agent(root / "a.md", "alpha", "Use this agent when " + "x" * 380)
    scope = _scope(root)
    catalog = Catalog.load([scope])
    assert catalog.description_tokens(scope) == 100
    catalog.update(agent, agent.read_text().replace("x" * 380, "x" * 780))
    assert catalog.description_tokens(scope) == 200


def test_a_file_outside_every_scope_is_not_added(tmp_path):
    root = tmp_path / "agents"
    _agent(root / "a.md", "alpha")
    catalog = Catalog.load([_scope(root)])
    stray = _agent(tmp_path / "stray.md", "stray")
    assert catalog.update(stray) == []
    assert catalog.entry(stray) is None


def test_a_scope_folder_made_after_the_load_takes_its_place_in_the_precedence(tmp_path):
    user = _scope(tmp_path / "home" / "agents", ScopeKind.USER)
    bundled = _scope(tmp_path / "bundled", ScopeKind.BUNDLED)
    shipped = _agent(bundled.root / "alpha.md", "alpha")
    _agent(user.root / "beta.md", "beta")
    catalog = Catalog.load([user, bundled])
    project = _scope(tmp_path / "project" / ".claude" / "agents", ScopeKind.PROJECT)
    catalog.add_scope(project)
    assert catalog.scopes == [project, user, bundled]
    copy = _agent(project.root / "alpha.md", "alpha")
    catalog.update(copy)
    assert catalog.entry(copy).status == "active"
    assert catalog.entry(shipped).status == "shadowed" and catalog.entry(shipped).winner.path == copy
    assert [e.path for e in catalog.entries][0] == copy
    reloaded = Catalog.load([project, user, bundled])
    assert [(e.path, e.status) for e in catalog.entries] == [
        (e.path, e.status) for e in reloaded.entries]


_NAMES = ["alpha", "beta", "gamma"]
_OPERATION = st.tuples(
    st.integers(0, 1),  # scope
    st.integers(0, 3),  # file
    st.sampled_from(["name", "long", "delete", "not-an-agent", "no-name"]),
    st.sampled_from(_NAMES),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_OPERATION, min_size=1, max_size=12))
def test_any_sequence_of_one_file_updates_matches_a_full_reload(operations):
    with tempfile.TemporaryDirectory() as folder:
        roots = [Path(folder) / "project", Path(folder) / "user"]
        for root in roots:
            root.mkdir()
        scopes = [_scope(roots[0], ScopeKind.PROJECT), _scope(roots[1], ScopeKind.USER)]
        catalog = Catalog.load(scopes)
        for scope_index, file_index, action, name in operations:
            path = roots[scope_index] / f"f{file_index}.md"
            if action == "delete":
                path.unlink(missing_ok=True)
            elif action == "not-an-agent":
                path.write_text("# just notes\n")
            elif action == "no-name":
                path.write_text("---\ndescription: Use this agent when nameless.\n---\nA body.\n")
            else:
                long = action == "long"
                _agent(path, name, "Use this agent when " + ("x" * 40_000 if long else "short"))
            catalog.update(path)
        reloaded = Catalog.load(scopes)
        assert _snapshot(catalog) == _snapshot(reloaded)
        assert sorted(catalog.skipped) == sorted(reloaded.skipped)
        assert {n: str(e.path) for n, e in catalog.winners().items()} == {
            n: str(e.path) for n, e in reloaded.winners().items()
        }


def test_a_command_line_folder_that_is_already_a_scope_is_not_added_as_extra(tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    agents = repo / ".claude" / "agents"
    agents.mkdir(parents=True)
    (agents / "x.md").write_text("---\nname: x\ndescription: d\n---\nbody\n")
    home = tmp_path / "home"
    (home / ".claude" / "agents").mkdir(parents=True)
    # `workbench .claude/agents/x.md` run inside the project, and the user folder named as well.
    from workbench.commands.app import resolve_paths

    folders, open_path, problems = resolve_paths([str(agents / "x.md"), str(home / ".claude" / "agents")])
    assert problems == [] and open_path == agents / "x.md"
    scopes = default_scopes(repo, home=home, extra=folders, bundled=False)
    assert [s.kind for s in scopes] == [ScopeKind.PROJECT, ScopeKind.USER]


def test_a_bundled_example_named_on_the_command_line_stays_in_the_bundled_scope(tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    from workbench.commands.app import resolve_paths

    folders, open_path, _ = resolve_paths([str(bundled_agents_dir() / "debugger.md")])
    scopes = default_scopes(repo, home=tmp_path / "home", extra=folders)
    assert [(s.kind, s.root) for s in scopes] == [(ScopeKind.BUNDLED, bundled_agents_dir())]
    assert Catalog.load(scopes).scope_of(open_path).kind is ScopeKind.BUNDLED
