"""Totals: de-duplicated by response across a session and its subagents, cache apart, errors, skips."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from transcript_fixtures import Lines, tool_use, usage

from workbench.transcripts.reader import read_transcript
from workbench.transcripts.stats import compute_stats, stats_text


def test_totals_count_each_response_once_across_split_lines_and_subagent_files(rich_session):
    stats = compute_stats(rich_session)
    # main: msg_1..msg_6; subagent: sub_1, sub_2 (+ msg_6 again); legacy: leg_1, leg_2
    assert stats.responses == 10 and stats.files == 3
    assert stats.input_tokens == 174
    assert stats.output_tokens == 134
    assert stats.cache_creation_input_tokens == 600
    assert stats.cache_read_input_tokens == 1400


def test_the_json_object_has_exactly_the_issue_keys(rich_session):
    data = compute_stats(rich_session).to_dict()
    assert list(data) == [
        "input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens",
        "cost_usd", "tool_calls", "errors", "api_errors", "retries", "skipped_lines",
    ]
    assert data["tool_calls"] == {"Agent": 1, "Bash": 1, "Edit": 1, "Glob": 1, "Read": 2, "Task": 1}
    assert data["errors"] == 1
    assert data["skipped_lines"] == 1  # the truncated last line; bookkeeping is not skipped
    # Sonnet 4.5: 174 x 3 + 134 x 15 + 600 x 3.75 + 1400 x 0.30 per million
    assert data["cost_usd"] == 0.005202
    json.dumps(data)


def test_the_last_usage_of_a_response_wins_over_an_early_partial_one(tmp_path):
    s = Lines()
    s.response("m", [{"type": "text", "text": "a"}], usage(10, 1), stop_reason=None)
    s.response("m", [{"type": "text", "text": "b"}], usage(10, 50))
    s.response("m", [{"type": "text", "text": "b"}], usage(10, 3))  # a stale copy, smaller
    assert compute_stats(s.write(tmp_path / "s.jsonl")).output_tokens == 50


def test_responses_without_request_id_are_still_deduplicated_by_message_id(tmp_path):
    s = Lines()
    for _ in range(3):
        s.response("m", [{"type": "text", "text": "a"}], usage(7, 1), request_id=None)
    assert compute_stats(s.write(tmp_path / "s.jsonl")).input_tokens == 7


def test_the_same_message_id_under_two_request_ids_is_two_responses(tmp_path):
    s = Lines()
    s.response("m", [{"type": "text", "text": "a"}], usage(7, 1), request_id="r1")
    s.response("m", [{"type": "text", "text": "a"}], usage(7, 1), request_id="r2")
    assert compute_stats(s.write(tmp_path / "s.jsonl")).input_tokens == 14


def test_api_error_messages_and_workbench_error_events_count_as_errors(tmp_path):
    s = Lines()
    s.add(s._base("assistant", isApiErrorMessage=True,
                  message={"id": "e", "model": "<synthetic>", "content": [], "usage": usage(0, 0)}))
    s.add({"type": "workbench", "subtype": "error", "event": {"event": "error", "message": "x"}})
    stats = compute_stats(s.write(tmp_path / "s.jsonl"))
    assert stats.errors == 2 and stats.cost_usd == 0.0


def test_an_empty_file_has_zero_totals(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"\n\n")
    assert compute_stats(path).to_dict() == {
        "input_tokens": 0, "output_tokens": 0, "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0, "cost_usd": 0.0, "tool_calls": {}, "errors": 0,
        "api_errors": 0, "retries": 0, "skipped_lines": 0,
    }


def test_the_text_summary_names_cache_reads_and_writes_and_each_tool(rich_session):
    text = stats_text(compute_stats(rich_session))
    assert "cache writes            600" in text
    assert "cache reads           1,400" in text
    assert "Read" in text and "skipped lines             1" in text


_response = st.tuples(
    st.sampled_from(["m1", "m2", "m3"]),
    st.integers(0, 500),
    st.integers(0, 500),
    st.booleans(),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_response, max_size=12))
def test_fast_totals_agree_with_the_full_model(tmp_path_factory, responses):
    s = Lines()
    for i, (msg_id, inp, out, with_call) in enumerate(responses):
        blocks = [tool_use(f"call_{i}", "Read")] if with_call else [{"type": "text", "text": "t"}]
        s.response(msg_id, blocks, usage(inp, out), request_id=None)
    path = s.write(tmp_path_factory.mktemp("h") / "s.jsonl")
    stats = compute_stats(path)
    tx = read_transcript(path)
    assert stats.output_tokens == sum(m.usage["output_tokens"] for m in tx.messages)
    assert stats.input_tokens == sum(m.usage["input_tokens"] for m in tx.messages)
    assert sum(stats.tool_calls.values()) == len(tx.tool_calls)
