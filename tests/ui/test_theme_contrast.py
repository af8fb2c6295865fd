"""Every bundled theme's text colours meet WCAG 2.x AA contrast (4.5:1) on the backgrounds the app
puts them on (issue 11: the light theme's warnings were hard to read on white)."""

from __future__ import annotations

import pytest
from textual.color import Color

from workbench.paths import bundled_themes_dir
from workbench.ui.themes import THEME_VARIABLES, load_themes

AA = 4.5

# Colours the app (or Textual's widgets in it) writes text in: the theme's own, the shades Textual
# derives for text (`$text-muted`, `$text-warning`, the footer's), and ours (tool names, findings).
TEXT = ("foreground", "text", "text-muted", "primary", "secondary", "accent", "warning", "error",
        "success", "text-primary", "text-secondary", "text-accent", "text-warning", "text-error",
        "text-success", "footer-key-foreground", "footer-description-foreground",
        *THEME_VARIABLES)
# The screens, the dialogs, inputs and tables, and the title bars and footer.
BACKGROUNDS = ("background", "surface", "panel")

THEMES = load_themes([bundled_themes_dir()]).themes


def relative_luminance(colour: Color) -> float:
    """WCAG 2.x relative luminance of an sRGB colour (0 black, 1 white)."""
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(colour.r) + 0.7152 * linear(colour.g) + 0.0722 * linear(colour.b)


def contrast_ratio(one: Color, other: Color) -> float:
    """WCAG 2.x contrast ratio of two opaque colours, from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def as_drawn(value: str, background: Color) -> Color:
    """A theme value as the terminal shows it on `background`: "auto 60%" is Textual's contrasting
    black or white at that opacity, and a translucent colour is blended onto the background."""
    if value.startswith("auto"):
        _, _, percent = value.partition(" ")
        colour = background.get_contrast_text(float(percent.rstrip("%") or 100) / 100)
    else:
        colour = Color.parse(value)
    return background.blend(colour.with_alpha(1), colour.a) if colour.a < 1 else colour


def theme_values(name: str) -> dict[str, str]:
    """Every CSS variable of a bundled theme, with the shades Textual derives from it."""
    theme = THEMES[name]
    values = theme.to_color_system().generate()
    values.update(theme.variables)
    return values


def test_the_contrast_ratio_is_wcag_s():
    black, white = Color(0, 0, 0), Color(255, 255, 255)
    assert contrast_ratio(black, white) == pytest.approx(21.0)
    assert contrast_ratio(white, white) == pytest.approx(1.0)
    # WCAG's own example threshold: #767676 is the lightest grey with 4.5:1 on white.
    assert contrast_ratio(Color.parse("#767676"), white) == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio(Color.parse("#777777"), white) < AA


@pytest.mark.parametrize("name", sorted(THEMES))
def test_every_text_colour_of_every_bundled_theme_reads_on_its_backgrounds(name):
    values = theme_values(name)
    failing = []
    for background_name in BACKGROUNDS:
        background = Color.parse(values[background_name])
        for text in TEXT:
            ratio = contrast_ratio(as_drawn(values[text], background), background)
            if ratio < AA:
                failing.append(f"${text} on ${background_name}: {ratio:.2f}")
    assert failing == []


@pytest.mark.parametrize("name", sorted(THEMES))
def test_the_failed_and_denied_labels_read_on_their_badges(name):
    # The tool call block's status labels: "bold $text on $error", "bold $text on $warning 70%".
    values = theme_values(name)
    background = Color.parse(values["background"])
    for badge in (Color.parse(values["error"]), background.blend(Color.parse(values["warning"]), 0.7)):
        assert contrast_ratio(as_drawn(values["text"], badge), badge) >= AA


def test_every_bundled_theme_is_checked():
    assert {"workbench-dark", "workbench-light", "workbench-midnight"} <= set(THEMES)
