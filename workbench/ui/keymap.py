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
    KeySpec("filter_agents", "shift+f2", "filter_agents", "Filter agents",
            "move to the agent list's filter box", show=False),
    KeySpec("focus_editor", "f3", "focus_editor", "Editor", "move to the editor"),
    KeySpec("focus_chat", "f4", "focus_chat", "Chat", "move to the chat input"),
    KeySpec("run_agent", "f5", "run_agent", "Run", "run or re-run the agent in the chat pane"),
    KeySpec("previous_run", "f9", "previous_run", "Prev run", "show the chat pane's previous run"),
    KeySpec("compare_runs", "f10", "compare_runs", "Compare",
            "run the chat task against two variants side by side"),
    # ctrl+b first (as in most editors); tmux takes ctrl+b as its prefix, hence F11 too. ctrl+g
    # and F12 are free everywhere (F6 and F7 belong to the editor's selection keys).
    KeySpec("toggle_sidebar", "ctrl+b,f11", "toggle_sidebar", "Agents pane",
            "show or hide the agent list", show=False),
    KeySpec("toggle_chat", "ctrl+g,f12", "toggle_chat", "Chat pane",
            "show or hide the chat column", show=False),
    KeySpec("save", "ctrl+s", "save", "Save", "save the agent (atomic write)", priority=True),
    KeySpec("new_agent", "ctrl+n", "new_agent", "New", "create an agent from a template",
            priority=True),
    # F7 first: every terminal sends it (tmux and GNOME Terminal never send ctrl+.), and the footer
    # and F1 show a binding's first key; ctrl+. stays as a second key where it can be typed.
    KeySpec("quick_fix", "f7,ctrl+full_stop", "quick_fix", "Fix",
            "apply the fix of the problem under the cursor", priority=True),
    KeySpec("next_problem", "f8", "next_problem", "Next problem",
            "move the cursor to the next problem", show=False),
    # The footer shows the palette key on its own, at the right.
    KeySpec("command_palette", "ctrl+p", "command_palette", "Palette", "open the command palette",
            show=False, priority=True, on_app=True),
    KeySpec("quit", "ctrl+q", "quit", "Quit", "quit workbench", priority=True, on_app=True),
    # Hidden from the footer: the main screen's footer is full, and the palette offers it too.
    KeySpec("browse_transcripts", "ctrl+t", "browse_transcripts", "Transcripts",
            "open the transcript browser (runs and Claude Code sessions)", show=False, on_app=True),
    # ctrl+r: every terminal sends it and neither the editor nor an input box binds it (ctrl+e and
    # F6 are the editor's end-of-line and select-line keys).
    KeySpec("open_tests", "ctrl+r", "open_tests", "Tests",
            "open the Tests view of the agent: its cases, saved file against buffer", show=False),
)

# The transcript browser's ("transcripts.") and viewer's ("transcript.") own keys, bound on those
# screens only; they share the table so F1 lists them and `[keys]` remaps them like any other.
TRANSCRIPT_KEYS: tuple[KeySpec, ...] = (
    KeySpec("transcripts.filter", "slash", "focus_query", "Filter",
            "transcript browser: move to the filter and search box"),
    KeySpec("transcripts.back", "escape", "back", "Back",
            "transcript browser: back to the table, or leave the browser"),
    KeySpec("transcripts.to_table", "down", "focus_table", "Table",
            "transcript browser: from the filter box down to the table", show=False),
    KeySpec("transcript.next_call", "n", "next_call", "Next call", "transcript: next tool call"),
    KeySpec("transcript.previous_call", "p", "previous_call", "Prev call",
            "transcript: previous tool call"),
    KeySpec("transcript.filter_errors", "e", "filter_errors", "Errors",
            "transcript: only failed or denied calls and errors (again: everything)"),
    KeySpec("transcript.filter_tool", "t", "filter_tool", "Tool",
            "transcript: only one tool's calls, cycling through the tools used"),
    KeySpec("transcript.filter_subagent", "a", "filter_subagent", "Subagent",
            "transcript: only one subagent call, cycling through them"),
    KeySpec("transcript.agent_as_run", "o", "agent_as_run", "Agent as run",
            "transcript of a workbench run: the agent's definition exactly as it was run"),
    KeySpec("transcript.rerun_today", "r", "rerun_today", "Re-run today",
            "transcript of a workbench run: its first prompt again, with today's definition"),
    KeySpec("transcript.back", "escape", "back", "Back",
            "transcript: clear the filter, or leave the transcript"),
)

# The chat pane's keys and those of its parts (also in the compare screen and the transcript
# viewer, which show the same blocks).
CHAT_KEYS: tuple[KeySpec, ...] = (
    KeySpec("chat.cancel", "escape", "cancel", "Cancel run",
            "cancel the running turn (with none running, Esc goes on to the screen)"),
    KeySpec("chat.previous_run", "f9", "previous_run", "Previous run",
            "show the run before the one shown"),
    KeySpec("chat.next_run", "shift+f9", "next_run", "Next run",
            "show the run after the one shown"),
    KeySpec("chat.block.toggle", "enter", "toggle", "Expand/collapse",
            "tool call or thinking block under the cursor (chat, compare, transcript): expand or "
            "collapse it"),
    KeySpec("chat.permission.yes", "y", "answer('allow')", "Allow once",
            "allow this call once"),
    KeySpec("chat.permission.always", "a", "answer('allow_always')", "Always allow",
            "allow this tool (or command prefix) for the rest of the session"),
    KeySpec("chat.permission.no", "n", "deny", "Deny",
            "deny; type a reason for the model and Enter sends it"),
    KeySpec("chat.permission.no_reason", "escape", "deny_without_reason", "No reason",
            "while typing a reason: deny without one", show=False),
)

