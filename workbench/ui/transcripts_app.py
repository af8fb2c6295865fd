"""A small app for `workbench transcript show FILE` and `workbench transcript browse`: the transcript
screens with the user's theme and settings, without the editor."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.screen import Screen

from workbench.settings import Settings, load_settings
from workbench.ui.screens.transcript_view import TranscriptScreen
from workbench.ui.screens.transcripts import TranscriptBrowser
from workbench.ui.themes import THEME_VARIABLES, load_themes

DEFAULT_THEME = "workbench-dark"


class TranscriptsApp(App):
    """Opens one transcript (`path`) or the browser of all of them."""

    TITLE = "workbench transcripts"

    def __init__(self, path: Path | None = None, settings: Settings | None = None,
                 browser: TranscriptBrowser | None = None) -> None:
        self.settings = settings or load_settings()
        super().__init__()
        self._path = path
        self._browser = browser
        for theme in load_themes().themes.values():
            self.register_theme(theme)
        self.theme = self.settings.theme if self.settings.theme in self.available_themes \
            else DEFAULT_THEME

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """The tool palette and the other variables our TCSS uses."""
        return dict(THEME_VARIABLES)

    def get_default_screen(self) -> Screen:
        if self._path is not None:
            return TranscriptScreen(self._path)
        return self._browser or TranscriptBrowser()
