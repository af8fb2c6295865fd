"""Narrowing a run's events to what a filter shows: errors, one tool, or one subagent call.

The transcript viewer filters the events, not the widgets: a filtered view mounts only the calls
that match (and the Agent calls that lead to them), so filtering a 50 MB session costs what the
matches cost, not a mount of the whole file.

What a filter keeps, as the viewer shows it:
- a matching call whole, with its nested run (every event under it);
- the Agent calls a match sits under, with only the matching part of their nested runs;
- for the errors filter, the error and retry notices (and the Agent calls they sit under);
- the run's end, which closes what never finished.
"""

from __future__ import annotations

from collections.abc import Iterable

from workbench.transcripts.events import (
    ErrorOccurred,
    Event,
    PermissionDecided,
    PermissionRequested,
    RetryScheduled,
    RunEnded,
    RunStarted,
    ToolCallFinished,
    ToolCallStarted,
)

# ("errors", None), ("tool", tool name) or ("subagent", the Agent call's id).
Filter = tuple[str, "str | None"]

# The statuses a call ends in (its block's glyph); anything else a finish reports counts as done.
FINISHED = frozenset({"done", "failed", "denied", "cancelled"})
_CALL_EVENTS = (ToolCallStarted, PermissionRequested, PermissionDecided, ToolCallFinished)


def finished_status(event: ToolCallFinished) -> str:
    """The status a finished call shows: its own when it is one of FINISHED, failed for an error
    result reported as done, else done."""
    status = event.status if event.status in FINISHED else "done"
    return "failed" if status == "done" and event.is_error else status


def call_statuses(events: Iterable[Event]) -> dict[str, str]:
    """Each call's final status as its block shows it: done, failed, denied or cancelled, or
    running for a call that never finished."""
    statuses: dict[str, str] = {}
    for event in events:
        if isinstance(event, ToolCallStarted):
            statuses.setdefault(event.call_id, "running")
        elif isinstance(event, PermissionDecided) and event.decision == "deny":
            statuses[event.call_id] = "denied"
        elif isinstance(event, ToolCallFinished):
            statuses[event.call_id] = finished_status(event)
    return statuses


def filter_events(events: list[Event], wanted: Filter) -> list[Event]:
    """The events of `events`, in order, that the filtered view shows."""
    kind, value = wanted
    parents: dict[str, str | None] = {}
    names: dict[str, str] = {}
    for event in events:
        if isinstance(event, ToolCallStarted):
            parents[event.call_id] = event.parent_call_id
            names[event.call_id] = event.name
    statuses = call_statuses(events) if kind == "errors" else {}

    if kind == "errors":
        matches = {c for c, s in statuses.items() if s in ("failed", "denied")}
    elif kind == "tool":
        matches = {c for c, name in names.items() if name == value}
    elif kind == "subagent":
        matches = {value} if value in names else set()
    else:
        raise ValueError(f"unknown filter {kind!r}")

    def ancestors(call: str | None) -> list[str]:
        chain: list[str] = []
        seen: set[str] = set()
        while call is not None and call in parents and call not in seen:
            seen.add(call)
            chain.append(call)
            call = parents[call]
        return chain

    # Calls shown whole: the matches and everything nested under them.
    whole = {c for c in names if any(a in matches for a in ancestors(c))}
    # Calls shown as the way to a match: their other nested events are left out.
    leading: set[str] = set()
    for call in matches:
        leading.update(ancestors(parents.get(call)))
    if kind == "errors":
        for event in events:
            if isinstance(event, (ErrorOccurred, RetryScheduled)):
                leading.update(ancestors(event.parent_call_id))
    leading -= whole
    shown = whole | leading

    kept: list[Event] = []
    for event in events:
        lane = event.parent_call_id
        if lane is not None and lane in whole:
            kept.append(event)
        elif isinstance(event, _CALL_EVENTS):
            if event.call_id in shown:
                kept.append(event)
        elif isinstance(event, (ErrorOccurred, RetryScheduled)):
            # API errors and retry notices are their own events: the errors filter lists them.
            if kind == "errors" and (lane is None or lane in shown):
                kept.append(event)
        elif isinstance(event, (RunStarted, RunEnded)):
            # A nested run's start tints its Agent call and its end closes its streams; the top
            # run's end marks calls that never finished as cancelled (and says how the run ended).
            if (lane is None and isinstance(event, RunEnded)) or lane in shown:
                kept.append(event)
    return kept
