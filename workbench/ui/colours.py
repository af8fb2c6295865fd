"""How the eight agent colours of Claude Code look in the terminal."""

from __future__ import annotations

AGENT_COLOURS: dict[str, str] = {
    "red": "#e5534b",
    "blue": "#539bf5",
    "green": "#57ab5a",
    "yellow": "#c69026",
    "purple": "#986ee2",
    "orange": "#e0823d",
    "pink": "#e275ad",
    "cyan": "#39c5cf",
}


def swatch_colour(color: object) -> str | None:
    """The display colour of an agent's `color` value; None for automatic or an invalid value."""
    return AGENT_COLOURS.get(color) if isinstance(color, str) else None
