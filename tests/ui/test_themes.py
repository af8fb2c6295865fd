"""Themes: the bundled YAML files, user themes, and bad theme files."""

from __future__ import annotations

from pathlib import Path

from workbench.paths import bundled_themes_dir
from workbench.settings import Settings, load_settings
from workbench.ui.themes import THEME_VARIABLES, load_theme_file, load_themes, user_themes_dir


def _user_theme(name: str, text: str) -> Path:
    """Write a theme file into the user's themes folder (made here); its path."""
    folder = user_themes_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def _watching() -> Settings:
    """The test settings with the file watchers on (the UI tests turn them off)."""
    settings = load_settings()
    settings.watch_files = True
    return settings


async def _choose_in_palette(pilot, command: str) -> None:
    """Once the app has settled, run a palette command as a person types it."""
    from tests.ui.helpers import settle

    await settle(pilot)
    await pilot.press("ctrl+p")
    await pilot.press(*command)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()


def test_at_least_three_bundled_themes_one_light_all_defining_every_variable():
    loaded = load_themes([bundled_themes_dir()])
    assert loaded.problems == []
    assert len(loaded.themes) >= 3
    assert any(not theme.dark for theme in loaded.themes.values())
    for path in bundled_themes_dir().glob("*.yaml"):
        import yaml

        declared = yaml.safe_load(path.read_text())["variables"]
        assert set(THEME_VARIABLES) <= set(declared), path.name


def test_a_user_theme_is_loaded_and_overrides_a_bundled_one_of_the_same_name():
    _user_theme("mine.yaml", "name: workbench-dark\nprimary: '#ff0000'\ndark: true\n")
    loaded = load_themes()
    assert loaded.themes["workbench-dark"].primary == "#ff0000"
    # Variables a user theme leaves out fall back to the defaults, so every pane still works.
    assert loaded.themes["workbench-dark"].variables["diag-error"] == THEME_VARIABLES["diag-error"]


def test_bad_theme_files_become_problems_not_exceptions(tmp_path):
    (tmp_path / "broken.yaml").write_text("name: [unclosed\n")
    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    (tmp_path / "colour.yaml").write_text("name: c\nprimary: not-a-colour\n")
    (tmp_path / "noprimary.yaml").write_text("name: d\n")
    (tmp_path / "binary.yaml").write_bytes(b"\xff\xfe\x00")
    loaded = load_themes([tmp_path])
    assert loaded.themes == {}
    assert len(loaded.problems) == 5
    assert any("not valid YAML at line" in p for p in loaded.problems)
    assert any("'not-a-colour' is not a colour" in p for p in loaded.problems)


def test_a_theme_file_without_a_name_is_named_after_the_file(tmp_path):
    path = tmp_path / "sunrise.yaml"
    path.write_text("primary: '#123456'\ndark: false\n")
    theme = load_theme_file(path)
    assert theme.name == "sunrise" and not theme.dark


async def test_the_app_reports_a_bad_user_theme_and_still_starts(make_app):
    _user_theme("broken.yaml", "primary: [\n")
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "workbench-dark"
        assert any("broken.yaml" in n.message for n in app._notifications)


async def test_the_theme_is_switched_from_the_palette_and_recolours_diagnostics(make_app):
    app = make_app("test-runner.md")
    async with app.run_test(size=(120, 30)) as pilot:
        await _choose_in_palette(pilot, "theme: workbench-light")
        assert app.theme == "workbench-light"
        styles = app.main_screen.editor._theme.syntax_styles
        light = load_theme_file(bundled_themes_dir() / "workbench-light.yaml")
        assert styles["diag.warning"].color.name == light.variables["diag-warning"]


async def test_the_theme_chosen_in_the_palette_is_remembered_for_the_next_start(
        make_app, fixed_settings):
    before = fixed_settings.read_text()
    app = make_app("test-runner.md", settings=load_settings())
    async with app.run_test(size=(120, 30)) as pilot:
        await _choose_in_palette(pilot, "theme: workbench-light")
    assert load_settings().theme == "workbench-light"
    # Only the theme line changed: every other line of the file is as it was.
    after = fixed_settings.read_text()
    assert [line for line in after.splitlines() if not line.startswith("theme")] == \
        [line for line in before.splitlines() if not line.startswith("theme")]


def test_saving_the_theme_touches_only_its_line_or_adds_one_before_the_tables(tmp_path):
    from workbench.settings import save_theme

    path = tmp_path / "settings.toml"
    path.write_text('# mine\ntheme = "workbench-dark"  # the usual\ndefault_model = "opus"\n\n'
                    '[keys]\ntheme = "not this one"\n')
    save_theme(path, "workbench-light")
    assert path.read_text() == ('# mine\ntheme = "workbench-light"  # the usual\n'
                                'default_model = "opus"\n\n[keys]\ntheme = "not this one"\n')
    path.write_text('default_model = "opus"\n[keys]\nsave = "ctrl+w"\n')
    save_theme(path, "sea")
    assert path.read_text() == 'default_model = "opus"\ntheme = "sea"\n[keys]\nsave = "ctrl+w"\n'
    fresh = tmp_path / "new" / "settings.toml"
    save_theme(fresh, "sea")
    assert load_settings(fresh).theme == "sea"


async def test_an_unknown_theme_in_the_settings_falls_back_with_a_notification(
        make_app, fixed_settings):
    fixed_settings.write_text(fixed_settings.read_text().replace("workbench-dark", "no-such-theme"))
    app = make_app(settings=load_settings())
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "workbench-dark"
        assert any("no-such-theme" in n.message for n in app._notifications)


