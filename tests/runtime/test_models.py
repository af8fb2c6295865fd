"""Which model id a run calls."""

from workbench.runtime.models import DEFAULT_ALIASES, resolve_model


def test_alias_resolves_through_the_built_in_table():
    assert resolve_model("opus", environ={}) == DEFAULT_ALIASES["opus"]


def test_full_model_id_passes_through_unchanged():
    assert resolve_model("claude-opus-4-1", environ={}) == "claude-opus-4-1"


def test_inherit_and_absent_mean_the_app_default():
    assert resolve_model("inherit", default="haiku", environ={}) == DEFAULT_ALIASES["haiku"]
    assert resolve_model(None, default="claude-x-1", environ={}) == "claude-x-1"


def test_absent_everywhere_falls_back_to_opus_as_claude_codes_main_model():
    assert resolve_model(None, environ={}) == DEFAULT_ALIASES["opus"]


def test_settings_table_overrides_the_built_in_alias():
    assert resolve_model("sonnet", settings_models={"sonnet": "claude-sonnet-4-5"}, environ={}) == (
        "claude-sonnet-4-5"
    )


def test_environment_pins_an_alias_over_the_settings():
    env = {"ANTHROPIC_DEFAULT_SONNET_MODEL": "my-sonnet"}
    assert resolve_model("Sonnet", settings_models={"sonnet": "x"}, environ=env) == "my-sonnet"
