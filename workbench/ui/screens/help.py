"""F1: every key binding, its id (for the settings file's `[keys]`) and what it does."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.keys import format_key
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from workbench.ui.keymap import ALL_KEYS, place, screen_bindings


def readable_keys(keys: str) -> str:
    """Binding keys as a person types them: "ctrl+full_stop,slash,escape" -> "ctrl+., /, esc".

    Named keys that stand for one ASCII character show as that character; escape shows as the
    key cap's "esc"; the rest (enter, f9) keep their names.
    """
    shown = []
    for key in keys.split(","):
        *modifiers, name = key.strip().split("+")
        char = format_key(name)
        if len(char) == 1 and char.isascii() and char.isprintable():
            name = char
        elif name == "escape":
            name = "esc"
        shown.append("+".join([*modifiers, name]))
    return ", ".join(shown)


class HelpScreen(ModalScreen[None]):
    """A table of the keys in force; escape or F1 closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 96%; max-width: 130; height: auto; max-height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    HelpScreen DataTable { height: auto; max-height: 80vh; }
    """
    BINDINGS = screen_bindings("help.")

    def __init__(self, keys: dict[str, str]) -> None:
        super().__init__()
        self._keys = keys

    def compose(self) -> ComposeResult:
        with Vertical():
            # Escaped: "[keys]" is otherwise read as Rich markup and vanishes.
            yield Label(escape("Keys — remap any of them in the settings file under [keys], by id"))
            yield DataTable(id="help-keys", cursor_type="row", zebra_stripes=True)
            yield Label("ctrl+p opens the command palette: agent, fix, edit, file, theme, view …")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        keys = {spec.id: readable_keys(self._keys.get(spec.id, spec.key)) for spec in ALL_KEYS}
        # The key and id columns as wide as their longest entry; what a key does gets the rest of
        # the dialog's width and wraps there, so nothing is cut in a narrow terminal.
        key_width = max(len("key"), *(len(k) for k in keys.values()))
        id_width = max(len("id"), *(len(spec.id) for spec in ALL_KEYS))
        dialog = min(130, self.app.size.width * 96 // 100)
        # Dialog border and padding (4), the table's scrollbar (2), three cell paddings (6).
        does_width = max(20, dialog - 4 - 2 - 6 - key_width - id_width)
        table.add_column("key", width=key_width)
        table.add_column("id", width=id_width)
        table.add_column("does", width=does_width)
        places: dict[str, list] = {}
        for spec in ALL_KEYS:
            places.setdefault(place(spec), []).append(spec)
        for where, specs in places.items():
            # A heading row per place the keys work; the rows are keyed by binding id.
            table.add_row(Text(where, style="bold"), "", "", key=f"place:{where}")
            for spec in specs:
                # Text, not str: a DataTable reads str cells as markup, and a key may be "ctrl+[".
                table.add_row(Text(keys[spec.id]), spec.id, Text(spec.help), key=spec.id,
                              height=None)

    def action_close(self) -> None:
        self.dismiss(None)
