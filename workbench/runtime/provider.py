"""The Messages API through the official SDK: one streamed response per call, with the app's retries.

The SDK's own retries are off (`max_retries=0`) because they are invisible and honour `retry-after`
without a cap. Here a retryable failure (429, 5xx/529, a connection error, an `error` event inside
the stream, a stream that ends before `message_stop`) becomes a `RetryScheduled` event and another
attempt, at most `RetryPolicy.max_retries` times. `anthropic` is imported when the first request is
made, never at module import.
"""

from __future__ import annotations

import asyncio
import email.utils
import os
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from workbench.transcripts.events import Event, ResponseStarted, RetryScheduled, TextDelta, ThinkingDelta

CREDENTIAL_VARIABLES = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN")


class ProviderError(Exception):
    """A request that cannot succeed (or failed after every retry); `str()` is a one-line reason."""

    def __init__(self, message: str, error_type: str = "api_error", hint: str = ""):
        super().__init__(message)
        self.error_type = error_type
        self.hint = hint


@dataclass
class RetryPolicy:
    """How failed requests are retried. `sleep` and `scale` let tests run retries without waiting."""

    max_retries: int = 4
    cap_s: float = 30.0
    base_s: float = 0.5
    scale: float = 1.0
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RetryPolicy:
        """The default policy; `WORKBENCH_RETRY_DELAY_SCALE` multiplies every wait (0 = no wait)."""
        environ = os.environ if environ is None else environ
        try:
            scale = max(0.0, float(environ.get("WORKBENCH_RETRY_DELAY_SCALE", "1")))
        except ValueError:
            scale = 1.0
        return cls(scale=scale)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number `attempt` (1-based)."""
        if retry_after is not None:
            wait = min(max(retry_after, 0.0), self.cap_s)
        else:
            wait = min(self.base_s * 2 ** (attempt - 1), 8.0) * random.uniform(0.75, 1.0)
        return wait * self.scale


@dataclass
class StreamResult:
    """A response that reached `message_stop`: the message as a Messages API dict."""

    message: dict[str, Any]
    request_id: str | None = None


@dataclass
class _Failure:
    reason: str
    retryable: bool
    retry_after: float | None = None
    error_type: str = "api_error"
    hint: str = ""


def has_credentials(environ: Mapping[str, str] | None = None) -> bool:
    """Whether an API key or auth token is configured (checked before a run starts)."""
    environ = os.environ if environ is None else environ
    return any(environ.get(name) for name in CREDENTIAL_VARIABLES)


_SSL_CONTEXTS: dict[tuple[str | None, str | None], Any] = {}


def shared_ssl_context() -> Any:
    """One SSL context for every SDK client of the process (per SSL_CERT_FILE / SSL_CERT_DIR, which
    choose the certificates): building one loads the system's CA bundle, ~40 ms of CPU that each run
    (each agent-test sample, each chat run) paid again with its own client."""
    key = (os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    context = _SSL_CONTEXTS.get(key)
    if context is None:
        import httpx2

        context = _SSL_CONTEXTS[key] = httpx2.create_ssl_context()
    return context


@dataclass
class Provider:
    """One SDK client, shared by a session and its nested agent runs."""

    retry: RetryPolicy = field(default_factory=RetryPolicy.from_env)
    base_url: str | None = None
    timeout_s: float = 600.0
    _client: Any = None
    # A `RateGate` shared with other sessions' providers: each request waits at it, and a retryable
    # failure with retry-after closes it for all of them. None: this provider retries alone.
    rate_gate: Any = None

    def _get_client(self) -> Any:
        if self._client is None:
            if not has_credentials():
                raise ProviderError(
                    "no API key: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN)", "authentication_error"
                )
            import anthropic  # lazy: ~3 s of imports, paid only when a run starts

            kwargs: dict[str, Any] = {"max_retries": 0, "timeout": self.timeout_s,
                                      "http_client": anthropic.DefaultAsyncHttpxClient(verify=shared_ssl_context())}
            if self.base_url:
                kwargs["base_url"] = self.base_url
            self._client = anthropic.AsyncAnthropic(**kwargs)
        return self._client

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def stream(
        self, request: dict[str, Any], *, depth: int = 0, parent_call_id: str | None = None
    ) -> AsyncIterator[Event | StreamResult]:
        """Stream one response: deltas and retries as events, then exactly one `StreamResult`.

        Raises `ProviderError` when the request fails for good. Text deltas of an attempt that
        later fails were already yielded; the `RetryScheduled` that follows tells views to drop them.
        """
        client = self._get_client()
        attempt = 0
        while True:
            failure: _Failure
            if self.rate_gate is not None:
                await self.rate_gate.wait()
            try:
                async for item in self._attempt(client, request, depth, parent_call_id):
                    yield item
                    if isinstance(item, StreamResult):
                        return
                failure = _Failure("the response stream ended before the message was complete", True)
            except ProviderError:
                raise
            except Exception as exc:  # noqa: BLE001 - classified below; unknown ones are not retried
                failure = _classify(exc)
            attempt += 1
            if not failure.retryable or attempt > self.retry.max_retries:
                suffix = f" (after {attempt} attempts)" if failure.retryable else ""
                raise ProviderError(failure.reason + suffix, failure.error_type, failure.hint)
            delay = self.retry.delay(attempt, failure.retry_after)
            self._hold_gate(failure)
            yield RetryScheduled(
                attempt=attempt, max_attempts=self.retry.max_retries, delay_s=delay,
                reason=failure.reason, depth=depth, parent_call_id=parent_call_id, timestamp=time.time(),
            )
            await self.retry.sleep(delay)

    async def create(self, request: dict[str, Any]) -> dict[str, Any]:
        """One response without streaming (a tool's own request, such as WebSearch's), retried
        like the streamed ones; the message as a Messages API dict."""
        message = await self.retried(lambda client: client.messages.create(**request))
        return message.model_dump(mode="json", exclude_none=True)

    async def retried(self, call: Callable[[Any], Awaitable[Any]]) -> Any:
        """`await call(client)` for a request that is not streamed (`create`, the Message Batches
        endpoints): retried like the streamed ones, waiting at the rate gate; `ProviderError` when
        it fails for good."""
        client = self._get_client()
        attempt = 0
        while True:
            if self.rate_gate is not None:
                await self.rate_gate.wait()
            try:
                return await call(client)
            except Exception as exc:  # noqa: BLE001 - classified below
                failure = _classify(exc)
            self._hold_gate(failure)
            attempt += 1
            if not failure.retryable or attempt > self.retry.max_retries:
                raise ProviderError(failure.reason, failure.error_type, failure.hint)
            await self.retry.sleep(self.retry.delay(attempt, failure.retry_after))

    def _hold_gate(self, failure: _Failure) -> None:
        """A retry-after is the account's limit, not this request's: close the shared gate too."""
        if self.rate_gate is not None and failure.retry_after is not None:
            self.rate_gate.hold(min(max(failure.retry_after, 0.0), self.retry.cap_s) * self.retry.scale)

    async def _attempt(
        self, client: Any, request: dict[str, Any], depth: int, parent_call_id: str | None
    ) -> AsyncIterator[Event | StreamResult]:
        complete = False
        async with client.messages.stream(**request) as stream:
            async for ev in stream:
                kind = ev.type
                if kind == "text":
                    yield TextDelta(text=ev.text, depth=depth, parent_call_id=parent_call_id,
                                    timestamp=time.time())
                elif kind == "thinking":
                    yield ThinkingDelta(text=ev.thinking, depth=depth, parent_call_id=parent_call_id,
                                        timestamp=time.time())
                elif kind == "message_start":
                    yield ResponseStarted(message_id=ev.message.id, model=ev.message.model, depth=depth,
                                          parent_call_id=parent_call_id, timestamp=time.time())
                elif kind == "message_stop":
                    complete = True
            if not complete:
                return  # a clean close before message_stop: the caller retries
            message = await stream.get_final_message()
            yield StreamResult(message.model_dump(mode="json", exclude_none=True), stream.request_id)


def _classify(exc: Exception) -> _Failure:
    import anthropic

    if isinstance(exc, anthropic.APIConnectionError):
        return _Failure(f"connection problem ({type(exc).__name__}: {exc})", True, error_type="connection_error")
    if isinstance(exc, anthropic.APIStatusError):
        status = exc.status_code
        error_type = getattr(exc, "type", None) or "api_error"
        message = getattr(exc, "api_message", None) or str(exc)
        if status == 200:  # an `error` event inside the stream
            return _Failure(f"stream failed: {error_type}: {message}", True, error_type=error_type)
        retryable = status == 429 or status >= 500
        hint = ""
        if status == 401:
            hint = "the API key was rejected (check ANTHROPIC_API_KEY)"
        elif status in (403, 404):
            hint = "the model may not be available to this key"
        return _Failure(f"API error {status} {error_type}: {message}", retryable,
                        _retry_after(exc.response.headers), error_type, hint)
    if isinstance(exc, TypeError) and "authentication" in str(exc).lower():
        return _Failure("no API key: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN)", False,
                        error_type="authentication_error")
    return _Failure(f"{type(exc).__name__}: {exc}", False, error_type="internal_error")


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """`retry-after-ms`, else `retry-after` in seconds or as an HTTP date."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return float(raw_ms) / 1000
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        pass
    try:
        return max(0.0, email.utils.parsedate_to_datetime(raw).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
