"""The workbench app: themes, settings, keys, the command palette, and the main screen."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.message import Message
from textual.screen import Screen

from workbench.agents.catalog import Catalog, Scope
from workbench.settings import Settings, load_settings
from workbench.ui.key_settings import check_keymap
from workbench.ui.keymap import bindings, effective_keys
from workbench.ui.screens.main import MainScreen
from workbench.ui.themes import (
    THEME_SUFFIXES,
    THEME_VARIABLES,
    ThemeFileError,
    load_theme_file,
    load_themes,
    user_themes_dir,
)

DEFAULT_THEME = "workbench-dark"


class WorkbenchApp(App):
    """The terminal IDE for Claude Code subagents."""

    TITLE = "workbench"
    # Textual reads a screen's CSS_PATH only when the screen is pushed, never for the default
    # screen, so the main screen's stylesheet is loaded as the app's.
    CSS_PATH = "screens/main.tcss"
    BINDINGS = bindings(on_app=True)

    class FilesChanged(Message):
        """The watcher saw agent files added, changed or removed on disk."""

        def __init__(self, paths: set[Path]) -> None:
            super().__init__()
            self.paths = paths

    class ThemeFilesChanged(Message):
        """The watcher saw theme files added, changed or removed in the user's themes folder."""

        def __init__(self, paths: set[Path]) -> None:
            super().__init__()
            self.paths = paths

    def __init__(self, scopes: list[Scope], open_path: Path | None = None,
                 settings: Settings | None = None, exit_after: str | None = None) -> None:
        self.settings = settings or load_settings()
        super().__init__()
        self._scopes = scopes
        self._open_path = open_path
        # For benchmarks: exit after the "first-frame", or once the catalog is "loaded" and shown.
        self.exit_after = exit_after
        self._startup_problems = list(self.settings.problems)
        # Whether the user's themes were there to be read now: if not, the theme watcher loads
        # what the folder holds once it is made, even if that happens before the watcher starts.
        self._user_themes_read_at_launch = user_themes_dir().is_dir()
        loaded = load_themes()
        self._startup_problems += loaded.problems
        for theme in loaded.themes.values():
            self.register_theme(theme)
        wanted = self.settings.theme
        if wanted not in self.available_themes:
            self._startup_problems.append(f"theme {wanted!r} not found; using {DEFAULT_THEME}")
            wanted = DEFAULT_THEME
        self.theme = wanted
        # A bad [keys] entry is named and left out, so its binding keeps its default key.
        checked = check_keymap(self.settings.keys)
        self._startup_problems += checked.problems
        self.keys_in_force = checked.keys
        self.set_keymap(checked.keys)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """Defaults for our variables, so Textual's own themes work with our TCSS too."""
        return dict(THEME_VARIABLES)

    def get_default_screen(self) -> Screen:
        return MainScreen(self._scopes, self._open_path)

    @property
    def main_screen(self) -> MainScreen:
        """The main screen (it stays at the bottom of the stack)."""
        return self.screen_stack[0]  # type: ignore[return-value]

    def on_mount(self) -> None:
        for problem in self._startup_problems:
            self.notify(problem, title="Settings", severity="warning", timeout=8, markup=False)
        if self.exit_after == "first-frame":
            self.call_after_refresh(self.exit)

    def current_agent_source(self) -> tuple[str, Path | None]:
        """The editor's current text (saved or not) and the open agent's path."""
        return self.main_screen.current_agent_source()

    # -- watching ----------------------------------------------------------------------------

    def start_watching(self, catalog: Catalog) -> None:
        """Keep the catalog and the user's themes current with the disk, unless the settings turn
        the watcher off."""
        if self.settings.watch_files:
            self._watch(catalog.scopes)
            self._watch_themes(user_themes_dir())

    @work(exclusive=True, group="watcher")
    async def _watch(self, scopes: list[Scope]) -> None:
        from workbench.agents.watcher import AgentWatcher, watched_folders

        try:
            async for changes in AgentWatcher(watched_folders(scopes)).awatch():
                self.post_message(self.FilesChanged({change.path for change in changes}))
        except (OSError, RuntimeError) as error:
            # A watched folder vanished: the list stays as it is, and says why it stopped updating.
            self.notify(f"stopped watching agent folders: {error}", severity="warning")

    def on_workbench_app_files_changed(self, message: FilesChanged) -> None:
        self.main_screen.files_changed(message.paths)

    @work(exclusive=True, group="theme-watcher")
    async def _watch_themes(self, folder: Path) -> None:
        from watchfiles import awatch

        def is_theme_file(_change, path: str) -> bool:
            return path.endswith(THEME_SUFFIXES)

        try:
            if not self._user_themes_read_at_launch:
                # No user themes at launch: the folder is watched for from its nearest existing
                # parent, and what it holds once made (a folder copied in whole) is loaded at once.
                if not await wait_for_folder(folder):
                    return
                found = {p for p in folder.iterdir() if p.name.endswith(THEME_SUFFIXES)}
                if found:
                    self.post_message(self.ThemeFilesChanged(found))
            async for changes in awatch(folder, watch_filter=is_theme_file, recursive=False,
                                        debounce=300, step=50):
                self.post_message(self.ThemeFilesChanged({Path(path) for _, path in changes}))
        except (OSError, RuntimeError) as error:
            self.notify(f"stopped watching the themes folder: {error}", severity="warning")

    def on_workbench_app_theme_files_changed(self, message: ThemeFilesChanged) -> None:
        """Re-read each changed theme file; the active theme is re-applied at once. A file that
        no longer reads keeps what was registered from it, and says why."""
        for path in sorted(message.paths):
            if path.suffix not in THEME_SUFFIXES or not path.is_file():
                continue  # a removed file: its theme stays registered until the app restarts
            try:
                theme = load_theme_file(path)
            except ThemeFileError as error:
                self.notify(f"theme {error}; still using {self.theme}", title="Theme not reloaded",
                            severity="error", timeout=10)
                continue
            self.register_theme(theme)
            if theme.name == self.theme:
                self.reapply_theme()

    def watch_theme(self, theme: str) -> None:
        """A theme chosen while the app runs (the palette's "theme: …") is remembered in the
        settings file, for the next start; the file's other lines stay as they are."""
        if not self.is_running or theme == self.settings.theme or self.settings.path is None:
            return
        from workbench.settings import save_theme

        try:
            save_theme(self.settings.path, theme)
        except OSError as error:
            self.notify(f"theme {theme!r} is in use but not remembered: cannot write "
                        f"{self.settings.path} ({error.strerror or error})", severity="warning")
            return
        self.settings.theme = theme

    def reapply_theme(self) -> None:
        """Apply the active theme again after its definition was replaced under the same name:
        setting `theme` to its own value would change nothing."""
        # Textual's own watcher of `theme`: classes, CSS variables, restyle, theme_changed_signal.
        self._watch_theme(self.theme)

    def action_quit(self) -> None:
        """ctrl+q, and the palette's "app: quit": quit at once, or with unsaved edits ask first
        (save all, discard, cancel)."""
        from workbench.ui.screens.unsaved import UnsavedEditsDialog

        main = self.screen_stack[0] if self.screen_stack else None
        unsaved = main.unsaved_buffers() if isinstance(main, MainScreen) else {}
        if not unsaved:
            self.exit()
            return
        if any(isinstance(screen, UnsavedEditsDialog) for screen in self.screen_stack) or any(
                worker.group == "quit" and not worker.is_finished for worker in self.workers):
            return  # already asking, or saving what the answer said to save

        self._ask_before_quitting(main, unsaved)

    @work(exclusive=True, group="quit")
    async def _ask_before_quitting(self, main: MainScreen, unsaved: dict) -> None:
        from workbench.ui.screens.unsaved import UnsavedEditsDialog

        choice = await self.push_screen_wait(UnsavedEditsDialog(list(unsaved)))
        if choice == "discard":
            main.discard_drafts()
        if choice == "discard" or (choice == "save" and await main.save_all()):
            self.exit()

    # -- keys and the palette ----------------------------------------------------------------

    def action_help(self) -> None:
        """F1: every key, its id and what it does."""
        from workbench.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(effective_keys(self.keys_in_force)))

    def action_browse_transcripts(self) -> None:
        """Ctrl+T: the transcript browser over the main screen (Esc comes back)."""
        from workbench.ui.screens.transcripts import TranscriptBrowser

        if not any(isinstance(s, TranscriptBrowser) for s in self.screen_stack):
            self.push_screen(TranscriptBrowser())

    def close_screen(self, screen: Screen) -> None:
        """The palette's "close this screen": leave `screen` at once, where Esc may first clear a
        filter or cancel runs (a closed screen's runs stop with it: their workers are cancelled and
        the chat panes close their sessions); a dialog answers as if nothing was chosen."""
        if screen is self.screen:
            screen.dismiss(None)

    async def on_transcript_screen_rerun_requested(self, message) -> None:
        """From a transcript: its first prompt again, in the chat pane, with today's definition."""
        from workbench.ui.transcript_rerun import rerun_in_app

        await rerun_in_app(self, message.origin)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        main = self.main_screen
        commands = [
            ("agent: new", "create an agent from a template in a chosen scope", main.action_new_agent),
            ("agent: generate with Claude", "describe an agent in a sentence; the model writes it",
             main.action_generate_agent),
            ("agent: duplicate", "save a copy under a new name", main.action_duplicate_agent),
            ("agent: rename", "rename the agent; the file follows", main.action_rename_agent),
            ("agent: delete", "delete the agent's file (asks first)", main.action_delete_agent),
            ("file: save", "write the buffer atomically", main.action_save),
            ("fix: apply all safe fixes", "every safe fix of this agent", main.action_fix_all),
            ("fix: quick fix under the cursor", "the fix of the problem at the cursor",
             main.action_quick_fix),
            ("fix: next problem", "move to the next problem", main.action_next_problem),
            ("edit: tools", "pick tools, grouped as the old wizard did", main.action_edit_tools),
            ("edit: model", "alias, inherit or a custom model id", main.action_edit_model),
            ("edit: colour", "one of the eight colours, or automatic", main.action_edit_color),
            ("agent: set permission mode", "the agent's permissionMode, or the parent's",
             main.action_edit_permission_mode),
            ("agent: set memory", "user, project or local memory, or none", main.action_edit_memory),
            ("agent: set effort", "low to max, or the session's", main.action_edit_effort),
            ("run: run or re-run", "the typed task, else the last one with the editor's current text",
             main.action_run_agent),
            ("run: new session", "the next task starts a fresh session (Enter otherwise continues the last)",
             lambda: main.chat.new_session()),
            ("run: previous run", "show the chat pane's previous run", main.action_previous_run),
            ("run: compare", "the chat task against two variants side by side",
             main.action_compare_runs),
            ("run: permission mode", "the agent's own, or default, acceptEdits, plan, bypassPermissions",
             lambda: main.chat.choose_permission_mode()),
            ("run: working directory", "where the next runs work (default: where workbench started)",
             lambda: main.chat.choose_cwd()),
            ("run: engine", "workbench's built-in engine or the real Claude Code (auto: Claude Code when installed)",
             lambda: main.chat.choose_engine()),
            ("run: run as", "Claude Code runs the agent as a subagent (delegated the task) or as the main agent",
             lambda: main.chat.choose_run_as()),
            ("view: chat", "focus the chat input", main.action_focus_chat),
            ("view: agents", "focus the agent list", main.action_focus_sidebar),
            ("view: editor", "focus the editor", main.action_focus_editor),
            ("view: show or hide the agent list", "the editor takes the room",
             main.action_toggle_sidebar),
            ("view: show or hide the chat", "the editor takes the room", main.action_toggle_chat),
            ("view: keys", "every key binding and its id", self.action_help),
            ("tests: open the Tests view", "the agent's test cases: saved file against buffer, pass rates",
             main.action_open_tests),
            ("transcripts: browse", "runs and Claude Code sessions: read, search, export",
             self.action_browse_transcripts),
            ("app: quit", "quit workbench", self.action_quit),
        ]
        for title, help_text, callback in commands:
            yield SystemCommand(title, help_text, callback)
        if screen is not main:
            yield SystemCommand("view: close this screen", "leave it for the screen below, as Esc does",
                                lambda: self.close_screen(screen))
        for name in sorted(self.available_themes):
            yield SystemCommand(f"theme: {name}", "switch to this theme",
                                lambda name=name: setattr(self, "theme", name))


async def wait_for_folder(folder: Path, *, step_ms: int = 50) -> bool:
    """Return once `folder` exists (made at any depth below its nearest existing parent), watching
    only the folders on the way, one at a time; False if not even a parent of it exists."""
    from watchfiles import awatch

    on_the_way = {folder, *folder.parents}
    while not folder.is_dir():
        parent = next((p for p in folder.parents if p.is_dir()), None)
        if parent is None:
            return False
        # Each second the watch yields anyway and the loop looks again: a folder on the way made
        # between the look and the watch's start is not missed for longer than that.
        async for _ in awatch(parent, recursive=False, debounce=50, step=step_ms,
                              rust_timeout=1000, yield_on_timeout=True,
                              watch_filter=lambda _change, path: Path(path) in on_the_way):
            break
    return True
