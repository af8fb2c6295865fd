"""The settings file's `[keys]` table checked before it reaches `App.set_keymap`.

Textual takes any string as a key: a typo (`quit = "contrl+q"`) silently leaves quit with no key, and
two ids on one key leave one of them dead. Here each entry is checked against every binding of
`keymap.ALL_KEYS`; a bad entry is left out (its binding keeps its default key) and named in a notice.

Bindings that can be pressed at the same time must not share a key: the app-wide ones (`on_app`)
with every other; the main screen's (ids without a dot) among themselves; a screen's own
(`transcripts.*`, `transcript.*`, …, by the part before the dot) among themselves. When an entry
takes a key another binding keeps by default, the entry loses; when two entries take one key, the
later one in the file loses.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import NamedTuple

from textual.keys import (
    ASCII_KEY_NAMES,
    KEY_ALIASES,
    KEY_NAME_REPLACEMENTS,
    Keys,
    _character_to_key,
    key_to_character,
)

from workbench.ui.keymap import ALL_KEYS, KeySpec

MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")
# Without these the app cannot be left, helped or driven from the palette.
ESSENTIAL_IDS = frozenset({"quit", "help", "command_palette"})

_KEY_NAMES = frozenset(
    {key.value.rpartition("+")[2] for key in Keys if not key.value.startswith("<")}
    | set(KEY_NAME_REPLACEMENTS.values()) | set(ASCII_KEY_NAMES.values())
    | {name for alias, names in KEY_ALIASES.items() for name in (alias, *names) if "+" not in name}
)


class KeymapCheck(NamedTuple):
    """The `[keys]` entries in force (normalised as Textual names keys) and a notice per bad one."""

    keys: dict[str, str]
    problems: list[str]


class BadKey(ValueError):
    """A key string Textual would accept but no key press can match; `str()` says why."""


def normalise_key(value: str) -> str:
    """`value` ("ctrl+s", "f7, ctrl+.") as Textual names the keys it binds ("f7,ctrl+full_stop").

    Raises `BadKey` for an empty key, an unknown modifier or a name that is no key.
    """
    keys: list[str] = []
    for raw in value.split(","):
        key = raw.strip()
        if not key:
            raise BadKey("an empty key" if not value.strip() else "an empty key between commas")
        if key == "+" or key.endswith("++"):  # the plus key itself, as in "ctrl++"
            modifiers, name = (key[:-2].split("+") if key != "+" else []), "+"
        else:
            *modifiers, name = key.split("+")
        if not name:
            raise BadKey(f"no key after {key!r}")
        for modifier in modifiers:
            if modifier not in MODIFIERS:
                raise BadKey(f"{modifier!r} is not a modifier ({', '.join(MODIFIERS)})")
        if len(name) == 1:
            name = _character_to_key(name)
        elif name not in _KEY_NAMES and key_to_character(name) is None:
            raise BadKey(f"{name!r} is not a key name (e.g. f1, ctrl+q, escape, full_stop)")
        # Textual reports modifiers in alphabetical order; a binding must use the same.
        normal = "+".join([*sorted(set(modifiers)), name])
        if normal not in keys:
            keys.append(normal)
    return ",".join(keys)


def check_keymap(keymap: Mapping[str, object], specs: tuple[KeySpec, ...] = ALL_KEYS) -> KeymapCheck:
    """The entries of `[keys]` that can be applied, and one line for each that cannot."""
    by_id = {spec.id: spec for spec in specs}
    problems: list[str] = []
    wanted: dict[str, str] = {}
    for key_id, value in keymap.items():
        entry = f"[keys] {key_id} = {_shown(value)}"
        spec = by_id.get(key_id)
        if spec is None:
            problems.append(f"{entry}: no binding has this id (F1 lists the ids)")
        elif not isinstance(value, str):
            problems.append(f"{entry}: a key must be a string, e.g. \"ctrl+q\"; {_keeps(spec)}")
        else:
            try:
                wanted[key_id] = normalise_key(value)
            except BadKey as exc:
                problems.append(f"{entry}: {exc}; {_keeps(spec)}")

    entries = list(wanted)  # file order: the later of two entries on one key loses
    while clash := _first_clash(wanted, entries, specs):
        loser, holder, key = clash
        spec = by_id[loser]
        if holder in wanted:
            why = f"{key} is taken by [keys] {holder} = {_shown(keymap[holder])}"
        elif holder in ESSENTIAL_IDS:
            why = f"{key} is {holder}'s key, which would leave {holder} with no key"
        else:
            why = f"{key} is already {holder}'s key"
        problems.append(f"[keys] {loser} = {_shown(keymap[loser])}: {why}; {_keeps(spec)}")
        del wanted[loser]
        entries.remove(loser)
    return KeymapCheck({key_id: wanted[key_id] for key_id in entries}, problems)


def _first_clash(wanted: dict[str, str], entries: list[str],
                 specs: tuple[KeySpec, ...]) -> tuple[str, str, str] | None:
    """(the entry that loses, the binding that keeps the key, the key) for the first clash."""
    by_id = {spec.id: spec for spec in specs}
    in_force = {spec.id: set((wanted.get(spec.id) or spec.key).split(",")) for spec in specs}
    # An entry that names its binding's default key moves nothing, so it never loses.
    moved = [key_id for key_id in entries if wanted[key_id] != by_id[key_id].key]
    for position, key_id in enumerate(moved):
        for other in specs:
            if other.id == key_id or not _together(by_id[key_id], other):
                continue
            shared = in_force[key_id] & in_force[other.id]
            if not shared:
                continue
            key = sorted(shared)[0]
            if other.id in moved and moved.index(other.id) > position:
                return other.id, key_id, key
            return key_id, other.id, key
    return None


def _together(a: KeySpec, b: KeySpec) -> bool:
    """Whether the two bindings can be active at once (so must not share a key)."""
    return a.on_app or b.on_app or a.id.rpartition(".")[0] == b.id.rpartition(".")[0]


def _keeps(spec: KeySpec) -> str:
    return f"{spec.id} keeps {spec.key}"


def _shown(value: object) -> str:
    """The value as it reads in the TOML file (near enough for a notice)."""
    return json.dumps(value, ensure_ascii=False, default=str)
