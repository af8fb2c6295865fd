"""Model aliases (`sonnet`, `opus`, …) to model ids.

An agent's `model` field is an alias, a full id, `inherit` or absent. Aliases move with each release,
so the table is a default that the environment (`ANTHROPIC_DEFAULT_<ALIAS>_MODEL`, as Claude Code
reads it) and the settings file's `[models]` table override. Prices live in
`workbench.transcripts.pricing`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

DEFAULT_ALIASES: dict[str, str] = {
    "opus": "claude-opus-5-5",
    "sonnet": "claude-sonnet-5-5",
    "haiku": "claude-haiku-5-5",
    "fable": "claude-fable-5-2",
}

# Claude Code's main model in a default API-key session: what `inherit` or no `model` comes to.
FALLBACK_MODEL = "opus"

EFFORT_LEVELS = ("low", "medium", "high", "xhigh", "max")
# Output limits Claude Code 2.1.332 sends per model (claude-code-runs.md §2), longest prefix wins.
_MAX_TOKENS = {
    "claude-opus-4-8": 64_000,
    "claude-sonnet-4-6": 32_000,
    "claude-fable-5-2": 128_000,
}
_FAMILY_5_5_MAX_TOKENS = 128_000
_OTHER_MAX_TOKENS = 32_000
# Models on which Claude Code's default effort is high (medium on the 5.5 family and the rest).
_HIGH_EFFORT_MODELS = ("claude-opus-4-8", "claude-sonnet-4-6")


# Models Claude Code gives the context (environment, model line, date) as reminders before the task
# instead of a role-system message (measured: claude-sonnet-4-6).
_CONTEXT_AS_REMINDERS = ("claude-sonnet-4-6",)


def context_as_reminders(model: str) -> bool:
    """Whether Claude Code puts a subagent's context in its first message for `model`."""
    return model.startswith(_CONTEXT_AS_REMINDERS)


def max_tokens_for(model: str) -> int:
    """The `max_tokens` Claude Code sends for `model` (a full id)."""
    for prefix in sorted(_MAX_TOKENS, key=len, reverse=True):
        if model.startswith(prefix):
            return _MAX_TOKENS[prefix]
    if "-5-5" in model:
        return _FAMILY_5_5_MAX_TOKENS
    return _OTHER_MAX_TOKENS


def default_effort(model: str) -> str:
    """The effort Claude Code sends when neither the agent nor the Agent call names one."""
    return "high" if model.startswith(_HIGH_EFFORT_MODELS) else "medium"


# Levels a model does not take, and what Claude Code sends instead (measured: xhigh on
# claude-sonnet-4-6 went out as high).
_EFFORT_FALLBACKS = {"claude-sonnet-4-6": {"xhigh": "high"}}


def resolve_effort(requested: object, model: str) -> str:
    """An agent's `effort:` (one of EFFORT_LEVELS, lowered where the model lacks it), else the
    model's default."""
    if isinstance(requested, str) and requested.strip().lower() in EFFORT_LEVELS:
        level = requested.strip().lower()
        for prefix, fallbacks in _EFFORT_FALLBACKS.items():
            if model.startswith(prefix):
                return fallbacks.get(level, level)
        return level
    return default_effort(model)


def alias_table(
    settings_models: Mapping[str, str] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The alias table in force: built-ins, then the settings file, then the environment."""
    environ = os.environ if environ is None else environ
    table = dict(DEFAULT_ALIASES)
    table.update({k.lower(): v for k, v in (settings_models or {}).items() if v})
    for alias in list(table):
        pinned = environ.get(f"ANTHROPIC_DEFAULT_{alias.upper()}_MODEL")
        if pinned:
            table[alias] = pinned
    return table


def resolve_model(
    requested: str | None,
    *,
    default: str | None = None,
    settings_models: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """The model id to call for `requested` (an alias, an id, `inherit` or None).

    `inherit` and None mean `default` (the `--model` flag or the settings' `default_model`), which
    may itself be an alias. Anything that is not an alias is passed through as a full id.
    """
    table = alias_table(settings_models, environ)
    choice = (requested or "").strip()
    if not choice or choice.lower() == "inherit":
        choice = (default or "").strip() or FALLBACK_MODEL
    return table.get(choice.lower(), choice)
