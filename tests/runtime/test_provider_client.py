"""The SDK client a Provider makes: every client shares one SSL context (building one loads the
system's CA bundle, ~40 ms, which each run — each test sample, each chat — paid again), and a run
through a shared-context client still reaches the server."""

from __future__ import annotations

import asyncio

import pytest

from fake_api import text_reply

from workbench.runtime.provider import Provider, StreamResult


def _ssl_context(provider: Provider):
    return provider._get_client()._client._transport._pool._ssl_context


def test_clients_of_different_providers_share_one_ssl_context(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    first, second = Provider(), Provider()
    assert first._get_client() is not second._get_client()  # each its own connections
    assert _ssl_context(first) is _ssl_context(second)


def test_a_different_certificate_bundle_gets_its_own_context(monkeypatch):
    certifi = pytest.importorskip("certifi")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    default = _ssl_context(Provider())
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    bundle = _ssl_context(Provider())
    assert bundle is not default and _ssl_context(Provider()) is bundle


def test_a_request_through_the_shared_context_client_is_answered(fake_api):
    fake_api.add(text_reply("m1", "hello"))

    async def one() -> dict:
        provider = Provider(base_url=fake_api.url)
        request = {"model": "claude-sonnet-5-5", "max_tokens": 100,
                   "messages": [{"role": "user", "content": "hi"}]}
        try:
            async for item in provider.stream(request):
                if isinstance(item, StreamResult):
                    return item.message
        finally:
            await provider.aclose()
        raise AssertionError("no result")

    message = asyncio.run(one())
    assert message["content"][0]["text"] == "hello"
