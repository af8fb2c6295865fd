"""Bad `[keys]` entries: each is named in a notice and its binding keeps its default key."""

from __future__ import annotations

import pytest

from tests.ui.helpers import screen_text, settle
from workbench.settings import load_settings
from workbench.ui.key_settings import ESSENTIAL_IDS, check_keymap, normalise_key
from workbench.ui.keymap import ALL_KEYS


@pytest.mark.parametrize(("value", "why"), [
    ("ctrl+qq", "'qq' is not a key name"),
    ("contrl+q", "'contrl' is not a modifier"),
    ("", "an empty key"),
    ("ctrl+", "no key after 'ctrl+'"),
    ("f7,,f8", "an empty key between commas"),
])
def test_a_key_textual_cannot_match_is_named_and_the_default_stays(value, why):
    checked = check_keymap({"quit": value, "save": "ctrl+w"})

    assert checked.keys == {"save": "ctrl+w"}
    assert len(checked.problems) == 1
    assert checked.problems[0].startswith(f'[keys] quit = "{value}": {why}')
    assert checked.problems[0].endswith("quit keeps ctrl+q")


def test_an_unknown_id_and_a_value_that_is_not_a_string_are_named():
    checked = check_keymap({"sav": "ctrl+w", "help": 5})

    assert checked.keys == {}
    assert checked.problems == [
        '[keys] sav = "ctrl+w": no binding has this id (F1 lists the ids)',
        '[keys] help = 5: a key must be a string, e.g. "ctrl+q"; help keeps f1',
    ]


def test_the_settings_file_reports_a_key_that_is_not_a_string(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[keys]\nquit = 17\nsave = "ctrl+w"\nhelp = ["f1", "f2"]\n')
    settings = load_settings(path)

    assert settings.keys == {"save": "ctrl+w"}
    assert settings.problems == [
        '[keys] quit = 17: a key must be a string, e.g. "ctrl+q"; quit keeps its default key',
        '[keys] help = ["f1", "f2"]: a key must be a string, e.g. "ctrl+q"; help keeps its default key',
    ]


def test_two_entries_on_one_key_the_later_loses_and_both_are_named():
    checked = check_keymap({"save": "ctrl+w", "new_agent": "ctrl+w"})

    assert checked.keys == {"save": "ctrl+w"}
    assert checked.problems == ['[keys] new_agent = "ctrl+w": ctrl+w is taken by [keys] save = "ctrl+w"; '
                                "new_agent keeps ctrl+n"]


def test_a_key_another_binding_keeps_is_refused():
    checked = check_keymap({"focus_chat": "f9"})

    assert checked.keys == {}
    assert checked.problems == ['[keys] focus_chat = "f9": f9 is already previous_run\'s key; '
                                "focus_chat keeps f4"]


@pytest.mark.parametrize("essential", sorted(ESSENTIAL_IDS))
def test_no_entry_can_leave_an_essential_binding_without_a_key(essential):
    default = next(spec.key for spec in ALL_KEYS if spec.id == essential)
    checked = check_keymap({"save": default})

    assert checked.keys == {}
    assert f"which would leave {essential} with no key" in checked.problems[0]


def test_two_ids_on_f1_leave_help_on_f1():
    checked = check_keymap({"focus_sidebar": "f1", "help": "f1"})

    assert checked.keys == {"help": "f1"}
    assert checked.problems == ['[keys] focus_sidebar = "f1": f1 is taken by [keys] help = "f1"; '
                                "focus_sidebar keeps f2"]


def test_keys_may_be_swapped_and_screens_may_reuse_a_key():
    swapped = check_keymap({"save": "ctrl+n", "new_agent": "ctrl+s"})
    assert swapped == (({"save": "ctrl+n", "new_agent": "ctrl+s"}), [])
    # An app-wide key works over every screen, so it may not take a key a screen uses: quit on
    # ctrl+s would fire in the generate screen instead of its save.
    refused = check_keymap({"save": "ctrl+q", "quit": "ctrl+s"})
    assert refused.keys == {}
    assert "ctrl+s is already generate.save's key; quit keeps ctrl+q" in refused.problems[0]
    # The browser's and the viewer's keys are never active together; app-wide keys always are.
    screens = check_keymap({"transcripts.filter": "j", "transcript.next_call": "j",
                            "transcript.previous_call": "ctrl+t"})
    assert screens.keys == {"transcripts.filter": "j", "transcript.next_call": "j"}
    assert "ctrl+t is already browse_transcripts's key" in screens.problems[0]


def test_keys_are_written_as_textual_names_them():
    assert normalise_key(" f7, ctrl+. ") == "f7,ctrl+full_stop"
    assert normalise_key("shift+ctrl+up") == "ctrl+shift+up"
    assert normalise_key("ctrl++") == "ctrl+plus"
    assert normalise_key("/") == "slash"


def test_every_default_key_is_valid_and_no_two_defaults_clash():
    for spec in ALL_KEYS:
        assert normalise_key(spec.key) == spec.key, spec.id
    # Naming every binding's own default is accepted without a word.
    assert check_keymap({spec.id: spec.key for spec in ALL_KEYS}).problems == []


async def test_ctrl_q_still_quits_with_a_misspelt_quit_key_and_a_notice_says_so(make_app, fixed_settings):
    fixed_settings.write_text(fixed_settings.read_text() + '\n[keys]\nquit = "contrl+q"\n')
    app = make_app(settings=load_settings())
    async with app.run_test(size=(160, 30), notifications=True) as pilot:
        await settle(pilot)
        notices = [n.message for n in app._notifications]
        assert any(n.startswith('[keys] quit = "contrl+q": ') for n in notices), notices
        assert '[keys] quit = "contrl+q"' in screen_text(app)  # shown as written, not read as markup
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app._exit
