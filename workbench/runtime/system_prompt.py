"""The system prompt a subagent runs with, built as Claude Code builds it.

Claude Code gives a subagent its file's body, then an environment block (working directory, git,
platform, date), then the workspace's CLAUDE.md memory files and the git status. Keeping this order
and these words makes a workbench run a faithful rehearsal of the real thing. The date has day
resolution on purpose: anything finer would break prompt caching between runs.
"""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import date
from pathlib import Path

GIT_STATUS_MAX_CHARS = 2_000


def build_system_prompt(
    body: str,
    cwd: Path,
    *,
    model: str = "",
    include_claude_md: bool = True,
    today: date | None = None,
    home: Path | None = None,
) -> str:
    """The full system prompt for an agent whose body is `body`, run in `cwd`."""
    cwd = Path(cwd).resolve()
    status = git_status(cwd)
    parts = [body.strip(), environment_block(cwd, model=model, is_git=status is not None, today=today)]
    if include_claude_md:
        memory = claude_md_block(cwd, home=home)
        if memory:
            parts.append(memory)
    if status:
        parts.append(
            "gitStatus: This is the git status at the start of the conversation. Note that this "
            "status is a snapshot in time, and will not update during the conversation.\n" + status
        )
    return "\n\n".join(p for p in parts if p)


def environment_block(cwd: Path, *, model: str = "", is_git: bool = False, today: date | None = None) -> str:
    """The `<env>` block: where the agent runs and when."""
    today = today or date.today()
    lines = [
        f"Working directory: {cwd}",
        f"Is directory a git repo: {'Yes' if is_git else 'No'}",
        f"Platform: {platform.system().lower()}",
        f"OS Version: {platform.system()} {platform.release()}",
        f"Today's date: {today.isoformat()}",
    ]
    text = "Here is useful information about the environment you are running in:\n<env>\n"
    text += "\n".join(lines) + "\n</env>"
    if model:
        text += f"\nYou are powered by the model {model}."
    return text


def claude_md_files(cwd: Path, *, home: Path | None = None) -> list[Path]:
    """The memory files Claude Code loads for `cwd`: the user's, then each folder from the root down."""
    home = home or Path(os.environ.get("HOME") or Path.home())
    found: list[Path] = []
    user_file = home / ".claude" / "CLAUDE.md"
    if user_file.is_file():
        found.append(user_file)
    for folder in reversed([cwd, *cwd.parents]):
        for name in ("CLAUDE.md", ".claude/CLAUDE.md", "CLAUDE.local.md"):
            candidate = folder / name
            if candidate.is_file() and candidate not in found:
                found.append(candidate)
    return found


def claude_md_block(cwd: Path, *, home: Path | None = None) -> str:
    """The memory files' contents, each introduced by its path, as Claude Code presents them."""
    sections = []
    for path in claude_md_files(cwd, home=home):
        try:
            text = path.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            continue  # an unreadable memory file is skipped, as Claude Code does
        if text:
            sections.append(f"Contents of {path}:\n\n{text}")
    if not sections:
        return ""
    return (
        "<system-reminder>\nAs you answer the user's questions, you can use the following context:\n"
        "# claudeMd\nCodebase and user instructions are shown below. Be sure to adhere to these "
        "instructions.\n\n" + "\n\n".join(sections) + "\n</system-reminder>"
    )


def git_status(cwd: Path) -> str | None:
    """Branch, short status and recent commits, or None when `cwd` is not in a git work tree."""
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=5,
                env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    if git("rev-parse", "--is-inside-work-tree") != "true":
        return None
    branch = git("branch", "--show-current") or "(detached)"
    status = git("status", "--short") or "(clean)"
    if len(status) > GIT_STATUS_MAX_CHARS:
        status = status[:GIT_STATUS_MAX_CHARS] + "\n… (truncated)"
    log = git("log", "--oneline", "-n", "5") or ""
    return f"Current branch: {branch}\n\nStatus:\n{status}\n\nRecent commits:\n{log}".rstrip()
