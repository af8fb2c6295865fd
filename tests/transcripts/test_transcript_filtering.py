"""Filtering a transcript's events for the viewer: errors, one tool, one subagent call."""

from __future__ import annotations

from workbench.transcripts.events import (
    AssistantMessage,
    ErrorOccurred,
    PermissionDecided,
    RunEnded,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
    UsageTotals,
)
from workbench.transcripts.filtering import call_statuses, filter_events
from workbench.transcripts.reader import read_transcript
from workbench.transcripts.replay import transcript_events


def _started(events) -> list[str]:
    return [e.call_id for e in events if isinstance(e, ToolCallStarted)]


def _events(path):
    return list(transcript_events(read_transcript(path)))


def test_a_tool_filter_keeps_its_calls_and_the_agent_calls_that_lead_to_them(rich_session):
    events = _events(rich_session)
    kept = filter_events(events, ("tool", "Read"))
    assert _started(kept) == ["toolu_read", "toolu_agent", "toolu_sub_read"]
    # The Agent call leads to a match: its own start and finish are kept, but not the rest of its
    # nested run (the subagent's reply), while the matching nested call comes whole.
    nested = [e for e in kept if e.parent_call_id == "toolu_agent"]
    assert {type(e) for e in nested} <= {ToolCallStarted, ToolCallFinished, PermissionDecided}
    assert any(isinstance(e, ToolCallFinished) and e.call_id == "toolu_agent" for e in kept)
    assert not any(isinstance(e, AssistantMessage) for e in kept)


def test_a_subagent_filter_keeps_the_call_whole_with_its_nested_run(rich_session):
    events = _events(rich_session)
    kept = filter_events(events, ("subagent", "toolu_task"))
    assert _started(kept) == ["toolu_task", "toolu_leg_glob"]
    whole = [e for e in events if e.parent_call_id == "toolu_task"]
    assert [e for e in kept if e.parent_call_id == "toolu_task"] == whole
    assert any(isinstance(e, AssistantMessage) for e in whole)


def test_the_errors_filter_keeps_failed_calls_and_error_notices_in_order(rich_session):
    events = _events(rich_session)
    assert _started(filter_events(events, ("errors", None))) == ["toolu_bash"]
    assert call_statuses(events)["toolu_bash"] == "failed"

    made_up = [
        ToolCallStarted(call_id="a", name="Agent", input={}),
        ToolCallStarted(call_id="b", name="Bash", input={}, parent_call_id="a"),
        PermissionDecided(call_id="b", name="Bash", decision="deny", parent_call_id="a"),
        TextDelta(text="I could not run it.", parent_call_id="a"),
        ErrorOccurred(message="overloaded", parent_call_id="a"),
        ToolCallFinished(call_id="b", name="Bash", status="denied", content="", parent_call_id="a"),
        ToolCallFinished(call_id="a", name="Agent", status="done", content="ok"),
        ToolCallStarted(call_id="c", name="Read", input={}),
        RunEnded(status="completed", turns=1, usage=UsageTotals(), cost_usd=0.0, duration_ms=0.0,
                 tool_calls=3),
    ]
    kept = filter_events(made_up, ("errors", None))
    # The denied call and the notice, under the Agent call that leads to them; the reply text and
    # the unrelated Read are left out; the run's end closes what never finished.
    assert [type(e).__name__ for e in kept] == [
        "ToolCallStarted", "ToolCallStarted", "PermissionDecided", "ErrorOccurred",
        "ToolCallFinished", "ToolCallFinished", "RunEnded"]
    assert call_statuses(made_up) == {"a": "done", "b": "denied", "c": "running"}


def test_nothing_matching_keeps_nothing_but_the_end(rich_session):
    events = _events(rich_session)
    assert _started(filter_events(events, ("tool", "NoSuchTool"))) == []
    assert filter_events(events, ("subagent", "toolu_read_missing")) == \
        [e for e in events if isinstance(e, RunEnded) and e.parent_call_id is None]
