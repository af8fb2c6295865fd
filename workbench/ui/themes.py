"""Themes as YAML files: the bundled ones in `themes/`, the user's in `<config dir>/themes`.

Every theme defines the variables below; TCSS (ours and the chat pane's) uses them as `$name`.
A theme file that cannot be read becomes a problem message for the app to show, never an exception.

What each file parsed to is kept in `<data dir>/cache/themes.json` by path, modification time and
size, so a start whose theme files did not change never imports PyYAML before its first frame (the
import was about a twentieth of the app's start). A changed or new file is parsed again.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from textual.color import Color, ColorParseError
from textual.theme import Theme

from workbench.paths import bundled_themes_dir, config_dir, data_dir

THEME_SUFFIXES = (".yaml", ".yml")
_CACHE_VERSION = 1

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


def _parse_yaml(path: Path) -> object:
    import yaml  # only for files the cache does not know

    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeFileError(f"{path.name}: cannot read ({exc.__class__.__name__})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ThemeFileError(f"{path.name}: not valid YAML{where}") from None


def theme_from_data(data: object, path: Path) -> Theme:
    """A Theme from the parsed contents of a theme file; raises `ThemeFileError` with the reason."""
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


def load_theme_file(path: Path) -> Theme:
    """Read one YAML theme file; raises `ThemeFileError` with a one-line reason."""
    return theme_from_data(_parse_yaml(path), path)


def theme_cache_file() -> Path:
    """Where what each theme file parsed to is kept between starts."""
    return data_dir() / "cache" / "themes.json"


class _ParseCache:
    """Parsed theme files by path, valid while a file's modification time and size are the same."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, list] = {}
        self.changed = False
        if path is None:
            return
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(stored, dict) and stored.get("version") == _CACHE_VERSION:
            files = stored.get("files")
            self.entries = files if isinstance(files, dict) else {}

    def parse(self, path: Path) -> object:
        """The file's parsed contents, from the cache when the file did not change."""
        try:
            stat = path.stat()
        except OSError as exc:
            raise ThemeFileError(f"{path.name}: cannot read ({exc.__class__.__name__})") from None
        key, stamp = str(path), [stat.st_mtime_ns, stat.st_size]
        entry = self.entries.get(key)
        if isinstance(entry, list) and len(entry) == 3 and entry[:2] == stamp:
            return entry[2]
        data = _parse_yaml(path)
        try:
            # Only what JSON gives back unchanged is kept (a date or a non-text key would not be).
            if json.loads(json.dumps(data)) == data:
                self.entries[key] = [*stamp, data]
                self.changed = True
        except (TypeError, ValueError):
            pass
        return data

    def save(self) -> None:
        """Write the cache if a file was parsed (best effort: a cache that cannot be written is
        only slower next time)."""
        if self.path is None or not self.changed:
            return
        known = {key: entry for key, entry in self.entries.items() if os.path.exists(key)}
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps({"version": _CACHE_VERSION, "files": known}),
                                 encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            temporary.unlink(missing_ok=True)


def theme_files(folder: Path) -> list[Path]:
    """The theme files of a folder, in load order."""
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def load_themes(folders: list[Path] | None = None, *, cache: bool = True) -> LoadedThemes:
    """Load every `*.yaml`/`*.yml` theme in the folders (default: bundled, then the user's)."""
    folders = folders if folders is not None else [bundled_themes_dir(), user_themes_dir()]
    parsed = _ParseCache(theme_cache_file() if cache else None)
    loaded = LoadedThemes()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in theme_files(folder):
            try:
                theme = theme_from_data(parsed.parse(path), path)
            except ThemeFileError as exc:
                loaded.problems.append(f"theme {exc}")
                continue
            loaded.themes[theme.name] = theme
    parsed.save()
    return loaded
