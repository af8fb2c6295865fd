"""Keys: every binding has an id, shows in the footer and the F1 help, and is remappable."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys

from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import DataTable

import workbench.ui
from tests.ui.helpers import screen_text, settle
from workbench.settings import load_settings
from workbench.ui.key_settings import check_keymap
from workbench.ui.keymap import ALL_KEYS, APP_KEYS, effective_keys
from workbench.ui.screens.help import HelpScreen, readable_keys

REQUIRED = {"help": "f1", "focus_sidebar": "f2", "focus_editor": "f3", "focus_chat": "f4",
            "run_agent": "f5", "save": "ctrl+s", "new_agent": "ctrl+n", "command_palette": "ctrl+p",
            "quit": "ctrl+q"}


def test_the_issue_s_keys_are_bound_with_ids():
    keys = {spec.id: spec.key for spec in APP_KEYS}
    assert {k: keys[k] for k in REQUIRED} == REQUIRED
    assert len(keys) == len(APP_KEYS)  # ids are unique


def test_settings_keys_override_the_defaults_and_typos_are_named():
    keymap = {"save": "ctrl+w", "sav": "ctrl+x"}
    assert effective_keys(keymap)["save"] == "ctrl+w"
    checked = check_keymap(keymap)
    assert [p.split(" = ")[0] for p in checked.problems] == ["[keys] sav"]
    assert "no binding has this id" in checked.problems[0]


async def test_the_footer_shows_the_bindings(make_app):
    app = make_app()
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        for label in ("f1 Help", "f2 Agents", "f3 Editor", "f4 Chat", "f5 Run", "^s Save", "^n New",
                      "^q Quit", "^p Palette"):
            assert label in footer


async def test_f1_lists_every_binding_with_its_id_and_closes_again(make_app):
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        # The transcript screens' keys are listed too, so they can be remapped by id.
        assert set(f1_rows(app)) == {spec.id for spec in ALL_KEYS}
        await pilot.press("f1")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_a_key_remapped_in_the_settings_file_works_and_the_old_one_does_not(
        make_app, fixed_settings, agents_dir):
    fixed_settings.write_text(fixed_settings.read_text() + '\n[keys]\nsave = "ctrl+w"\n')
    app = make_app(settings=load_settings())
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        editor = app.main_screen.editor
        editor.focus()
        await pilot.press("end", "x")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.main_screen.dirty
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert not app.main_screen.dirty
        assert "^w Save" in screen_text(app).splitlines()[-1]


async def test_f2_and_f3_move_between_the_list_and_the_editor(make_app):
    app = make_app()
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        assert app.focused.id == "agent-tree"
        await pilot.press("f3")
        assert app.focused.id == "editor"


async def test_shift_f2_reaches_the_agent_filter_from_the_editor_and_typing_filters(make_app):
    app = make_app()
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f3", "shift+f2")
        assert app.focused.id == "agent-filter"
        before = app.main_screen.editor.text
        await pilot.press(*"review")
        await pilot.pause(0.2)
        assert app.focused.value == "review"
        assert app.main_screen.editor.text == before  # the keys went to the box, not the editor


async def test_f4_and_f5_are_bound_for_the_chat_pane_and_harmless_before_it(make_app):
    app = make_app()
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f4", "f5")
        await pilot.pause()
        assert app.main_screen.editor.text  # still there, nothing broke


async def test_f1_names_the_keys_table_and_shows_keys_as_typed(make_app, fixed_settings):
    # Issue 11: the title read "under , by id" ([keys] eaten as markup) and keys showed as
    # "ctrl+full_stop".
    fixed_settings.write_text(fixed_settings.read_text() + '\n[keys]\nprevious_run = "shift+f9"\n')
    app = make_app(settings=load_settings())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "settings file under [keys], by id" in screen_text(app)
        table = app.screen.query_one(DataTable)
        shown = {str(table.get_row_at(i)[1]): str(table.get_row_at(i)[0])
                 for i in range(table.row_count)}
        assert shown["quick_fix"] == "f7, ctrl+."
        assert shown["previous_run"] == "shift+f9"
        assert shown["transcripts.filter"] == "/"
        assert shown["transcripts.back"] == "esc"


def f1_rows(app) -> dict[str, tuple[str, str, str]]:
    """The F1 table's binding rows by id: (key as shown, id, what it does); headings left out."""
    table = app.screen.query_one(DataTable)
    rows = {}
    for row_key in table.rows:
        if not row_key.value.startswith("place:"):
            rows[row_key.value] = tuple(str(cell) for cell in table.get_row(row_key))
    return rows


