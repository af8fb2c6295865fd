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

FALLBACK_MODEL = "sonnet"


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
