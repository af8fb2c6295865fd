"""The settings file: defaults when absent, values when present, problems instead of crashes."""

from workbench.settings import load_settings


def test_missing_file_gives_defaults(tmp_path):
    settings = load_settings(tmp_path / "nope.toml")
    assert settings.theme == "workbench-dark"
    assert settings.default_model == "opus"  # Claude Code's default main model
    assert settings.problems == []


def test_values_are_read(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text(
        'theme = "workbench-light"\ndefault_model = "opus"\n'
        '[models]\nsonnet = "claude-x"\n[prices."claude-x"]\ninput = 1\noutput = 2.5\n'
        '[permissions]\nallow = ["Bash(git status:*)"]\n[keys]\nsave = "ctrl+w"\n'
        "[ui]\ncursor_blink = false\nwatch_files = false\n"
    )
    settings = load_settings(path)
    assert settings.theme == "workbench-light"
    assert settings.default_model == "opus"
    assert settings.models == {"sonnet": "claude-x"}
    assert settings.prices == {"claude-x": {"input": 1.0, "output": 2.5}}
    assert settings.allow == ["Bash(git status:*)"]
    assert settings.keys == {"save": "ctrl+w"}
    assert settings.cursor_blink is False and settings.watch_files is False
    assert settings.problems == []


def test_broken_file_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("theme = \n")
    settings = load_settings(path)
    assert settings.theme == "workbench-dark"
    assert len(settings.problems) == 1 and "cannot read settings" in settings.problems[0]


def test_wrong_type_falls_back_to_default(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("theme = 3\n[ui]\ncursor_blink = \"no\"\n")
    settings = load_settings(path)
    assert settings.theme == "workbench-dark"
    assert settings.cursor_blink is True
    assert len(settings.problems) == 2


def test_environment_variable_points_at_the_file(tmp_path, monkeypatch):
    path = tmp_path / "elsewhere.toml"
    path.write_text('theme = "x"\n')
    monkeypatch.setenv("WORKBENCH_SETTINGS", str(path))
    assert load_settings().theme == "x"