def our_dom_classes() -> list[type[DOMNode]]:
    """Every App, Screen and Widget class defined in workbench.ui (each module imported)."""
    for module in pkgutil.walk_packages(workbench.ui.__path__, "workbench.ui."):
        importlib.import_module(module.name)
    found = set()
    for name, module in list(sys.modules.items()):
        if not name.startswith("workbench.ui"):
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, DOMNode) and cls.__module__.startswith("workbench."):
                found.add(cls)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def own_bindings(cls: type[DOMNode]) -> list[Binding]:
    """The bindings `cls` itself declares (not those inherited from Textual's widgets)."""
    return list(Binding.make_bindings(cls.__dict__.get("BINDINGS", [])))


async def test_f1_lists_every_binding_of_every_screen_and_widget_with_the_key_in_force(make_app):
    # Issue 11: F1 left out the chat's keys (Esc, shift+F9, y/a/n, Enter to expand). Walking the
    # classes means a binding added anywhere in the UI without a row in the table fails here.
    classes = our_dom_classes()
    declared = [(cls, binding) for cls in classes for binding in own_bindings(cls)]
    assert {cls.__name__ for cls, _ in declared} >= {
        "ChatPane", "PermissionPrompt", "ToolCallBlock", "ThinkingTitle", "CompareScreen",
        "GenerateScreen", "ConfirmDialog", "TranscriptBrowser", "TranscriptScreen", "HelpScreen"}
    specs = {spec.id: spec for spec in ALL_KEYS}
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        rows = f1_rows(app)
    for cls, binding in declared:
        where = f"{cls.__qualname__} {binding.key} -> {binding.action}"
        assert binding.id in rows, f"{where}: no id, or no row in F1"
        # A binding "n,escape" is made into one binding per key.
        assert binding.key in specs[binding.id].key.split(","), where
        assert specs[binding.id].action == binding.action, where
        assert readable_keys(binding.key) in rows[binding.id][0].split(", "), where


def test_no_key_is_handled_outside_the_bindings_table():
    # A key read in on_key (or a key_ method) would work without F1 knowing it or [keys] moving it.
    handlers = [f"{cls.__qualname__}.{name}" for cls in our_dom_classes() for name in vars(cls)
                if name in ("on_key", "_on_key") or name.startswith("key_")]
    assert handlers == []


async def test_f1_groups_the_keys_by_where_they_work_with_the_chat_keys_readable(make_app):
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        order = [row_key.value for row_key in table.rows]
        rows = f1_rows(app)
    assert {rows[i][0] for i in ("chat.cancel", "chat.next_run", "chat.permission.yes",
                                 "chat.permission.always", "chat.permission.no",
                                 "chat.block.toggle")} == {"esc", "shift+f9", "y", "a", "n", "enter"}
    headings = [key for key in order if key.startswith("place:")]
    assert headings[:3] == ["place:App", "place:Transcript browser", "place:Transcript"]
    assert {"place:Chat", "place:Permission prompt", "place:Compare"} <= set(headings)
    # Each key sits under its own heading: the permission keys after "Permission prompt".
    heading_of = {}
    current = None
    for key in order:
        if key.startswith("place:"):
            current = key
        else:
            heading_of[key] = current
    assert heading_of["chat.permission.yes"] == "place:Permission prompt"
    assert heading_of["chat.cancel"] == "place:Chat"
    assert heading_of["quit"] == "place:App"


async def test_a_dialog_key_remapped_in_the_settings_file_works_and_f1_shows_it(
        make_app, fixed_settings):
    from workbench.ui.screens.new_agent import NewAgentDialog

    fixed_settings.write_text(fixed_settings.read_text() + '\n[keys]\n"dialog.cancel" = "ctrl+g"\n')
    app = make_app(settings=load_settings())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, NewAgentDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, NewAgentDialog)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert app.screen is app.main_screen
        await pilot.press("f1")
        await pilot.pause()
        assert f1_rows(app)["dialog.cancel"][0] == "ctrl+g"


async def test_f1_at_80x24_wraps_what_a_key_does_instead_of_cutting_it(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        text = screen_text(app)
        # "run the chat task against two variants side by side" does not fit one line at 80
        # columns: all of it is on screen, over two or three lines of its row.
        assert "against two variants" in text and "side by side" in text
        does = table.ordered_columns[2]
        assert does.width >= 20
        assert sum(c.get_render_width(table) for c in table.ordered_columns) <= table.size.width
