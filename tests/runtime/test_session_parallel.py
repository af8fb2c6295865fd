"""Parallel tool calls: concurrency-safe calls of one response run together, others alone and in order.

Overlap is proven by construction, not by timing: the local page server answers `/meet/*` requests
only once two of them are in flight at the same time (a barrier), and a held API reply is released
only once a second nested agent has started. Run one after the other, those calls would time out
into a different answer, and the assertions would fail.
"""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from fake_api import Reply, end, start, text_reply, tool_input

from workbench.runtime.session import PermissionAnswer
from workbench.transcripts.reader import read_transcript

from .conftest import collect, of_kind

FETCHER = ("---\nname: fetcher\ndescription: Fetches pages.\ntools: WebFetch\n---\n"
           "You fetch pages.\n")
FINDER = "---\nname: finder\ndescription: Finds words.\ntools: Read\n---\nYou find words in files.\n"
# Listed, WebFetch is sent in full (without `tools` Claude Code defers it behind ToolSearch).
HELPER = ("---\nname: helper\ndescription: Helps.\ntools: Read, Write, Bash, WebFetch, Agent\n---\n"
          "You are a careful helper.\n")
# How long the server waits for a partner or a release before giving up (only reached on failure).
GIVE_UP_S = 10


class PageServer:
    """`/meet/<name>`: answered "met <name>" once two such requests are in flight together ("alone"
    if no partner comes); `/hang/<name>`: answered only at teardown; anything else: its path."""

    def __init__(self) -> None:
        self.barrier = threading.Barrier(2, timeout=GIVE_UP_S)
        self.release = threading.Event()
        self.arrived: list[str] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self._count_lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - the http.server hook name
                server.arrived.append(self.path)
                if self.path.startswith("/meet/"):
                    with server._count_lock:
                        server.in_flight += 1
                        server.most_in_flight = max(server.most_in_flight, server.in_flight)
                    try:
                        server.barrier.wait()
                        body = f"met {self.path.removeprefix('/meet/')}"
                    except threading.BrokenBarrierError:
                        body = "alone"
                    with server._count_lock:
                        server.in_flight -= 1
                elif self.path.startswith("/hang/"):
                    server.release.wait(GIVE_UP_S * 3)
                    body = "released"
                else:
                    body = f"page {self.path}"
                data = body.encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client went away (a cancelled fetch)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.barrier.abort()
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def pages():
    server = PageServer()
    yield server
    server.close()


def _fetch(index: int, call_id: str, url: str) -> list[str]:
    return tool_input(index, call_id, "WebFetch", {"url": url, "prompt": "what does it say?"})


@pytest.fixture
def make_session(make_session):
    """Sessions of HELPER unless a test names another agent."""
    return lambda agent_text=HELPER, **kwargs: make_session(agent_text, **kwargs)


def _position(events: list, kind: str, call_id: str) -> int:
    return next(i for i, e in enumerate(events) if e.kind == kind and getattr(e, "call_id", None) == call_id)


async def test_consecutive_read_only_calls_run_at_the_same_time_and_answer_in_block_order(
        fake_api, make_session, pages):
    fake_api.add(
        Reply.sse([start("m1"), *_fetch(0, "wa", f"{pages.url}/meet/a"), *_fetch(1, "wb", f"{pages.url}/meet/b"),
                   *end("tool_use")]),
        text_reply("m2", "Both met."),
    )
    events = await collect(make_session(allow_rules=["WebFetch"]))

    results = fake_api.bodies()[1]["messages"][-1]["content"]
    assert [r["tool_use_id"] for r in results] == ["wa", "wb"]
    # Each request was answered only because the other was in flight at the same time.
    assert "met a" in results[0]["content"] and "met b" in results[1]["content"]
    assert not any(r.get("is_error") for r in results)
    finished = of_kind(events, "tool_call_finished")
    assert {f.call_id: f.status for f in finished} == {"wa": "done", "wb": "done"}
    first_finish = min(_position(events, "tool_call_finished", c) for c in ("wa", "wb"))
    assert max(_position(events, "tool_call_started", c) for c in ("wa", "wb")) < first_finish
    assert events[-1].status == "completed" and events[-1].tool_calls == 2


