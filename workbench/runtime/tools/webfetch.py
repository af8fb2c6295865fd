"""WebFetch: fetch a URL and return its content as text, with the prompt noted.

Claude Code answers `prompt` with a small model; workbench has none locally, so the model gets the
(converted, capped) page itself together with its own prompt, and the description says so.
"""

from __future__ import annotations

import ipaddress
import time
from urllib.parse import urljoin, urlsplit, urlunsplit

from workbench.runtime.tools.base import ToolContext, ToolResult
from workbench.runtime.tools.html_text import html_to_text
from workbench.runtime.tools.local_tool import LocalTool, error

MAX_DOWNLOAD_BYTES = 10 * 1024 * 1024
MAX_RESULT_CHARS = 100_000
TIMEOUT_S = 30.0
MAX_REDIRECTS = 5
USER_AGENT = "workbench/0.1 (WebFetch tool)"
_HEADERS = {"User-Agent": USER_AGENT, "Accept": "text/markdown, text/html;q=0.9, */*;q=0.5"}
_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/xhtml",
               "application/javascript", "application/x-yaml", "application/yaml")


class WebFetchTool(LocalTool):
    """Claude Code's WebFetch, without the extraction model."""

    name = "WebFetch"
    kind = "web"
    concurrency_safe = True
    description = (
        "Fetches a URL (http is upgraded to https, except for local addresses) and returns the "
        "page as Markdown-like text, cut at "
        f"{MAX_RESULT_CHARS} characters (offset reads on from a later character). Unlike Claude Code, workbench does not run `prompt` "
        "through a second model: you get the page itself with your prompt restated, and must "
        "extract the answer yourself. A redirect to another host is not followed; the result "
        "names the target so you can fetch it. Text content only (HTML, plain text, JSON, XML)."
    )
    input_schema = {"type": "object", "required": ["url", "prompt"], "properties": {
        "url": {"type": "string", "format": "uri"}, "prompt": {"type": "string"},
        "offset": {"type": "integer", "minimum": 0,
                   "description": "Start the returned text this many characters into the page"}}}

    def extra_checks(self, tool_input: dict) -> str | None:
        parts = urlsplit(tool_input["url"])
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return "`url` must be a full http(s) URL, e.g. https://example.com/page"
        if tool_input.get("offset", 0) < 0:
            return "`offset` must be 0 or more"
        return None

    def permission_summary(self, tool_input: dict, ctx: ToolContext) -> str:
        return f"Fetch {tool_input.get('url', '')}"

    async def run(self, tool_input: dict, ctx: ToolContext) -> ToolResult:
        import httpx2  # the SDK's HTTP client; only needed once a fetch happens

        started = time.monotonic()
        url = _upgraded(tool_input["url"])
        try:
            async with httpx2.AsyncClient(timeout=TIMEOUT_S, follow_redirects=False,
                                          headers=_HEADERS) as client:
                for _ in range(MAX_REDIRECTS + 1):
                    async with client.stream("GET", url) as response:
                        if response.is_redirect:
                            target = urljoin(url, response.headers.get("location", ""))
                            if urlsplit(target).hostname != urlsplit(url).hostname:
                                return _redirected(url, target, response, started)
                            url = target
                            continue
                        body = await _limited_body(response)
                        return _page(url, response, body, tool_input["prompt"], started,
                                     int(tool_input.get("offset", 0)))
        except httpx2.HTTPError as exc:
            return error(f"fetching {url} failed: {exc or type(exc).__name__}")
        return error(f"fetching {url} failed: more than {MAX_REDIRECTS} redirects")


def _upgraded(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "http" and not _is_local(parts.hostname or ""):
        return urlunsplit(("https",) + tuple(parts)[1:])
    return url


def _is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def _limited_body(response) -> bytes:
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > MAX_DOWNLOAD_BYTES:
            break
    return bytes(body[:MAX_DOWNLOAD_BYTES])


def _detail(url: str, response, size: int, result: str, started: float) -> dict:
    return {"bytes": size, "code": response.status_code, "codeText": response.reason_phrase,
            "result": result, "durationMs": int((time.monotonic() - started) * 1000), "url": url}


def _redirected(url: str, target: str, response, started: float) -> ToolResult:
    text = (f"{url} redirects to a different host: {target}\n"
            f"Fetch {target} with WebFetch to get its content.")
    return ToolResult(text, detail=_detail(url, response, 0, text, started))


def _page(url: str, response, body: bytes, prompt: str, started: float, offset: int = 0) -> ToolResult:
    if response.status_code >= 400:
        text = f"{url} answered {response.status_code} {response.reason_phrase}"
        return ToolResult(text, is_error=True, detail=_detail(url, response, len(body), text, started))
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and not content_type.startswith(_TEXT_TYPES):
        text = f"{url} is {content_type}, not text; WebFetch returns text content only"
        return ToolResult(text, is_error=True, detail=_detail(url, response, len(body), text, started))
    decoded = body.decode(response.encoding or "utf-8", errors="replace")
    page = html_to_text(decoded) if "html" in content_type or not content_type else decoded
    if offset:
        page = page[offset:]
    if len(page) > MAX_RESULT_CHARS:
        page = page[:MAX_RESULT_CHARS] + f"\n[page cut at {MAX_RESULT_CHARS} characters]"
    text = (f"Content of {url} (workbench returns the page itself; answer this from it: "
            f"{prompt})\n\n{page}")
    return ToolResult(text, detail=_detail(url, response, len(body), page, started))
