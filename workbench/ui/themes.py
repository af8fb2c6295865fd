"""Themes as YAML files: the bundled ones in `themes/`, the user's in `<config dir>/themes`.

Every theme defines the variables below; TCSS (ours and the chat pane's) uses them as `$name`.
A theme file that cannot be read becomes a problem message for the app to show, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from textual.color import Color, ColorParseError
from textual.theme import Theme

from workbench.paths import bundled_themes_dir, config_dir

# The contract with every pane: each theme colours tool calls and diagnostics.
THEME_VARIABLES: dict[str, str] = {
    "tool-read": "#5fa8d3",
    "tool-edit": "#e3b341",
    "tool-execute": "#ef6b6b",
    "tool-web": "#5fc4b8",
    "tool-agent": "#b58be0",
    "tool-mcp": "#e08bc0",
    "tool-other": "#9aa3ad",
    "diag-error": "#ff6b6b",
    "diag-warning": "#e3b341",
    "diag-info": "#5fa8d3",
}

_COLOUR_KEYS = (
    "primary", "secondary", "accent", "foreground", "background", "surface", "panel",
    "boost", "success", "warning", "error",
)


class ThemeFileError(Exception):
    """A theme file that cannot become a Theme; the message names the file and the reason."""


@dataclass
class LoadedThemes:
    """The themes found, in load order (a user theme replaces a bundled one of the same name)."""

    themes: dict[str, Theme] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def user_themes_dir() -> Path:
    """Where the user's own theme files live."""
    return config_dir() / "themes"


def _colour(value: object, key: str, path: Path) -> str:
    if not isinstance(value, str):
        raise ThemeFileError(f"{path.name}: {key} should be a colour string")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeFileError(f"{path.name}: {key} {value!r} is not a colour") from None
    return value


def load_theme_file(path: Path) -> Theme:
    """Read one YAML theme file; raises `ThemeFileError` with a one-line reason."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeFileError(f"{path.name}: cannot read ({exc.__class__.__name__})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ThemeFileError(f"{path.name}: not valid YAML{where}") from None
    if not isinstance(data, dict):
        raise ThemeFileError(f"{path.name}: should be a mapping of theme settings")
    name = data.get("name") or path.stem
    if not isinstance(name, str):
        raise ThemeFileError(f"{path.name}: name should be a string")
    if "primary" not in data:
        raise ThemeFileError(f"{path.name}: primary colour is missing")
    colours = {key: _colour(data[key], key, path) for key in _COLOUR_KEYS if key in data}
    variables = data.get("variables") or {}
    if not isinstance(variables, dict):
        raise ThemeFileError(f"{path.name}: variables should be a mapping")
    merged = dict(THEME_VARIABLES)
    for key, value in variables.items():
        merged[str(key)] = _colour(value, f"variables.{key}", path)
    return Theme(name=name, dark=bool(data.get("dark", True)), variables=merged, **colours)


def load_themes(folders: list[Path] | None = None) -> LoadedThemes:
    """Load every `*.yaml`/`*.yml` theme in the folders (default: bundled, then the user's)."""
    folders = folders if folders is not None else [bundled_themes_dir(), user_themes_dir()]
    loaded = LoadedThemes()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
            try:
                theme = load_theme_file(path)
            except ThemeFileError as exc:
                loaded.problems.append(f"theme {exc}")
                continue
            loaded.themes[theme.name] = theme
    return loaded