# The keys of the screens and dialogs pushed over the main screen.
SCREEN_KEYS: tuple[KeySpec, ...] = (
    KeySpec("help.close", "escape,f1,q", "close", "Close", "close this table"),
    KeySpec("compare.close", "escape", "cancel_or_close", "Cancel / close",
            "cancel the two runs while they go, then close the comparison"),
    KeySpec("generate.save", "ctrl+s", "save", "Save",
            "save the checked definition", priority=True),
    KeySpec("generate.close", "escape", "close", "Close", "close, not saving"),
    KeySpec("dialog.cancel", "escape", "cancel", "Cancel",
            "pickers, new agent and name prompts: close without choosing"),
    KeySpec("confirm.yes", "y", "answer(True)", "Yes", "yes"),
    KeySpec("confirm.no", "n,escape", "answer(False)", "No", "no"),
    KeySpec("diff.close", "escape,q", "close", "Close",
            "close, back to the banner's choice"),
    KeySpec("agent_as_run.close", "escape", "close", "Back",
            "back to the transcript"),
    KeySpec("tests.run_all", "r", "run_all", "Run all",
            "Tests view: run every case, saved file and buffer"),
    KeySpec("tests.run_buffer", "b", "run_buffer", "Run buffer",
            "Tests view: run every case with the buffer only (the saved file's numbers stay)"),
    KeySpec("tests.run_case", "c", "run_case", "Run case",
            "Tests view: run the selected case, saved file and buffer"),
    KeySpec("tests.cancel", "x", "cancel", "Cancel", "Tests view: cancel the run"),
    KeySpec("tests.samples", "enter", "samples", "Samples",
            "Tests view: the selected case's samples, each with its failures and transcript",
            priority=True),
    KeySpec("tests.close", "escape", "cancel_or_close", "Cancel / close",
            "Tests view: cancel the run while it goes, then close the view"),
    KeySpec("test_samples.transcript", "t,enter", "transcript", "Transcript",
            "test samples: open the selected sample's transcript", priority=True),
    KeySpec("test_samples.close", "escape", "close", "Back", "test samples: back to the Tests view"),
    KeySpec("unsaved.save", "s", "answer('save')", "Save all", "save every unsaved file, then quit"),
    KeySpec("unsaved.discard", "d", "answer('discard')", "Discard",
            "quit, leaving the files as they are on disk"),
    KeySpec("unsaved.cancel", "c,escape", "answer('cancel')", "Cancel",
            "back to the app, every edit kept"),
    KeySpec("unsaved.previous", "left,shift+tab", "app.focus_previous", "Previous button",
            "the previous button", show=False),
    KeySpec("unsaved.next", "right,tab", "app.focus_next", "Next button", "the next button",
            show=False),
)

ALL_KEYS: tuple[KeySpec, ...] = APP_KEYS + TRANSCRIPT_KEYS + CHAT_KEYS + SCREEN_KEYS

# Where each binding works, by the part of its id before the last dot; F1 groups the keys so.
PLACES: dict[str, str] = {
    "": "App",
    "chat": "Chat",
    "chat.block": "Chat blocks",
    "chat.permission": "Permission prompt",
    "transcripts": "Transcript browser",
    "transcript": "Transcript",
    "agent_as_run": "Definition as run",
    "compare": "Compare",
    "generate": "Generate agent",
    "diff": "Difference view",
    "confirm": "Yes/no question",
    "dialog": "Dialogs",
    "help": "Keys (F1)",
    "unsaved": "Quit with unsaved edits",
    "tests": "Tests view",
    "test_samples": "Test samples",
}


def place(spec: KeySpec) -> str:
    """Where `spec` works, as F1 names it: "App" for the app's and the main screen's keys."""
    return PLACES[spec.id.rpartition(".")[0]]


def bindings(on_app: bool) -> list[Binding]:
    """The app's (or the main screen's) bindings, each with its id so `App.set_keymap` remaps it."""
    return [
        Binding(spec.key, spec.action, spec.label, show=spec.show, priority=spec.priority,
                id=spec.id)
        for spec in APP_KEYS if spec.on_app == on_app
    ]


def screen_bindings(prefix: str) -> list[Binding]:
    """The bindings whose ids are `prefix` and a name ("transcript." gives "transcript.next_call",
    not "transcripts.filter" nor "chat.block.toggle" for "chat.")."""
    return [
        Binding(spec.key, spec.action, spec.label, show=spec.show, priority=spec.priority,
                id=spec.id)
        for spec in ALL_KEYS if spec.id.rpartition(".")[0] + "." == prefix
    ]


def effective_keys(keymap: dict[str, str]) -> dict[str, str]:
    """Binding id -> the key(s) in force: the settings' `[keys]` over the defaults."""
    return {spec.id: keymap.get(spec.id, spec.key) for spec in ALL_KEYS}

