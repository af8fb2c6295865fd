"""Notices in the conversation: errors, retries and warnings in words, with what the person can do."""

from __future__ import annotations

from textual.content import Content

from workbench.transcripts.events import ErrorOccurred, RetryScheduled, Warning
from workbench.ui.chat.settled import SettledStatic

# (words found in the error type or message) -> what the person can do about it.
_ADVICE: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("auth", "401", "api key", "x-api-key"),
        "Check ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN) and press F5 to run again.",
    ),
    (("permission_error", "403"), "The key is not allowed to use this model; choose another model."),
    (("not_found", "404"), "Check the model name (the agent's `model` field or the pane's choice)."),
    (("rate_limit", "429"), "The API's rate limit was hit; wait a minute, then press F5."),
    (("overloaded", "529"), "The API is overloaded; press F5 to try again in a little while."),
    (
        ("connection", "connect", "timeout", "timed out", "network"),
        "Check the network, or ANTHROPIC_BASE_URL if you use a compatible endpoint; then press F5.",
    ),
    (("max_tokens",), "The reply was cut off at the token limit; ask for less, or split the task."),
    (("invalid_request", "400"), "The request was refused as invalid; the message says which part."),
)


def advice_for(error_type: str, message: str) -> str:
    """What the person can do about an error, from its type and message."""
    haystack = f"{error_type} {message}".lower()
    for needles, advice in _ADVICE:
        if any(needle in haystack for needle in needles):
            return advice
    return "Press F5 to run again; the transcript of this run is kept."


class Notice(SettledStatic):
    """One error, retry or warning, said in words."""

    DEFAULT_CSS = """
    Notice { height: auto; margin: 0 0 1 0; padding: 0 1; border-left: thick $warning; }
    Notice.-error { border-left: thick $error; background: $error 10%; }
    Notice.-retry { border-left: thick $warning; color: $text-muted; }
    Notice.-note { border-left: thick $panel-lighten-2; color: $text-muted; }
    """

    def __init__(self, event: ErrorOccurred | RetryScheduled | Warning, live: bool = True) -> None:
        kind = {ErrorOccurred: "error", RetryScheduled: "retry"}.get(type(event), "warning")
        if isinstance(event, Warning) and event.level == "note":
            kind = "note"
        super().__init__(notice_content(event, live), classes=f"-{kind}")


def notice_content(event: ErrorOccurred | RetryScheduled | Warning, live: bool = True) -> Content:
    """The words of a notice; `live` for a run going on now (a recorded one cannot be stopped)."""
    if isinstance(event, ErrorOccurred):
        advice = event.hint or advice_for(event.error_type, event.message)
        title = f"Error ({event.error_type})" if event.error_type else "Error"
        return Content.assemble((f"{title}: ", "bold $error"), event.message, "\n", (advice, "italic"))
    if isinstance(event, RetryScheduled):
        return Content.assemble(
            ("Retrying: ", "bold $warning"),
            f"{event.reason} — attempt {event.attempt} of {event.max_attempts} "
            f"in {event.delay_s:.1f}s." + (" " if live else ""),
            ("Press Esc to stop." if live else "", "italic"),
        )
    if event.level == "note":
        return Content.assemble(("Note: ", "bold"), event.message)
    return Content.assemble(("Warning: ", "bold $warning"), event.message)