async def test_at_most_max_parallel_tools_calls_run_at_once(fake_api, make_session, pages):
    # Four fetches that are answered in pairs; with two slots, never more than a pair is in flight.
    fake_api.add(
        Reply.sse([start("m1"), *[line for i in range(4) for line in _fetch(i, f"w{i}", f"{pages.url}/meet/{i}")],
                   *end("tool_use")]),
        text_reply("m2", "Done."),
    )
    session = make_session(allow_rules=["WebFetch"])
    session.max_parallel_tools = 2
    await collect(session)

    results = fake_api.bodies()[1]["messages"][-1]["content"]
    assert [r["tool_use_id"] for r in results] == ["w0", "w1", "w2", "w3"]
    assert all("met" in r["content"] for r in results)
    assert pages.most_in_flight == 2


async def test_a_call_that_is_not_read_only_waits_for_the_calls_before_it_and_runs_alone(
        fake_api, make_session, workspace):
    (workspace / "a.txt").write_text("ALPHA\n")
    fake_api.add(
        Reply.sse([start("m1"), *tool_input(0, "r1", "Read", {"file_path": "a.txt"}),
                   *tool_input(1, "g1", "Read", {"file_path": "a.txt"}),
                   *tool_input(2, "b1", "Bash", {"command": "rm a.txt && echo BETA > b.txt"}),
                   *tool_input(3, "r2", "Read", {"file_path": "b.txt"}),
                   *tool_input(4, "g2", "Read", {"file_path": "a.txt"}), *end("tool_use")]),
        text_reply("m2", "Done."),
    )
    events = await collect(make_session(permission_mode="bypassPermissions"))

    results = fake_api.bodies()[1]["messages"][-1]["content"]
    assert [r["tool_use_id"] for r in results] == ["r1", "g1", "b1", "r2", "g2"]
    assert [bool(r.get("is_error")) for r in results] == [False, False, False, False, True]
    # The reads before the command saw the workspace before it, the reads after saw its effect.
    assert "ALPHA" in results[0]["content"] and "ALPHA" in results[1]["content"]
    assert "BETA" in results[3]["content"]
    assert "ALPHA" not in results[4]["content"]  # a.txt is gone
    started = {c: _position(events, "tool_call_started", c) for c in ("r1", "g1", "b1", "r2", "g2")}
    finished = {c: _position(events, "tool_call_finished", c) for c in started}
    assert max(finished["r1"], finished["g1"]) < started["b1"]
    assert finished["b1"] < min(started["r2"], started["g2"])


async def test_prompts_are_asked_one_at_a_time_in_order_while_calls_needing_none_start_at_once(
        fake_api, make_session, workspace, pages):
    (workspace / "a.txt").write_text("ALPHA\n")
    fake_api.add(
        Reply.sse([start("m1"), *_fetch(0, "w1", f"{pages.url}/one"), *_fetch(1, "w2", f"{pages.url}/two"),
                   *tool_input(2, "r1", "Read", {"file_path": "a.txt"}), *end("tool_use")]),
        text_reply("m2", "Done."),
    )
    read_done = asyncio.Event()
    asked: list[str] = []
    outstanding = [0, 0]  # now, most at once

    async def ask(request):
        asked.append(request.call_id)
        outstanding[0] += 1
        outstanding[1] = max(outstanding)
        if request.call_id == "w1":
            # The Read needs no prompt: it must run while this first question is still open.
            await asyncio.wait_for(read_done.wait(), GIVE_UP_S)
        await asyncio.sleep(0.01)  # room for a second question to (wrongly) arrive meanwhile
        outstanding[0] -= 1
        return PermissionAnswer("allow")

    session = make_session(permission_mode="default", ask_permission=ask)
    events = []
    async for event in session.send("go"):
        events.append(event)
        if event.kind == "tool_call_finished" and event.call_id == "r1":
            read_done.set()
    await session.aclose()

    assert asked == ["w1", "w2"] and outstanding[1] == 1
    results = fake_api.bodies()[1]["messages"][-1]["content"]
    assert [r["tool_use_id"] for r in results] == ["w1", "w2", "r1"]
    assert "page /one" in results[0]["content"] and "page /two" in results[1]["content"]
    assert "ALPHA" in results[2]["content"]
    requested = [e.call_id for e in of_kind(events, "permission_requested")]
    assert requested == ["w1", "w2"]
    assert _position(events, "permission_decided", "w1") < _position(events, "permission_requested", "w2")


