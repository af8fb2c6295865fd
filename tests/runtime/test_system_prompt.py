"""The framing, where Claude Code 2.1.332 puts it (claude-code-runs.md §3), in workbench's words:
the body, memory, consent paragraph and notes in the system prompt; CLAUDE.md, git status and the
attribution as reminders before the task; preloaded skills after it; the environment, model line,
skill listing, deferred tools and date at the end of the system prompt."""

from __future__ import annotations

import subprocess
from datetime import date

from fake_api import text_reply

from workbench.runtime.system_prompt import CONSENT, NOTES, build_framing

from .conftest import collect


def test_body_then_consent_and_notes_then_the_context_at_the_end(tmp_path):
    framing = build_framing("You review code.", tmp_path, model="claude-opus-5-5", today=date(2026, 1, 2))
    system = framing.system
    assert system.startswith("You review code.\n\n" + CONSENT + "\n\n" + NOTES + "\n\n")
    assert f"Working folder: {tmp_path.resolve()}" in system and "Git repository: no" in system
    assert "Opus 5.5 (model id claude-opus-5-5)" in system
    assert system.endswith("Today is 2026-01-02.")
    assert framing.before_task == []  # no CLAUDE.md, no git, no Bash
    assert framing.sections == {"body": "system", "consent": "system", "notes": "system",
                                "environment": "context", "model": "context", "date": "context"}


def test_claude_md_files_from_the_user_and_the_workspace_are_a_reminder_unless_left_out(tmp_path):
    home = tmp_path / "home"
    (home / ".claude").mkdir(parents=True)
    (home / ".claude" / "CLAUDE.md").write_text("USER RULES")
    work = tmp_path / "work"
    work.mkdir()
    (work / "CLAUDE.md").write_text("PROJECT RULES")

    framing = build_framing("b", work, home=home)
    [reminder] = framing.before_task
    assert reminder.startswith("<system-reminder>\n") and reminder.endswith("\n</system-reminder>")
    assert reminder.index("USER RULES") < reminder.index("PROJECT RULES")
    assert "(project instructions, checked into the codebase)" in reminder
    assert "PROJECT RULES" not in framing.system
    assert build_framing("b", work, home=home, include_claude_md=False).before_task == []


def test_a_git_workspace_gets_its_branch_main_branch_and_status_and_bash_the_attribution(tmp_path):
    subprocess.run(["git", "init", "-q", "-b", "trunk", str(tmp_path)], check=True)
    (tmp_path / "new.txt").write_text("x")
    framing = build_framing("b", tmp_path, model="claude-sonnet-5-5", bash=True)
    git, attribution = framing.before_task
    assert "Current branch: trunk" in git and "Main branch" in git and "new.txt" in git
    assert "Co-Authored-By: Claude Sonnet 5.5 <noreply@anthropic.com>" in attribution
    assert "Git repository: yes" in framing.system
    assert list(framing.sections)[3:5] == ["git_status", "attribution"]


async def test_the_first_request_carries_the_framing_where_claude_code_puts_it(
        fake_api, make_session, workspace, tmp_path, monkeypatch):
    subprocess.run(["git", "init", "-q", "-b", "main", str(workspace)], check=True)
    (workspace / "CLAUDE.md").write_text("Use tabs.")
    skill = workspace / ".claude" / "skills" / "style"
    skill.mkdir(parents=True)
    (skill / "SKILL.md").write_text("---\nname: style\ndescription: House style.\n---\nWrite short sentences.\n")
    agent = ("---\nname: scribe\ndescription: Writes.\nmemory: project\nskills: style\n---\nYou write.\n")
    fake_api.add(text_reply("m1", "ok"), text_reply("m2", "ok again"))
    session = make_session(agent)
    [e async for e in session.send("Write the intro.")]
    [e async for e in session.send("And the outro.")]
    await session.aclose()

    first, second = fake_api.bodies()
    system = first["system"][0]["text"]
    assert system.startswith("You write.\n\n# Your memory\n")
    memory = workspace / ".claude" / "agent-memory" / "scribe"
    assert memory.is_dir() and f"`{memory}/`" in system  # created where Claude Code creates it
    assert system.index("# Your memory") < system.index(CONSENT) < system.index(NOTES)
    assert "- style: House style." in system  # the Skill tool's listing (no tools: Skill is offered)
    texts = [b["text"] for b in first["messages"][0]["content"]]
    assert "Use tabs." in texts[0] and "Current branch: main" in texts[1] and "Co-Authored-By" in texts[2]
    assert texts[3] == "Write the intro."
    assert "Write short sentences." in texts[4] and texts[4].startswith("<system-reminder>")
    # A follow-up is only the new text: the framing came once, with the first message.
    assert second["messages"][0] == {**first["messages"][0], "content": [
        *first["messages"][0]["content"][:-1], {k: v for k, v in first["messages"][0]["content"][-1].items()
                                                if k != "cache_control"}]}
    assert second["messages"][-1]["content"] == [
        {"type": "text", "text": "And the outro.", "cache_control": {"type": "ephemeral"}}]


async def test_on_claude_sonnet_4_6_the_context_goes_in_reminders_around_claude_md_and_git(
        fake_api, make_session, workspace):
    # Measured: Claude Code gives claude-sonnet-4-6 the environment and model line before the
    # CLAUDE.md reminder and the date after the git status, none of it in the system prompt.
    subprocess.run(["git", "init", "-q", "-b", "main", str(workspace)], check=True)
    (workspace / "CLAUDE.md").write_text("Use tabs.")
    fake_api.add(text_reply("m1", "ok"))
    await collect(make_session("---\nname: s\ndescription: d\nmodel: claude-sonnet-4-6\ntools: Read\n---\nBody.\n"))

    body = fake_api.bodies()[0]
    texts = [b["text"] for b in body["messages"][0]["content"]]
    assert "Working folder:" in texts[0] and "(model id claude-sonnet-4-6)" in texts[1]
    assert "Use tabs." in texts[2] and "Current branch: main" in texts[3] and "Today is " in texts[4]
    assert texts[5] == "go"
    assert "Working folder:" not in body["system"][0]["text"]
