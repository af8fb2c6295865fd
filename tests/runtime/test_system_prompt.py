"""The system prompt: body, environment block, CLAUDE.md files, git status."""

from __future__ import annotations

import subprocess
from datetime import date

from workbench.runtime.system_prompt import build_system_prompt


def test_body_comes_first_then_the_environment(tmp_path):
    prompt = build_system_prompt("You review code.", tmp_path, model="claude-x", today=date(2026, 1, 2))
    assert prompt.startswith("You review code.\n\n")
    assert f"Working directory: {tmp_path.resolve()}" in prompt
    assert "Today's date: 2026-01-02" in prompt and "Is directory a git repo: No" in prompt
    assert "claude-x" in prompt


def test_claude_md_files_from_the_user_and_the_workspace_are_included_unless_left_out(tmp_path):
    home = tmp_path / "home"
    (home / ".claude").mkdir(parents=True)
    (home / ".claude" / "CLAUDE.md").write_text("USER RULES")
    work = tmp_path / "work"
    work.mkdir()
    (work / "CLAUDE.md").write_text("PROJECT RULES")

    prompt = build_system_prompt("b", work, home=home)
    assert prompt.index("USER RULES") < prompt.index("PROJECT RULES")
    assert "PROJECT RULES" not in build_system_prompt("b", work, home=home, include_claude_md=False)


def test_a_git_workspace_gets_its_branch_and_status(tmp_path):
    subprocess.run(["git", "init", "-q", "-b", "trunk", str(tmp_path)], check=True)
    (tmp_path / "new.txt").write_text("x")
    prompt = build_system_prompt("b", tmp_path)
    assert "Is directory a git repo: Yes" in prompt
    assert "Current branch: trunk" in prompt and "new.txt" in prompt
