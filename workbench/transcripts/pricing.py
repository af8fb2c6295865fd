"""Model prices and the cost of one API response.

The table lives here, below the runtime, because both the transcript reader (costing Claude Code
sessions) and the runtime (the live cost meter) need it; the runtime imports it from here.

Prices are USD per million tokens (list prices, anthropic-api.md §9.3). Users override or extend the
table with the settings file's `[prices."<model id>"]` sections (keys `input`, `output`,
`cache_write`, `cache_write_1h`, `cache_read`), passed in as `overrides`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

# The >100k prompt tier applies to the whole request once the prompt passes it (Haiku 5.5).
LONG_PROMPT_TOKENS = 100_000


@dataclass(frozen=True)
class ModelPrice:
    """USD per million tokens for one model; `long_prompt` is the tier above LONG_PROMPT_TOKENS."""

    input: float
    output: float
    cache_write: float
    cache_write_1h: float
    cache_read: float
    long_prompt: ModelPrice | None = None


def _p(inp: float, out: float, w5: float, w1h: float, read: float, long: ModelPrice | None = None):
    return ModelPrice(inp, out, w5, w1h, read, long)


_FABLE_5_1 = _p(10, 50, 12.5, 20, 0.25)
_FABLE_5 = _p(10, 50, 12.5, 20, 1.0)
_OPUS_5 = _p(5, 25, 6.25, 10, 0.5)
_SONNET_5 = _p(2, 10, 2.5, 4, 0.2)
_SONNET_4 = _p(3, 15, 3.75, 6, 0.3)

# Keys are model-id prefixes; the longest matching prefix wins, so dated ids
# (`claude-sonnet-4-5-20250929`) find their family's price.
PRICES: dict[str, ModelPrice] = {
    # Fable 5.2's and Sonnet 5.5's cache reads as Claude Code 2.1.337 bills them (its costUSD per
    # model, measured per token class: tests/transcripts/fixtures/claude_code/prices.json).
    "claude-fable-5-2": _p(8, 40, 10, 16, 0.2),
    "claude-fable-5-1": _FABLE_5_1,
    "claude-mythos-5-1": _FABLE_5_1,
    "claude-mythos-5-2": _FABLE_5_1,
    "claude-fable-5": _FABLE_5,
    "claude-mythos-5": _FABLE_5,
    "claude-opus-5-5": _p(4, 20, 5, 8, 0.2),
    "claude-opus-5": _OPUS_5,
    "claude-opus-4-8": _OPUS_5,
    "claude-opus-4-7": _OPUS_5,
    "claude-opus-4-6": _OPUS_5,
    "claude-opus-4-5": _OPUS_5,
    "claude-opus-4-1": _p(15, 75, 18.75, 30, 1.5),
    "claude-opus-4": _p(15, 75, 18.75, 30, 1.5),
    "claude-sonnet-5-5": _p(2, 10, 2.5, 4, 0.1),
    "claude-sonnet-5": _SONNET_5,
    "claude-sonnet-4-6": _SONNET_4,
    "claude-sonnet-4-5": _SONNET_4,
    "claude-sonnet-4": _SONNET_4,
    # Haiku 5.5's 1h write above 100k is unpublished: twice the input price, as for the others.
    "claude-haiku-5-5": _p(0.1, 0.5, 0.125, 0.2, 0.01, long=_p(0.5, 2.5, 0.625, 1.0, 0.05)),
    "claude-haiku-4-5": _p(1, 5, 1.25, 2, 0.1),
}

_OVERRIDE_KEYS = ("input", "output", "cache_write", "cache_write_1h", "cache_read")


def price_for(
    model: str | None, overrides: Mapping[str, Mapping[str, float]] | None = None
) -> ModelPrice | None:
    """The price of `model` (an id, dated or not), or None when it is unknown (e.g. `<synthetic>`)."""
    if not model:
        return None
    base = _longest_prefix(PRICES, model)
    if overrides:
        override = overrides.get(model) or _longest_prefix(overrides, model)
        if override:
            return _apply_override(base, override)
    return base


def _longest_prefix(table: Mapping[str, Any], model: str) -> Any:
    best = None
    for key in table:
        if model.startswith(key) and (best is None or len(key) > len(best)):
            best = key
    return table[best] if best is not None else None


def _apply_override(base: ModelPrice | None, override: Mapping[str, float]) -> ModelPrice | None:
    values = {k: float(v) for k, v in override.items() if k in _OVERRIDE_KEYS and _is_number(v)}
    if base is not None:
        # An overridden price replaces the tiers too: the user's number is the one to trust.
        return replace(base, long_prompt=None, **values)
    if "input" not in values or "output" not in values:
        return None
    inp = values["input"]
    return ModelPrice(
        input=inp,
        output=values["output"],
        cache_write=values.get("cache_write", inp * 1.25),
        cache_write_1h=values.get("cache_write_1h", inp * 2),
        cache_read=values.get("cache_read", inp * 0.1),
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _get(usage: Any, name: str) -> Any:
    if isinstance(usage, Mapping):
        return usage.get(name)
    return getattr(usage, name, None)


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def cost_usd(
    model: str | None,
    usage: Any,
    overrides: Mapping[str, Mapping[str, float]] | None = None,
) -> float:
    """The cost in USD of one response's `usage` (a Messages API usage dict or a `UsageTotals`).

    Cache writes are split 5m/1h when `usage["cache_creation"]` says so, else priced as 5m writes.
    `service_tier: "batch"` halves the bill. An unknown model costs 0.0 (not a guess).
    """
    price = price_for(model, overrides)
    if price is None or usage is None:
        return 0.0
    inp = _int(_get(usage, "input_tokens"))
    out = _int(_get(usage, "output_tokens"))
    written = _int(_get(usage, "cache_creation_input_tokens"))
    read = _int(_get(usage, "cache_read_input_tokens"))
    split = _get(usage, "cache_creation")
    w1h = _int(_get(split, "ephemeral_1h_input_tokens")) if isinstance(split, Mapping) else 0
    w1h = min(w1h, written)
    w5m = written - w1h
    if price.long_prompt is not None and inp + written + read > LONG_PROMPT_TOKENS:
        price = price.long_prompt
    total = (
        inp * price.input
        + out * price.output
        + w5m * price.cache_write
        + w1h * price.cache_write_1h
        + read * price.cache_read
    ) / 1_000_000
    if _get(usage, "service_tier") == "batch":
        total /= 2
    return total