async def test_always_allow_on_one_prompt_covers_the_next_parallel_call_without_asking(
        fake_api, make_session, pages):
    fake_api.add(
        Reply.sse([start("m1"), *_fetch(0, "w1", f"{pages.url}/one"), *_fetch(1, "w2", f"{pages.url}/two"),
                   *end("tool_use")]),
        text_reply("m2", "Done."),
    )
    asked = []

    async def ask(request):
        asked.append(request.call_id)
        return PermissionAnswer("allow_always")

    events = await collect(make_session(permission_mode="default", ask_permission=ask))

    assert asked == ["w1"]
    decided = {e.call_id: (e.decision, e.by) for e in of_kind(events, "permission_decided")}
    assert decided == {"w1": ("allow_always", "user"), "w2": ("allow", "rule")}
    assert [f.status for f in of_kind(events, "tool_call_finished")] == ["done", "done"]


async def test_cancel_while_parallel_calls_run_stops_them_all_and_keeps_what_finished(
        fake_api, make_session, workspace, pages, tmp_path):
    (workspace / "a.txt").write_text("ALPHA\n")
    fake_api.add(Reply.sse([
        start("m1"), *_fetch(0, "w1", f"{pages.url}/hang/1"), *_fetch(1, "w2", f"{pages.url}/hang/2"),
        *tool_input(2, "r1", "Read", {"file_path": "a.txt"}),
        *tool_input(3, "b1", "Bash", {"command": "echo never > never.txt"}), *end("tool_use")]))
    session = make_session(permission_mode="bypassPermissions")
    events = []

    async def cancel_when_both_fetches_hang():
        while len([p for p in pages.arrived if p.startswith("/hang/")]) < 2:
            await asyncio.sleep(0.01)
        session.cancel()

    canceller = None
    async for event in session.send("go"):
        events.append(event)
        if event.kind == "tool_call_finished" and event.call_id == "r1":
            canceller = asyncio.get_running_loop().create_task(cancel_when_both_fetches_hang())
    await session.aclose()
    assert canceller is not None and canceller.done()

    assert events[-1].kind == "run_ended" and events[-1].status == "cancelled"
    finished = {e.call_id: e.status for e in of_kind(events, "tool_call_finished")}
    assert finished == {"w1": "cancelled", "w2": "cancelled", "r1": "done"}
    assert "b1" not in [e.call_id for e in of_kind(events, "tool_call_started")]
    assert not (workspace / "never.txt").exists()
    results = session.history[-1]["content"]
    assert [r["tool_use_id"] for r in results] == ["w1", "w2", "r1", "b1"]
    assert "ALPHA" in results[2]["content"] and not results[2].get("is_error")
    assert all(r["content"] == "Cancelled by the user." and r.get("is_error") for r in results if r is not results[2])
    lines = [json.loads(line) for line in (tmp_path / "transcript.jsonl").read_text().splitlines()]
    answered = [line["message"]["content"][0]["tool_use_id"] for line in lines
                if line["type"] == "user" and line["message"]["content"][0].get("type") == "tool_result"]
    assert answered == ["w1", "w2", "r1", "b1"]
    assert lines[-1]["subtype"] == "run_ended" and lines[-1]["event"]["status"] == "cancelled"


