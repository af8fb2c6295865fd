"""Every key binding of the app, with the id users remap in the settings file's `[keys]` table.

One table feeds the bindings, the footer and the F1 help, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class KeySpec:
    """One binding: its stable id, default key(s), action, footer label and help text."""

    id: str
    key: str
    action: str
    label: str
    help: str
    show: bool = True
    priority: bool = False
    on_app: bool = False  # app-wide (works over dialogs too) rather than on the main screen


APP_KEYS: tuple[KeySpec, ...] = (
    KeySpec("help", "f1", "help", "Help", "show every key and what it does", on_app=True),
    KeySpec("focus_sidebar", "f2", "focus_sidebar", "Agents", "move to the agent list"),
    KeySpec("focus_editor", "f3", "focus_editor", "Editor", "move to the editor"),
    KeySpec("focus_chat", "f4", "focus_chat", "Chat", "move to the chat input"),
    KeySpec("run_agent", "f5", "run_agent", "Run", "run or re-run the agent in the chat pane"),
    KeySpec("previous_run", "f9", "previous_run", "Prev run", "show the chat pane's previous run"),
    KeySpec("compare_runs", "f10", "compare_runs", "Compare",
            "run the chat task against two variants side by side"),
    KeySpec("save", "ctrl+s", "save", "Save", "save the agent (atomic write)", priority=True),
    KeySpec("new_agent", "ctrl+n", "new_agent", "New", "create an agent from a template",
            priority=True),
    KeySpec("quick_fix", "ctrl+full_stop", "quick_fix", "Fix",
            "apply the fix of the problem under the cursor", priority=True),
    KeySpec("next_problem", "f8", "next_problem", "Next problem",
            "move the cursor to the next problem", show=False),
    # The footer shows the palette key on its own, at the right.
    KeySpec("command_palette", "ctrl+p", "command_palette", "Palette", "open the command palette",
            show=False, priority=True, on_app=True),
    KeySpec("quit", "ctrl+q", "quit", "Quit", "quit workbench", priority=True, on_app=True),
)


def bindings(on_app: bool) -> list[Binding]:
    """The app's (or the main screen's) bindings, each with its id so `App.set_keymap` remaps it."""
    return [
        Binding(spec.key, spec.action, spec.label, show=spec.show, priority=spec.priority,
                id=spec.id)
        for spec in APP_KEYS if spec.on_app == on_app
    ]


def effective_keys(keymap: dict[str, str]) -> dict[str, str]:
    """Binding id -> the key(s) in force: the settings' `[keys]` over the defaults."""
    return {spec.id: keymap.get(spec.id, spec.key) for spec in APP_KEYS}


def unknown_key_ids(keymap: dict[str, str]) -> list[str]:
    """Ids in the settings' `[keys]` table that name no binding (likely typos)."""
    known = {spec.id for spec in APP_KEYS}
    return sorted(k for k in keymap if k not in known)