def test_parsed_theme_files_are_cached_until_a_file_changes(tmp_path):
    from workbench.ui.themes import theme_cache_file

    path = tmp_path / "sea.yaml"
    path.write_text("name: sea\nprimary: '#123456'\n")
    assert load_themes([tmp_path]).themes["sea"].primary == "#123456"
    assert str(path) in theme_cache_file().read_text()
    # The cache answers for an unchanged file: a forged entry shows it is what is read.
    stamp = path.stat()
    import json

    cache = json.loads(theme_cache_file().read_text())
    cache["files"][str(path)][2]["primary"] = "#654321"
    theme_cache_file().write_text(json.dumps(cache))
    assert load_themes([tmp_path]).themes["sea"].primary == "#654321"
    # A changed file (size and time) is parsed again.
    path.write_text("name: sea\nprimary: '#abcdef'\ndark: false\n")
    assert path.stat().st_size != stamp.st_size
    assert load_themes([tmp_path]).themes["sea"].primary == "#abcdef"


# -- live reload ------------------------------------------------------------------------------

ACTIVE = ("name: workbench-dark\ndark: true\nprimary: '#aa0000'\n"
          "variables:\n  diag-warning: '{warning}'\n")


async def _reloaded(pilot, path, text) -> None:
    path.write_text(text)
    pilot.app.post_message(pilot.app.ThemeFilesChanged({path}))
    await pilot.pause()
    await pilot.pause()


async def test_a_changed_user_theme_file_is_re_applied_when_it_is_the_active_theme(make_app):
    from tests.ui.helpers import settle

    path = _user_theme("mine.yaml", ACTIVE.format(warning="#111111"))
    app = make_app("test-runner.md")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        editor = app.main_screen.editor
        assert editor._theme.syntax_styles["diag.warning"].color.name == "#111111"
        await _reloaded(pilot, path, ACTIVE.format(warning="#22cc44").replace("#aa0000", "#00aa00"))
        assert app.theme == "workbench-dark"
        assert app.current_theme.primary == "#00aa00"
        assert app.theme_variables["diag-warning"] == "#22cc44"
        # The CSS was recomputed and the editor's underline colours followed the theme.
        assert app.stylesheet._variables["diag-warning"] == "#22cc44"
        assert editor._theme.syntax_styles["diag.warning"].color.name == "#22cc44"


async def test_a_changed_theme_that_is_not_active_is_registered_without_switching(make_app):
    path = _user_theme("other.yaml", "name: other\nprimary: '#101010'\n")
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await _reloaded(pilot, path, "name: other\nprimary: '#202020'\n")
        assert app.theme == "workbench-dark"
        assert app.get_theme("other").primary == "#202020"


async def test_a_broken_theme_file_is_reported_and_the_current_theme_stays(make_app):
    path = _user_theme("mine.yaml", ACTIVE.format(warning="#111111"))
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        before = app.current_theme
        variables = dict(app.theme_variables)
        await _reloaded(pilot, path, "primary: [\n")
        assert app.theme == "workbench-dark" and app.current_theme is before
        assert app.theme_variables == variables
        messages = [n.message for n in app._notifications]
        assert any("mine.yaml: not valid YAML at line" in m and "still using workbench-dark" in m
                   for m in messages), messages
        await _reloaded(pilot, path, "name: workbench-dark\nprimary: '#zzzzzz'\n")
        assert app.current_theme is before
        assert any("'#zzzzzz' is not a colour" in n.message for n in app._notifications)


async def test_the_watcher_re_applies_a_theme_edited_on_disk(make_app):
    import asyncio

    path = _user_theme("mine.yaml", ACTIVE.format(warning="#111111"))
    app = make_app(settings=_watching())
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(100):  # the watchers start once the catalog is shown
            await pilot.pause(0.05)
            if any(w.group == "theme-watcher" for w in app.workers):
                break
        await asyncio.sleep(0.3)
        path.write_text(ACTIVE.format(warning="#33dd55"))
        for _ in range(80):
            await pilot.pause(0.1)
            if app.theme_variables.get("diag-warning") == "#33dd55":
                break
        assert app.theme_variables["diag-warning"] == "#33dd55"


async def test_a_themes_folder_made_after_launch_is_waited_for(tmp_path):
    import asyncio

    from workbench.ui.app import wait_for_folder

    folder = tmp_path / "config" / "workbench" / "themes"
    waiting = asyncio.ensure_future(wait_for_folder(folder, step_ms=10))
    await asyncio.sleep(0.3)
    assert not waiting.done()
    folder.mkdir(parents=True)  # made at once, two levels below what existed
    assert await asyncio.wait_for(waiting, timeout=10) is True


async def test_themes_put_in_a_folder_made_after_launch_are_loaded_live(make_app):
    folder = user_themes_dir()
    assert not folder.exists()
    app = make_app(settings=_watching())
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause(0.3)  # the watchers start after the catalog
        staging = folder.parent / "staging"
        staging.mkdir(parents=True)
        (staging / "late.yaml").write_text("name: late\nprimary: '#123456'\n")
        staging.rename(folder)  # a folder of themes copied in whole
        for _ in range(100):
            await pilot.pause(0.1)
            if "late" in app.available_themes:
                break
        assert app.get_theme("late").primary == "#123456"


async def test_themes_in_a_folder_made_before_the_watcher_starts_are_loaded(make_app):
    """The folder appears after the launch read but before the watchers start (they wait for the
    catalog): what it holds is still loaded, not only what changes in it later."""
    folder = user_themes_dir()
    app = make_app(settings=_watching())
    async with app.run_test(size=(120, 30)) as pilot:
        folder.mkdir(parents=True)
        (folder / "early.yaml").write_text("name: early\nprimary: '#654321'\n")
        for _ in range(100):
            await pilot.pause(0.1)
            if "early" in app.available_themes:
                break
        assert app.get_theme("early").primary == "#654321"
