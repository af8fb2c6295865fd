"""A scripted Messages API on 127.0.0.1 that speaks real SSE, for driving the real SDK offline.

Each POST /v1/messages consumes the next scripted reply:
- `Reply.sse(frames, delay=0.0, hold=None)`: a 200 event stream, frame by frame (`delay` seconds
  between frames; `hold`, a `threading.Event`, keeps the connection open after the frames until set);
- `Reply.json(status, body, headers)`: an ordinary JSON response (errors, 429 with retry-after);
Every response carries a `request-id` header, `req_fake_<n>` for the n-th request (1-based; also in
`requests[n - 1]["request_id"]`), unless the reply's `headers` name another.
- `Reply.reset()`: the connection closes with no response at all.
The builders (`start`, `text`, `tool`, `thinking`, `end`) write frames the way the API does;
`cut_text_reply` is a response whose connection drops partway through its text.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL = "claude-sonnet-5-5"


def sse(event_type: str, **fields) -> str:
    """One SSE frame; the SDK ignores frames without an `event:` line, so always send one."""
    return f"event: {event_type}\ndata: {json.dumps({'type': event_type, **fields})}\n\n"


def start(msg_id: str, input_tokens: int = 20, cache_read: int = 0, cache_write: int = 0) -> str:
    """The `message_start` frame of a response."""
    return sse("message_start", message={
        "id": msg_id, "type": "message", "role": "assistant", "model": MODEL,
        "content": [], "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "output_tokens": 1,
                  "cache_creation_input_tokens": cache_write, "cache_read_input_tokens": cache_read}})


def text(index: int, *pieces: str) -> list[str]:
    """A text block streamed in `pieces`."""
    out = [sse("content_block_start", index=index, content_block={"type": "text", "text": ""})]
    out += [sse("content_block_delta", index=index, delta={"type": "text_delta", "text": p})
            for p in pieces]
    return out + [sse("content_block_stop", index=index)]


def thinking(index: int, thought: str, signature: str) -> list[str]:
    """A thinking block with its signature, as extended thinking streams it."""
    return [
        sse("content_block_start", index=index,
            content_block={"type": "thinking", "thinking": "", "signature": ""}),
        sse("content_block_delta", index=index, delta={"type": "thinking_delta", "thinking": thought}),
        sse("content_block_delta", index=index, delta={"type": "signature_delta", "signature": signature}),
        sse("content_block_stop", index=index),
    ]


def tool(index: int, tool_id: str, name: str, *json_pieces: str, stop: bool = True) -> list[str]:
    """A tool_use block whose input arrives as `partial_json` pieces (`stop=False`: cut short)."""
    out = [sse("content_block_start", index=index,
               content_block={"type": "tool_use", "id": tool_id, "name": name, "input": {}})]
    out += [sse("content_block_delta", index=index, delta={"type": "input_json_delta", "partial_json": p})
            for p in json_pieces]
    return out + ([sse("content_block_stop", index=index)] if stop else [])


def tool_input(index: int, tool_id: str, name: str, value: dict) -> list[str]:
    """A tool_use block with `value` as its input, split at an awkward point."""
    raw = json.dumps(value)
    cut = len(raw) // 2
    return tool(index, tool_id, name, "", raw[:cut], raw[cut:])


def end(stop_reason: str | None, output_tokens: int = 10) -> list[str]:
    """`message_delta` with the stop reason and cumulative usage, then `message_stop`."""
    return [sse("message_delta", delta={"stop_reason": stop_reason, "stop_sequence": None},
                usage={"output_tokens": output_tokens}), sse("message_stop")]


def error_event(error_type: str = "overloaded_error", message: str = "Overloaded") -> str:
    """An `error` event inside a 200 stream."""
    return sse("error", error={"type": error_type, "message": message})


def error_body(error_type: str, message: str) -> dict:
    """An API error body, as non-2xx responses carry it."""
    return {"type": "error", "error": {"type": error_type, "message": message}, "request_id": "req_fake"}


@dataclass
class Reply:
    """One scripted answer to one request."""

    kind: str
    frames: list[str] = field(default_factory=list)
    status: int = 200
    body: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    hold: threading.Event | None = None

    @classmethod
    def sse(cls, frames: list[str], delay: float = 0.0, hold: threading.Event | None = None) -> Reply:
        return cls("sse", frames=list(frames), delay=delay, hold=hold)

    @classmethod
    def json(cls, status: int, body: dict, headers: dict | None = None) -> Reply:
        return cls("json", status=status, body=body, headers=dict(headers or {}))

    @classmethod
    def reset(cls) -> Reply:
        return cls("reset")


def text_reply(msg_id: str, *pieces: str, stop_reason: str = "end_turn") -> Reply:
    """A complete text response."""
    return Reply.sse([start(msg_id), *text(0, *pieces), *end(stop_reason)])


def cut_text_reply(msg_id: str, *pieces: str) -> Reply:
    """A text response whose connection closes mid-text, before `message_stop` (a dropped stream)."""
    return Reply.sse([start(msg_id), sse("content_block_start", index=0,
                                         content_block={"type": "text", "text": ""}),
                      *[sse("content_block_delta", index=0, delta={"type": "text_delta", "text": p})
                        for p in pieces]])


class FakeMessagesAPI:
    """The server: `replies` are consumed in order; `requests` records what the SDK sent."""

    def __init__(self, replies: list[Reply] | None = None):
        self.replies: list[Reply] = list(replies or [])
        self.requests: list[dict] = []
        # (predicate on a request body, reply factory): requests a predicate takes get that reply
        # and leave the script alone (Claude Code's CLI names its session in a side request).
        self.side_routes: list[tuple] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def add(self, *replies: Reply) -> None:
        """Script more replies."""
        with self._lock:
            self.replies.extend(replies)

    def bodies(self) -> list[dict]:
        """The JSON bodies of the /v1/messages requests received so far."""
        return [r["body"] for r in self.requests if r["path"] == "/v1/messages"]

    def __enter__(self) -> FakeMessagesAPI:
        # A short poll interval keeps shutdown (each test's teardown) quick.
        threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def route(self, predicate, reply) -> None:
        """Answer every request whose body `predicate` takes with `reply()`, outside the script."""
        with self._lock:
            self.side_routes.append((predicate, reply))

    def _next(self, body: dict | None = None) -> Reply | None:
        with self._lock:
            for predicate, reply in self.side_routes:
                if body is not None and predicate(body):
                    return reply()
            return self.replies.pop(0) if self.replies else None

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _json(self, status: int, body: dict, headers: dict | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                for k, v in {"content-type": "application/json", "request-id": self._request_id,
                             "content-length": str(len(data)), **(headers or {})}.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802 - the http.server hook name
                raw = self.rfile.read(int(self.headers.get("content-length", 0)))
                body = json.loads(raw or b"{}")
                # Claude Code's CLI asks for `/v1/messages?beta=true`: the query is not the route.
                path, _, query = self.path.partition("?")
                with fake._lock:
                    self._request_id = f"req_fake_{len(fake.requests) + 1}"
                    fake.requests.append({"path": path, "query": query, "body": body, "request_id": self._request_id,
                                          "headers": {k.lower(): v for k, v in self.headers.items()}})
                    fake.requests[-1]["time"] = time.monotonic()  # when it arrived (rate-limit tests)
                if not (self.headers.get("authorization") or self.headers.get("x-api-key")):
                    return self._json(401, error_body("authentication_error", "missing credentials"))
                if path.startswith("/v1/messages/batches"):
                    return fake._batch_post(self, path, body)
                reply = fake._next(body) if path == "/v1/messages" else None
                if reply is None:
                    return self._json(500, error_body("api_error", "unexpected request"))
                if reply.kind == "reset":
                    self.close_connection = True
                    return None
                if reply.kind == "json":
                    return self._json(reply.status, reply.body, reply.headers)
                self.send_response(200)
                self.send_header("content-type", "text/event-stream; charset=utf-8")
                self.send_header("request-id", reply.headers.get("request-id", self._request_id))
                self.send_header("connection", "close")
                self.end_headers()
                try:
                    for frame in reply.frames:
                        self.wfile.write(frame.encode())
                        self.wfile.flush()
                        if reply.delay:
                            time.sleep(reply.delay)
                    if reply.hold is not None:
                        reply.hold.wait(timeout=30)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client went away (a cancelled run): nothing more to send
                self.close_connection = True
                return None

            def do_GET(self) -> None:  # noqa: N802 - the http.server hook name
                return fake._batch_get(self)

        return Handler

    # ---- Message Batches ---------------------------------------------------------------------------
    # POST /v1/messages/batches answers each request of the batch from the same script and side routes
    # as /v1/messages (in request order), as a non-streamed message; the batch is `in_progress` when
    # created and `ended` from the first GET on (`batch_polls_before_end` more GETs keep it in
    # progress). GET .../results is the JSONL of `{custom_id, result}` lines. A scripted
    # `Reply.json(status >= 400, error_body(...))` or `Reply.reset()` becomes an `errored` entry;
    # `batch_entry("expired")` / `batch_entry("canceled")` script those results.
    batch_polls_before_end = 0

    def _batch_post(self, handler, path: str, body: dict):
        store = _batches(self)
        if path == "/v1/messages/batches":
            with self._lock:
                batch_id = f"msgbatch_fake_{len(store) + 1}"
            results = [{"custom_id": item["custom_id"], "result": _batch_result(self._next(item["params"]))}
                       for item in body.get("requests", [])]
            store[batch_id] = {"id": batch_id, "status": "in_progress", "results": results,
                               "requests": body.get("requests", []), "polls": 0}
            return handler._json(200, _batch_view(self, store[batch_id]))
        batch_id = path.split("/")[4] if len(path.split("/")) > 4 else ""
        if path.endswith("/cancel") and batch_id in store:
            store[batch_id]["status"] = "ended"
            return handler._json(200, _batch_view(self, store[batch_id]))
        return handler._json(404, error_body("not_found_error", f"no route {path}"))

    def _batch_get(self, handler):
        path, _, query = handler.path.partition("?")
        with self._lock:
            handler._request_id = f"req_fake_{len(self.requests) + 1}"
            self.requests.append({"path": path, "query": query, "body": None, "request_id": handler._request_id,
                                  "headers": {k.lower(): v for k, v in handler.headers.items()}})
        store = _batches(self)
        parts = path.split("/")  # ['', 'v1', 'messages', 'batches', id, ('results')]
        batch = store.get(parts[4]) if len(parts) > 4 and parts[3] == "batches" else None
        if batch is None:
            return handler._json(404, error_body("not_found_error", f"no route {path}"))
        if len(parts) == 5:
            batch["polls"] += 1
            if batch["polls"] > self.batch_polls_before_end:
                batch["status"] = "ended"
            return handler._json(200, _batch_view(self, batch))
        if len(parts) == 6 and parts[5] == "results" and batch["status"] == "ended":
            data = "".join(json.dumps(entry) + "\n" for entry in batch["results"]).encode()
            handler.send_response(200)
            for k, v in {"content-type": "application/binary", "request-id": handler._request_id,
                         "content-length": str(len(data))}.items():
                handler.send_header(k, v)
            handler.end_headers()
            handler.wfile.write(data)
            return None
        return handler._json(404, error_body("not_found_error", f"no route {path}"))

    def batch_params(self) -> list[dict]:
        """The `params` of every request inside the batches received so far, in order."""
        return [item["params"] for batch in _batches(self).values() for item in batch["requests"]]


def batch_entry(kind: str) -> Reply:
    """A scripted reply that becomes a batch result of type `kind` ("expired", "canceled")."""
    return Reply(kind)


def message_from_frames(frames: list[str]) -> dict:
    """The message a stream of SSE frames adds up to (what a non-streamed request returns), or
    an `{"type": "error", ...}` body when the stream carries an `error` event."""
    message: dict = {}
    partial: dict[int, str] = {}
    for frame in frames:
        data = next((line[len("data: "):] for line in frame.splitlines() if line.startswith("data: ")), None)
        if data is None:
            continue
        event = json.loads(data)
        kind = event.get("type")
        if kind == "message_start":
            message = json.loads(json.dumps(event["message"]))
        elif kind == "content_block_start":
            message["content"].append(dict(event["content_block"]))
        elif kind == "content_block_delta":
            block, delta = message["content"][event["index"]], event["delta"]
            if delta["type"] == "text_delta":
                block["text"] = block.get("text", "") + delta["text"]
            elif delta["type"] == "thinking_delta":
                block["thinking"] = block.get("thinking", "") + delta["thinking"]
            elif delta["type"] == "signature_delta":
                block["signature"] = delta["signature"]
            elif delta["type"] == "input_json_delta":
                partial[event["index"]] = partial.get(event["index"], "") + delta["partial_json"]
        elif kind == "content_block_stop" and event["index"] in partial:
            message["content"][event["index"]]["input"] = json.loads(partial.pop(event["index"]) or "{}")
        elif kind == "message_delta":
            message.update({k: v for k, v in event["delta"].items()})
            message["usage"] = {**message.get("usage", {}), **event.get("usage", {})}
        elif kind == "error":
            return {"type": "error", "error": event["error"]}
    return message


def _batch_result(reply: Reply | None) -> dict:
    if reply is None:
        return {"type": "errored", "error": error_body("api_error", "unexpected request")}
    if reply.kind in ("expired", "canceled"):
        return {"type": reply.kind}
    if reply.kind == "reset":
        return {"type": "errored", "error": error_body("api_error", "connection reset")}
    if reply.kind == "json":
        if reply.status >= 400:
            return {"type": "errored", "error": {**reply.body, "type": "error"}}
        return {"type": "succeeded", "message": reply.body}
    message = message_from_frames(reply.frames)
    if message.get("type") == "error":
        return {"type": "errored", "error": message}
    message["usage"] = {**message.get("usage", {}), "service_tier": "batch"}
    return {"type": "succeeded", "message": message}


def _batches(fake: FakeMessagesAPI) -> dict:
    return fake.__dict__.setdefault("_batch_store", {})


def _batch_view(fake: FakeMessagesAPI, batch: dict) -> dict:
    ended = batch["status"] == "ended"
    counts = {"processing": 0 if ended else len(batch["results"]), "succeeded": 0, "errored": 0,
              "canceled": 0, "expired": 0}
    if ended:
        for entry in batch["results"]:
            counts[entry["result"]["type"]] += 1
    return {"id": batch["id"], "type": "message_batch", "processing_status": batch["status"],
            "request_counts": counts, "created_at": "2026-12-06T00:00:00Z", "expires_at": "2026-12-07T00:00:00Z",
            "ended_at": "2026-12-06T00:01:00Z" if ended else None, "archived_at": None,
            "cancel_initiated_at": None,
            "results_url": f"{fake.url}/v1/messages/batches/{batch['id']}/results" if ended else None}


def message_body(msg_id: str, content: list[dict], stop_reason: str = "end_turn", model: str = MODEL,
                 input_tokens: int = 200, output_tokens: int = 30) -> dict:
    """A complete non-streamed message (the body of `Reply.json(200, ...)`, or a batch result)."""
    return {"id": msg_id, "type": "message", "role": "assistant", "model": model, "content": content,
            "stop_reason": stop_reason, "stop_sequence": None,
            "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens,
                      "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}}

# -- a scripted model that answers from the request itself ----------------------------------------


class RespondingAPI(FakeMessagesAPI):
    """The server with a model: `respond(body) -> Reply` answers every /v1/messages request that no
    side route takes, from the request's own content (its prompt, the tool results so far), so runs
    that interleave in any order each get the answers meant for them. Scripted `replies` go first."""

    def __init__(self, respond, replies: list[Reply] | None = None):
        super().__init__(replies)
        self.respond = respond

    def _next(self, body: dict | None = None) -> Reply | None:
        reply = super()._next(body)
        if reply is None and body is not None:
            return self.respond(body)
        return reply


def message_text(message: dict) -> str:
    """The text of a request message (a string, or the text of its text blocks)."""
    content = message.get("content", "")
    if isinstance(content, str):
        return content
    return "\n".join(b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text")


def tool_results(body: dict) -> list[str]:
    """The text of every tool result in a request, in order."""
    out = []
    for message in body.get("messages", []):
        content = message.get("content")
        for block in content if isinstance(content, list) else []:
            if isinstance(block, dict) and block.get("type") == "tool_result":
                inner = block.get("content", "")
                out.append(inner if isinstance(inner, str) else message_text({"content": inner}))
    return out


def tool_calls_reply(msg_id: str, calls: list[tuple[str, dict]], delay: float = 0.0) -> Reply:
    """A response that makes the `calls` ((tool name, input), in order) and stops for their results."""
    frames = [start(msg_id)]
    for i, (name, value) in enumerate(calls):
        frames += tool_input(i, f"{msg_id}_t{i}", name, value)
    return Reply.sse([*frames, *end("tool_use")], delay=delay)
