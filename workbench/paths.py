"""Where workbench finds its bundled files and keeps the user's."""

from __future__ import annotations

import os
from pathlib import Path

_BUNDLED = Path(__file__).resolve().parent / "bundled"


def bundled_agents_dir() -> Path:
    """The folder of example agents that ships with the package."""
    return _BUNDLED / "agents"


def bundled_themes_dir() -> Path:
    """The folder of themes that ships with the package."""
    return _BUNDLED / "themes"


def config_dir() -> Path:
    """The user's workbench config folder (settings, user themes)."""
    override = os.environ.get("WORKBENCH_CONFIG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_config_path

    return user_config_path("workbench", appauthor=False)


def data_dir() -> Path:
    """The user's workbench data folder (transcripts of runs)."""
    override = os.environ.get("WORKBENCH_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path("workbench", appauthor=False)


def settings_file() -> Path:
    """The settings file: $WORKBENCH_SETTINGS if set, else settings.toml in the config folder."""
    override = os.environ.get("WORKBENCH_SETTINGS")
    if override:
        return Path(override)
    return config_dir() / "settings.toml"
