"""What goes wrong on the wire: retries, cut-off responses, errors that end the run."""

from __future__ import annotations

import socket

from fake_api import Reply, end, error_body, error_event, start, text, text_reply, tool

from workbench.runtime.provider import Provider, RetryPolicy

from .conftest import collect, of_kind


async def test_429_is_retried_after_the_retry_after_delay(fake_api, make_session, sleeps):
    fake_api.add(Reply.json(429, error_body("rate_limit_error", "slow down"), {"retry-after": "2"}),
                 text_reply("m1", "ok"))
    events = await collect(make_session())

    assert sleeps == [2.0]
    retry = of_kind(events, "retry")[0]
    assert retry.attempt == 1 and retry.delay_s == 2.0 and "429" in retry.reason
    assert events[-1].status == "completed"


async def test_retry_after_is_capped_at_thirty_seconds(fake_api, make_session, sleeps):
    fake_api.add(Reply.json(429, error_body("rate_limit_error", "slow"), {"retry-after": "600"}),
                 text_reply("m1", "ok"))
    await collect(make_session())

    assert sleeps == [30.0]


async def test_overloaded_529_and_server_error_500_are_retried(fake_api, make_session, sleeps):
    fake_api.add(Reply.json(529, error_body("overloaded_error", "Overloaded")),
                 Reply.json(500, error_body("api_error", "boom")),
                 text_reply("m1", "ok"))
    events = await collect(make_session())

    assert len(sleeps) == 2 and all(0 < s <= 8 for s in sleeps)
    assert [r.attempt for r in of_kind(events, "retry")] == [1, 2]
    assert events[-1].status == "completed"


async def test_gives_up_after_four_retries_with_a_clear_error(fake_api, make_session, sleeps):
    fake_api.add(*[Reply.json(529, error_body("overloaded_error", "Overloaded"))] * 5)
    events = await collect(make_session())

    assert len(fake_api.bodies()) == 5 and len(sleeps) == 4
    ended = events[-1]
    assert ended.status == "error" and "overloaded_error" in ended.error and "5 attempts" in ended.error
    assert of_kind(events, "error")[0].error_type == "overloaded_error"


async def test_a_bad_request_is_not_retried(fake_api, make_session, sleeps):
    fake_api.add(Reply.json(400, error_body("invalid_request_error", "messages.1: bad")))
    events = await collect(make_session())

    assert sleeps == [] and events[-1].status == "error" and "messages.1: bad" in events[-1].error


async def test_a_refused_connection_is_retried_then_reported(make_session, monkeypatch, sleeps):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("ANTHROPIC_BASE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    events = await collect(make_session())

    assert len(sleeps) == 4
    assert events[-1].status == "error" and "connection" in events[-1].error.lower()


async def test_a_dropped_connection_is_retried(fake_api, make_session, sleeps):
    fake_api.add(Reply.reset(), text_reply("m1", "ok"))
    events = await collect(make_session())

    assert len(sleeps) == 1 and events[-1].status == "completed"


async def test_an_error_event_mid_stream_discards_the_attempt_and_retries(fake_api, make_session, sleeps):
    fake_api.add(Reply.sse([start("m1"), *text(0, "partial"), error_event()]),
                 text_reply("m2", "whole"))
    session = make_session()
    events = await collect(session)

    kinds = [e.kind for e in events]
    assert kinds.index("retry") > kinds.index("text_delta")
    assert len(of_kind(events, "assistant_message")) == 1
    assert session.history[-1]["content"] == [{"type": "text", "text": "whole"}]


async def test_a_truncated_stream_never_runs_its_tool_calls(fake_api, make_session, workspace, sleeps):
    cut = Reply.sse([start("m1"), *tool(0, "t1", "Bash", '{"command": "touch marker.txt"}')])
    fake_api.add(cut, text_reply("m2", "ok"))
    events = await collect(make_session(permission_mode="bypassPermissions"))

    assert not (workspace / "marker.txt").exists()
    assert not of_kind(events, "tool_call_started")
    assert len(sleeps) == 1 and "ended before" in of_kind(events, "retry")[0].reason
    # The retried request carries no trace of the cut-off response.
    assert len(fake_api.bodies()[1]["messages"]) == 1


async def test_max_tokens_inside_a_tool_call_never_runs_it(fake_api, make_session, workspace):
    fake_api.add(Reply.sse([start("m1"), *text(0, "Writing."),
                            *tool(1, "t1", "Bash", '{"command": "touch marker.txt"', '; rm -rf'),
                            *end("max_tokens")]))
    session = make_session(permission_mode="bypassPermissions")
    events = await collect(session)

    assert not (workspace / "marker.txt").exists()
    assert not of_kind(events, "tool_call_started")
    assert all(b["type"] != "tool_use" for m in session.history for b in m["content"])
    assert events[-1].status == "error" and "max_tokens" in events[-1].error


async def test_no_api_key_ends_the_run_with_a_clear_error(make_session, monkeypatch):
    events = await collect(make_session())

    assert events[-1].status == "error" and "no API key" in events[-1].error


def test_retry_delay_backs_off_and_honours_the_cap():
    policy = RetryPolicy()
    assert policy.delay(1, None) <= 0.5 and policy.delay(10, None) <= 8.0
    assert policy.delay(1, 45.0) == 30.0
    assert RetryPolicy.from_env({"WORKBENCH_RETRY_DELAY_SCALE": "0"}).delay(3, 10.0) == 0.0


def test_the_runtime_imports_neither_the_sdk_nor_textual_until_a_request():
    import subprocess
    import sys

    code = ("import sys, workbench.runtime.session, workbench.transcripts.writer; "
            "print(sorted(m for m in ('anthropic', 'textual') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert Provider()._client is None
