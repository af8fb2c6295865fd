"""Choosing the engine a run uses: the built-in one (`session.Session`) or Claude Code
(`claude_code.ClaudeCodeSession`), both with `send` / `cancel` / `aclose` and the same events.

The choice, strongest first: an explicit one (`workbench run --engine`, the chat pane's palette),
`WORKBENCH_ENGINE`, the settings' `engine`; "auto" means Claude Code when the Claude Agent SDK is
installed, else the built-in engine. How Claude Code runs the agent (`run_as`): "subagent" (its
main thread delegates to the agent, the default) or "main" (`--agent`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.runtime.claude_code import (
    ENGINE_LABELS,
    NOT_INSTALLED,
    RUN_MODES,
    EngineUnavailable,
    choose_cli,
    resolve_engine,
    sdk_available,
)

ENGINE_CHOICES = ("auto", "builtin", "claude-code")
RUN_AS_LABELS = {"subagent": "as a subagent", "main": "as the main agent"}


@dataclass(frozen=True)
class EngineChoice:
    """A resolved engine: its name, how Claude Code runs the agent, and the CLI to run."""

    name: str
    run_as: str = "subagent"
    cli_path: Path | None = None
    cli_version: str = ""

    @property
    def label(self) -> str:
        """What the status line and `workbench run` show: `built-in`, `Claude Code 2.1.337`."""
        label = ENGINE_LABELS[self.name]
        return f"{label} {self.cli_version}" if self.name == "claude-code" and self.cli_version else label


def requested_engine(explicit: str | None = None, settings: Any = None) -> str:
    """The engine asked for, before "auto" is resolved."""
    return (explicit or os.environ.get("WORKBENCH_ENGINE", "").strip()
            or getattr(settings, "engine", None) or "auto")


def choose_engine(explicit: str | None = None, settings: Any = None, run_as: str | None = None) -> EngineChoice:
    """Resolve the engine; raises ValueError for an unknown name and `EngineUnavailable` (with the
    install command) when Claude Code is asked for without the SDK."""
    name = resolve_engine(requested_engine(explicit, settings))
    mode = run_as or getattr(settings, "run_as", None) or "subagent"
    if mode not in RUN_MODES:
        raise ValueError(f"unknown run_as {mode!r}: use subagent or main")
    if name != "claude-code":
        return EngineChoice(name, mode)
    if not sdk_available():
        raise EngineUnavailable(NOT_INSTALLED)
    cli_path, version = choose_cli()
    return EngineChoice(name, mode, cli_path, version)


def open_session(choice: EngineChoice, agent_text: str, **kwargs: Any) -> Any:
    """A session of the chosen engine. `kwargs` are the built-in `Session`'s; the Claude Code
    engine takes those it has a meaning for (Claude Code finds agents, CLAUDE.md and its
    transcript itself)."""
    if choice.name == "builtin":
        from workbench.runtime.session import Session

        return Session(agent_text, **kwargs)
    from workbench.runtime.claude_code import ClaudeCodeSession

    keep = ("path", "model", "cwd", "add_dirs", "permission_mode", "allow_rules", "max_turns",
            "ask_permission", "settings")
    return ClaudeCodeSession(agent_text, mode=choice.run_as, cli_path=choice.cli_path,
                             cli_version=choice.cli_version, **{k: v for k, v in kwargs.items() if k in keep})


__all__ = ["ENGINE_CHOICES", "RUN_AS_LABELS", "EngineChoice", "EngineUnavailable", "choose_engine",
           "open_session", "requested_engine", "sdk_available"]
