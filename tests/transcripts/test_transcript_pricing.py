"""The price table and the cost of one response."""

import pytest

from workbench.transcripts.events import UsageTotals
from workbench.transcripts.pricing import cost_usd, price_for


def test_a_dated_model_id_finds_its_family_price():
    assert price_for("claude-sonnet-4-5-20250929") == price_for("claude-sonnet-4-5")
    assert price_for("claude-opus-5-5").input == 4


def test_the_longest_prefix_wins_over_a_shorter_family_name():
    assert price_for("claude-opus-5-5").input == 4
    assert price_for("claude-opus-5").input == 5


def test_an_unknown_or_synthetic_model_costs_nothing():
    assert price_for("<synthetic>") is None
    assert cost_usd("<synthetic>", {"input_tokens": 1000, "output_tokens": 1000}) == 0.0
    assert cost_usd(None, {"input_tokens": 1000}) == 0.0


def test_cost_prices_input_output_cache_reads_and_writes_apart():
    usage = {
        "input_tokens": 1_000_000,
        "output_tokens": 1_000_000,
        "cache_creation_input_tokens": 1_000_000,
        "cache_read_input_tokens": 1_000_000,
    }
    # Sonnet 4.5: 3 + 15 + 3.75 (5m write) + 0.30
    assert cost_usd("claude-sonnet-4-5", usage) == pytest.approx(22.05)


def test_cache_writes_split_into_5m_and_1h_when_the_usage_says_so():
    usage = {
        "cache_creation_input_tokens": 2_000_000,
        "cache_creation": {"ephemeral_5m_input_tokens": 1_000_000, "ephemeral_1h_input_tokens": 1_000_000},
    }
    assert cost_usd("claude-sonnet-4-5", usage) == pytest.approx(3.75 + 6)


def test_batch_tier_halves_the_cost():
    usage = {"input_tokens": 1_000_000, "service_tier": "batch"}
    assert cost_usd("claude-haiku-4-5", usage) == pytest.approx(0.5)


def test_haiku_5_5_bills_the_whole_request_at_the_long_prompt_tier_past_100k():
    short = {"input_tokens": 100_000}
    long = {"input_tokens": 50_000, "cache_read_input_tokens": 60_000}
    assert cost_usd("claude-haiku-5-5", short) == pytest.approx(0.01)
    assert cost_usd("claude-haiku-5-5", long) == pytest.approx((50_000 * 0.5 + 60_000 * 0.05) / 1e6)


def test_usage_totals_are_accepted_as_well_as_dicts():
    assert cost_usd("claude-opus-4-6", UsageTotals(output_tokens=1_000_000)) == pytest.approx(25)


def test_settings_overrides_replace_a_known_price_and_add_an_unknown_model():
    overrides = {"claude-sonnet-4-5": {"input": 1.0}, "my-model": {"input": 2.0, "output": 4.0}}
    assert price_for("claude-sonnet-4-5-20250929", overrides).input == 1.0
    assert price_for("claude-sonnet-4-5", overrides).output == 15
    assert cost_usd("my-model", {"output_tokens": 1_000_000}, overrides) == pytest.approx(4.0)
    assert price_for("other-model", {"other-model": {"input": 1.0}}) is None


def test_negative_or_non_numeric_counts_are_ignored():
    assert cost_usd("claude-haiku-4-5", {"input_tokens": -5, "output_tokens": "7"}) == 0.0
