"""One rate limiter for every sample: a 429 with retry-after to one sample holds every sample's
next request until then (without stacking waits), against the scripted API server."""

from __future__ import annotations

import asyncio

from fake_api import Reply, end, error_body, start, text_reply, tool_input

from workbench.runtime.rate_gate import RateGate
from workbench.testing.runner import run_suites
from workbench.testing.suite import load_suite

AGENT = "---\nname: reader\ndescription: Reads.\ntools: Read\n---\nYou read.\n"


def _read_call(i: int, delay: float = 0.0) -> Reply:
    return Reply.sse([start(f"r{i}"), *tool_input(0, f"t{i}", "Read", {"file_path": "notes.txt"}),
                      *end("tool_use")], delay=delay)


def test_a_429_to_one_sample_holds_every_sample_until_retry_after(fake_api, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_RETRY_DELAY_SCALE", "1")  # real waits: the window is what is tested
    (tmp_path / "reader.md").write_text(AGENT)
    suite_file = tmp_path / "suite.yaml"
    suite_file.write_text('agent: reader.md\nrepeat: 3\ncases:\n  - name: c\n    prompt: read notes\n'
                          '    files: {"notes.txt": "x"}\n    assert:\n      - output_contains: done\n'
                          '      - tool_called: Read\n')
    # The three first requests: one quick tool call, two slow ones (their streams end ~0.5 s later,
    # inside the window). The quick sample's next request gets the 429.
    fake_api.add(_read_call(1), _read_call(2, delay=0.07), _read_call(3, delay=0.07),
                 Reply.json(429, error_body("rate_limit_error", "slow down"), {"retry-after": "1"}),
                 *[text_reply(f"d{i}", "done") for i in range(3)])

    [result] = asyncio.run(run_suites([load_suite(suite_file)], project=tmp_path, jobs=3))

    assert result.passed == 3 and result.ok
    times = [r["time"] for r in fake_api.requests if r["path"] == "/v1/messages"]
    assert len(times) == 7
    limited = times[3]
    after = times[4:]
    assert all(t >= limited + 1.0 for t in after), [round(t - limited, 3) for t in after]
    assert max(after) < limited + 1.9  # one wait for everyone, not one after another (that is 2 s)


def test_holds_do_not_stack_and_an_open_gate_does_not_wait():
    now = [100.0]
    gate = RateGate(clock=lambda: now[0])
    gate.hold(2)
    gate.hold(1)  # ends earlier: no change
    assert gate.remaining_s == 2 and gate.holds == 1
    now[0] = 101.0
    gate.hold(3)  # ends later: moves the reopening, does not add
    assert gate.remaining_s == 3 and gate.holds == 2
    now[0] = 104.5
    assert gate.remaining_s == 0
    asyncio.run(asyncio.wait_for(gate.wait(), 0.5))


def test_without_a_gate_the_provider_retries_alone(fake_api, monkeypatch):
    """Chat runs (no gate) behave as before: the retry waits retry-after and succeeds."""
    monkeypatch.setenv("WORKBENCH_RETRY_DELAY_SCALE", "0")
    from workbench.runtime.provider import Provider, StreamResult

    fake_api.add(Reply.json(429, error_body("rate_limit_error", "slow down"), {"retry-after": "1"}),
                 text_reply("m", "hi"))

    async def main():
        provider = Provider()
        assert provider.rate_gate is None
        out = [item async for item in provider.stream({"model": "m", "max_tokens": 10,
                                                         "messages": [{"role": "user", "content": "x"}]})]
        await provider.aclose()
        return out

    out = asyncio.run(main())
    assert isinstance(out[-1], StreamResult) and [e.kind for e in out[:-1]].count("retry") == 1


def test_a_gate_honours_the_retry_delay_scale(fake_api, monkeypatch):
    monkeypatch.setenv("WORKBENCH_RETRY_DELAY_SCALE", "0")
    from workbench.runtime.provider import Provider

    gate = RateGate()
    fake_api.add(Reply.json(429, error_body("rate_limit_error", "slow down"), {"retry-after": "30"}),
                 text_reply("m", "hi"))

    async def main():
        provider = Provider(rate_gate=gate)
        async for _ in provider.stream({"model": "m", "max_tokens": 10,
                                        "messages": [{"role": "user", "content": "x"}]}):
            pass
        await provider.aclose()

    asyncio.run(asyncio.wait_for(main(), 5))
    assert gate.holds == 1 and gate.remaining_s == 0
