"""Export: Markdown with every message, call, result and diff; self-contained HTML; plain JSON."""

import json

from transcript_fixtures import Lines, tool_use, usage

from workbench.transcripts.export import call_diff, cut, fenced, to_html, to_json, to_markdown
from workbench.transcripts.reader import read_transcript
from workbench.transcripts.stats import compute_stats


def test_markdown_holds_every_message_and_every_call_with_its_full_input(rich_session):
    tx = read_transcript(rich_session)
    md = to_markdown(tx, compute_stats(rich_session))
    for text in ["Please fix the greeting in app.py", "go on", "I will read the file.",
                 "Done: the greeting now says hello.", "**Thinking:** Let me look."]:
        assert text in md
    for call_id in ["toolu_read", "toolu_bash", "toolu_edit", "toolu_agent", "toolu_task",
                    "toolu_sub_read", "toolu_leg_glob"]:
        assert f"`{call_id}`" in md
    assert '"command": "pytest -q"' in md
    assert "**Result (error):**" in md
    assert "*Conversation compacted (auto, 1,234 tokens before)*" in md
    assert "**Skipped lines:** 1 (<invalid json> × 1)" in md and "**Cost:** $0.0052" in md


def test_edit_diffs_are_fenced_diff_blocks_built_from_the_structured_patch(rich_session):
    md = to_markdown(read_transcript(rich_session))
    assert "```diff\n--- a/home/dev/project/app.py\n+++ b/home/dev/project/app.py\n" \
           "@@ -1,2 +1,2 @@\n import os\n-print('hi')\n+print('hello')\n```" in md


def test_without_a_structured_patch_the_diff_comes_from_old_and_new_strings(tmp_path):
    s = Lines()
    s.response("m", [tool_use("e1", "Edit", file_path="a.py", old_string="x = 1", new_string="x = 2")],
               usage(1, 1), stop_reason="tool_use")
    s.result("e1", "ok")
    call = read_transcript(s.write(tmp_path / "s.jsonl")).tool_calls["e1"]
    assert call_diff(call).splitlines()[-2:] == ["-x = 1", "+x = 2"]


def test_a_subagent_is_quoted_right_after_the_call_that_spawned_it(rich_session):
    md = to_markdown(read_transcript(rich_session))
    agent_call = md.index("`toolu_agent`")
    sub = md.index("> **Subagent reviewer** (`a1b2`)")
    task_call = md.index("`toolu_task`")
    assert agent_call < sub < task_call
    assert "> ### Tool call: Read `toolu_sub_read`" in md


def test_long_results_are_cut_with_a_marker(tmp_path):
    s = Lines()
    s.response("m", [tool_use("b1", "Bash", command="yes")], usage(1, 1), stop_reason="tool_use")
    s.result("b1", "y\n" * 5000)
    md = to_markdown(read_transcript(s.write(tmp_path / "s.jsonl")), max_result_chars=100)
    assert "… [cut: 9,900 more characters]" in md
    assert cut("short", 10) == "short"


def test_a_fence_outgrows_backticks_inside_the_content():
    assert fenced("a ```` b").startswith("`````\n")


def test_html_is_one_self_contained_page_that_escapes_transcript_html(tmp_path):
    s = Lines()
    s.prompt("<script>alert(1)</script> please")
    s.response("m", [{"type": "text", "text": "<img src=x onerror=alert(1)>"}], usage(1, 1))
    page = to_html(read_transcript(s.write(tmp_path / "s.jsonl")))
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;" in page
    assert "http://" not in page and "https://" not in page  # nothing fetched


def test_html_colours_diff_lines(rich_session):
    page = to_html(read_transcript(rich_session))
    assert '<span class="diff-add">+print(\'hello\')</span>' in page.replace("&#x27;", "'")


def test_json_export_nests_subagents_under_their_calls(rich_session):
    data = to_json(read_transcript(rich_session), compute_stats(rich_session))
    json.dumps(data)
    calls = {c["id"]: c for c in data["tool_calls"]}
    assert calls["toolu_agent"]["subagent"]["agent_id"] == "a1b2"
    assert calls["toolu_bash"]["result"]["is_error"] is True
    assert data["stats"]["errors"] == 1
    assert data["skipped"]["<invalid json>"] == 1
