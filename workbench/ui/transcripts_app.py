"""A small app for `workbench transcript show FILE` and `workbench transcript browse`: the transcript
screens with the user's theme, settings and keys, without the editor.

"Re-run with today's definition" needs the editor and the chat pane: the app then exits with the run's
`RunOrigin` as its return value, and the command opens the full app on that agent.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.screen import Screen

from workbench.settings import Settings, load_settings
from workbench.transcripts.origin import RunOrigin
from workbench.ui.key_settings import check_keymap
from workbench.ui.keymap import bindings, effective_keys
from workbench.ui.screens.transcript_view import TranscriptScreen
from workbench.ui.screens.transcripts import TranscriptBrowser
from workbench.ui.themes import THEME_VARIABLES, load_themes

DEFAULT_THEME = "workbench-dark"


class TranscriptsApp(App[RunOrigin]):
    """Opens one transcript (`path`) or the browser of all of them."""

    TITLE = "workbench transcripts"
    # F1, the palette and quit, remappable like in the full app.
    BINDINGS = [b for b in bindings(on_app=True) if b.action in ("help", "command_palette", "quit")]

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
        checked = check_keymap(self.settings.keys)
        self._key_problems = checked.problems
        self.keys_in_force = checked.keys
        self.set_keymap(checked.keys)

    def on_mount(self) -> None:
        for problem in self._key_problems:
            self.notify(problem, title="Settings", severity="warning", timeout=8, markup=False)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """The tool palette and the other variables our TCSS uses."""
        return dict(THEME_VARIABLES)

    def get_default_screen(self) -> Screen:
        if self._path is not None:
            return TranscriptScreen(self._path)
        return self._browser or TranscriptBrowser()

    def action_help(self) -> None:
        """F1: every key, its id and what it does."""
        from workbench.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen(effective_keys(self.keys_in_force)))

    def on_transcript_screen_rerun_requested(self, message: TranscriptScreen.RerunRequested) -> None:
        self.exit(message.origin)
