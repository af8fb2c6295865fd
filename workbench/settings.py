"""The settings file: one TOML file in the user config folder, or wherever `WORKBENCH_SETTINGS` points.

A missing file means defaults. A broken file or a wrong value never stops workbench: the value falls
back to its default and the problem is kept in `Settings.problems`, for the app to show.

```toml
theme = "workbench-dark"
default_model = "opus"            # the main model: an agent saying `inherit` or nothing runs on it
permission_mode = "default"       # the chat pane's and `workbench run`'s default
engine = "auto"                   # auto, builtin or claude-code (auto: Claude Code when installed)
run_as = "subagent"               # Claude Code runs the agent as a subagent, or as the main agent ("main")
judge_model = "haiku"             # `workbench test`: the grader model of `judge` assertions

[models]                          # alias -> model id, over the built-in table
sonnet = "claude-sonnet-4-5"

[prices."claude-sonnet-4-5"]      # USD per million tokens, over the built-in table
input = 3.0
output = 15.0
cache_write = 3.75
cache_read = 0.30

[permissions]
allow = ["Bash(git status:*)", "Read"]

[keys]                            # binding id -> key(s), e.g. "save" = "ctrl+s"
save = "ctrl+s"

[ui]
cursor_blink = true
watch_files = true
```
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.paths import settings_file


@dataclass
class Settings:
    """Every setting workbench reads, with its default."""

    theme: str = "workbench-dark"
    default_model: str = "opus"  # Claude Code's main model in an API-key session
    permission_mode: str = "default"
    engine: str = "auto"
    run_as: str = "subagent"
    judge_model: str = "haiku"  # the grader of `workbench test`'s `judge` assertions (alias or id)
    models: dict[str, str] = field(default_factory=dict)
    prices: dict[str, dict[str, float]] = field(default_factory=dict)
    allow: list[str] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)
    cursor_blink: bool = True
    watch_files: bool = True
    path: Path | None = None
    problems: list[str] = field(default_factory=list)


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file (default: `workbench.paths.settings_file()`)."""
    path = path or settings_file()
    settings = Settings(path=path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return settings
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        settings.problems.append(f"{path}: cannot read settings ({exc}); using defaults")
        return settings

    def take(table: dict[str, Any], key: str, kind: type, where: str) -> Any:
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            settings.problems.append(f"{path}: {where}{key} should be a {kind.__name__}; ignored")
            return None
        return value

    for key in ("theme", "default_model", "permission_mode", "judge_model"):
        value = take(data, key, str, "")
        if value is not None:
            setattr(settings, key, value)
    for key, allowed in (("engine", ("auto", "builtin", "claude-code")), ("run_as", ("subagent", "main"))):
        value = take(data, key, str, "")
        if value is None:
            continue
        if value in allowed:
            setattr(settings, key, value)
        else:
            settings.problems.append(f"{path}: {key} = {json.dumps(value)} is not one of "
                                     f"{', '.join(allowed)}; using {getattr(settings, key)}")
    models = take(data, "models", dict, "")
    if models:
        settings.models = {k: v for k, v in models.items() if isinstance(v, str)}
    prices = take(data, "prices", dict, "")
    if prices:
        for model, table in prices.items():
            if isinstance(table, dict):
                settings.prices[model] = {
                    k: float(v) for k, v in table.items()
                    if isinstance(v, (int, float)) and not isinstance(v, bool)
                }
    permissions = take(data, "permissions", dict, "")
    if permissions:
        allow = take(permissions, "allow", list, "permissions.")
        if allow:
            settings.allow = [rule for rule in allow if isinstance(rule, str)]
    keys = take(data, "keys", dict, "")
    if keys:
        settings.keys = {k: v for k, v in keys.items() if isinstance(v, str)}
        for key_id, value in keys.items():
            if not isinstance(value, str):
                shown = json.dumps(value, default=str)
                settings.problems.append(f'[keys] {key_id} = {shown}: a key must be a string, e.g. "ctrl+q"; '
                                         f"{key_id} keeps its default key")
    ui = take(data, "ui", dict, "")
    if ui:
        for key in ("cursor_blink", "watch_files"):
            value = take(ui, key, bool, "ui.")
            if value is not None:
                setattr(settings, key, value)
    return settings


def save_theme(path: Path, theme: str) -> None:
    """Remember the theme in the settings file: only its top-level `theme = …` line is written
    (added before the first table when missing); comments, other settings and tables stay as they
    are. The file is replaced atomically, and made (with its folder) when missing. OSError on
    failure, with the old file intact."""
    import os
    import re
    import tempfile

    try:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    except FileNotFoundError:
        lines = []
    value = json.dumps(theme)  # a JSON string is a valid TOML basic string
    first_table = next((i for i, text in enumerate(lines) if text.lstrip().startswith("[")),
                       len(lines))
    top = re.compile(r"""^\s*theme\s*=\s*(?:"[^"]*"|'[^']*'|[^#\s]*)(?P<rest>.*?)(?P<end>\r?\n?)$""")
    for index in range(first_table):
        match = top.match(lines[index])
        if match:  # what follows the value (a comment) and the line end are kept
            lines[index] = f"theme = {value}{match['rest']}{match['end'] or chr(10)}"
            break
    else:
        if first_table and not lines[first_table - 1].endswith("\n"):
            lines[first_table - 1] += "\n"
        lines.insert(first_table, f"theme = {value}\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write("".join(lines))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