async def test_agent_calls_of_one_response_run_their_nested_sessions_at_the_same_time(
        fake_api, make_session, tmp_path):
    finder = tmp_path / "finder.md"
    finder.write_text(FINDER)
    held = threading.Event()
    fake_api.add(
        Reply.sse([start("p1"), *tool_input(0, "a1", "Agent", {
            "description": "one", "prompt": "First task", "subagent_type": "finder"}),
            *tool_input(1, "a2", "Agent", {"description": "two", "prompt": "Second task",
                                           "subagent_type": "finder"}), *end("tool_use")]),
        # The first nested request to arrive gets an answer that stays open until both runs started.
        Reply.sse([start("c1"), *text_reply("x", "First answer.").frames[1:]], hold=held),
        text_reply("c2", "Second answer."),
        text_reply("p2", "Both answered."),
    )
    transcript = tmp_path / "run.jsonl"
    session = make_session(catalog={"finder": finder}, transcript_path=transcript)
    events = []
    try:
        async for event in session.send("go"):
            events.append(event)
            if event.kind == "run_started" and event.depth == 1 and \
                    len([e for e in events if e.kind == "run_started" and e.depth == 1]) == 2:
                held.set()
    finally:
        held.set()
        await session.aclose()

    nested_starts = [i for i, e in enumerate(events) if e.kind == "run_started" and e.depth == 1]
    nested_ends = [i for i, e in enumerate(events) if e.kind == "run_ended" and e.depth == 1]
    assert len(nested_starts) == len(nested_ends) == 2
    assert max(nested_starts) < min(nested_ends)
    finals = {e.parent_call_id: e.message["content"][0]["text"] for e in of_kind(events, "assistant_message")
              if e.depth == 1}
    assert set(finals.values()) == {"First answer.", "Second answer."}
    results = fake_api.bodies()[-1]["messages"][-1]["content"]
    assert [r["tool_use_id"] for r in results] == ["a1", "a2"]
    assert [r["content"][0]["text"] for r in results] == [finals["a1"], finals["a2"]]
    ended = events[-1]
    assert ended.depth == 0 and ended.status == "completed" and ended.usage.output_tokens == 40
    read_back = read_transcript(transcript)
    assert sorted(s.parent_call_id for s in read_back.subagents) == ["a1", "a2"]


async def test_nested_agents_running_together_ask_their_questions_one_at_a_time(
        fake_api, make_session, tmp_path, pages):
    fetcher = tmp_path / "fetcher.md"
    fetcher.write_text(FETCHER)
    fake_api.add(
        Reply.sse([start("p1"), *tool_input(0, "a1", "Agent", {
            "description": "one", "prompt": "Fetch one", "subagent_type": "fetcher"}),
            *tool_input(1, "a2", "Agent", {"description": "two", "prompt": "Fetch two",
                                           "subagent_type": "fetcher"}), *end("tool_use")]),
        Reply.sse([start("c1"), *_fetch(0, "n1", f"{pages.url}/one"), *end("tool_use")]),
        Reply.sse([start("c2"), *_fetch(0, "n2", f"{pages.url}/two"), *end("tool_use")]),
        text_reply("c3", "Fetched."),
        text_reply("c4", "Fetched."),
        text_reply("p2", "Both fetched."),
    )
    both_waiting = asyncio.Event()
    asked: list[str] = []
    outstanding = [0, 0]

    async def ask(request):
        asked.append(request.call_id)
        outstanding[0] += 1
        outstanding[1] = max(outstanding)
        if len(asked) == 1:
            # Both nested calls are begun before the first answer: the second must wait its turn.
            await asyncio.wait_for(both_waiting.wait(), GIVE_UP_S)
            await asyncio.sleep(0.01)
        outstanding[0] -= 1
        return PermissionAnswer("allow")

    session = make_session(catalog={"fetcher": fetcher}, permission_mode="default", ask_permission=ask)
    events = []
    async for event in session.send("go"):
        events.append(event)
        if len([e for e in events if e.kind == "tool_call_started" and e.depth == 1]) == 2:
            both_waiting.set()
    await session.aclose()

    assert sorted(asked) == ["n1", "n2"] and outstanding[1] == 1
    nested_finished = [e for e in of_kind(events, "tool_call_finished") if e.depth == 1]
    assert sorted((e.call_id, e.status) for e in nested_finished) == [("n1", "done"), ("n2", "done")]
    assert events[-1].status == "completed"
