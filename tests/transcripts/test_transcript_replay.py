"""A read transcript replays as the event vocabulary, subagents nested under their calls."""

from workbench.transcripts.events import (
    AssistantMessage,
    ToolCallFinished,
    ToolCallStarted,
    UserMessage,
    Warning,
)
from workbench.transcripts.reader import read_transcript
from workbench.transcripts.replay import transcript_events


def test_prompts_responses_and_calls_come_in_reading_order(rich_session):
    events = list(transcript_events(read_transcript(rich_session)))
    top = [e for e in events if e.depth == 0]
    kinds = [type(e).__name__ for e in top[:6]]
    assert kinds == ["UserMessage", "AssistantMessage", "UserMessage", "AssistantMessage",
                     "ToolCallStarted", "ToolCallFinished"]
    started = [e.call_id for e in top if isinstance(e, ToolCallStarted)]
    assert started == ["toolu_read", "toolu_bash", "toolu_edit", "toolu_agent", "toolu_task"]


def test_a_failed_call_finishes_as_failed_and_an_edit_carries_its_patch(rich_session):
    events = list(transcript_events(read_transcript(rich_session)))
    finished = {e.call_id: e for e in events if isinstance(e, ToolCallFinished)}
    assert finished["toolu_bash"].status == "failed" and finished["toolu_bash"].is_error
    assert finished["toolu_edit"].detail["structuredPatch"][0]["newStart"] == 1


def test_each_subagent_follows_its_own_call_one_level_deeper(rich_session):
    events = list(transcript_events(read_transcript(rich_session)))
    start = next(i for i, e in enumerate(events)
                 if isinstance(e, ToolCallStarted) and e.call_id == "toolu_agent")
    end = next(i for i, e in enumerate(events)
               if isinstance(e, ToolCallFinished) and e.call_id == "toolu_agent")
    nested = events[start + 1: end]
    assert nested and all(e.depth == 1 and e.parent_call_id == "toolu_agent" for e in nested)
    assert any(isinstance(e, ToolCallStarted) and e.call_id == "toolu_sub_read" for e in nested)
    assert isinstance(nested[0], UserMessage)


def test_compaction_becomes_a_visible_notice(rich_session):
    events = list(transcript_events(read_transcript(rich_session)))
    notes = [e.message for e in events if isinstance(e, Warning)]
    assert notes == ["Conversation compacted (1,234 tokens before)"]
    assert sum(isinstance(e, AssistantMessage) and e.depth == 0 for e in events) == 6
