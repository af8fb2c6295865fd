"""WebFetch against a local HTTP server on 127.0.0.1: conversion, redirects, errors, caps."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from workbench.runtime.tools import REGISTRY
from workbench.runtime.tools.html_text import html_to_text

PAGES = {
    "/page": (200, "text/html; charset=utf-8",
              "<html><head><title>T</title><style>p{}</style></head><body><h1>Hello</h1>"
              "<p>Some <b>bold</b> text and a <a href='/next'>link</a>.</p><script>evil()</script>"
              "<ul><li>one</li><li>two</li></ul></body></html>"),
    "/plain": (200, "text/plain", "just text"),
    "/image": (200, "image/png", "\x89PNG"),
    "/missing": (404, "text/plain", "nope"),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server API
        if self.path == "/same-host-redirect":
            self.send_response(302)
            self.send_header("Location", "/plain")
            self.end_headers()
            return
        if self.path == "/other-host-redirect":
            self.send_response(301)
            self.send_header("Location", "https://example.org/moved")
            self.end_headers()
            return
        status, ctype, body = PAGES.get(self.path, (404, "text/plain", "unknown"))
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


async def test_html_is_converted_to_markdown_with_the_prompt_restated(server, call):
    result = await call("WebFetch", url=f"{server}/page", prompt="What is the title?")
    assert not result.is_error
    assert "answer this from it: What is the title?" in result.content
    assert "# Hello" in result.content and "**bold**" in result.content
    assert "[link](/next)" in result.content and "- one\n- two" in result.content
    assert "evil" not in result.content and "p{}" not in result.content
    assert result.detail["code"] == 200 and result.detail["codeText"] == "OK"
    assert result.detail["url"] == f"{server}/page" and result.detail["bytes"] > 0


async def test_a_same_host_redirect_is_followed(server, call):
    result = await call("WebFetch", url=f"{server}/same-host-redirect", prompt="p")
    assert result.content.endswith("just text") and result.detail["url"] == f"{server}/plain"


async def test_a_redirect_to_another_host_is_reported_not_followed(server, call):
    result = await call("WebFetch", url=f"{server}/other-host-redirect", prompt="p")
    assert not result.is_error and "redirects to a different host: https://example.org/moved" in result.content


async def test_http_errors_and_non_text_content_are_error_results(server, call):
    missing = await call("WebFetch", url=f"{server}/missing", prompt="p")
    image = await call("WebFetch", url=f"{server}/image", prompt="p")
    assert missing.is_error and "404" in missing.content and missing.detail["code"] == 404
    assert image.is_error and "image/png" in image.content


async def test_a_refused_connection_is_an_error_result(call):
    result = await call("WebFetch", url="http://127.0.0.1:9/", prompt="p")
    assert result.is_error and result.content.startswith("fetching http://127.0.0.1:9/ failed")


def test_validation_and_summary(ctx):
    tool = REGISTRY["WebFetch"]
    assert tool.validate({"url": "ftp://x", "prompt": "p"}).startswith("`url` must be a full http(s) URL")
    assert tool.validate({"url": "https://x.org"}) == "`prompt` is required"
    assert tool.permission_summary({"url": "https://x.org/a", "prompt": "p"}, ctx) == "Fetch https://x.org/a"


def test_html_to_text_keeps_code_blocks_verbatim():
    text = html_to_text("<p>Run:</p><pre><code>a  =  1\nb = 2</code></pre><p>then <code>go</code></p>")
    assert "```\na  =  1\nb = 2\n```" in text and "then `go`" in text


def test_plain_http_is_upgraded_except_for_local_addresses():
    from workbench.runtime.tools.webfetch import _upgraded

    assert _upgraded("http://example.com/a?b=1") == "https://example.com/a?b=1"
    assert _upgraded("http://127.0.0.1:8000/x") == "http://127.0.0.1:8000/x"
    assert _upgraded("http://localhost/x") == "http://localhost/x"
