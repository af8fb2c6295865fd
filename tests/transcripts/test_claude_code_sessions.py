"""Transcript review on sessions the real Claude Code CLI wrote (issue 15).

The files in fixtures/claude_code/ were recorded by record_claude_sessions.py: the bundled CLI
against the scripted stand-in, every response logged in responses.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.transcripts import export
from workbench.transcripts.pricing import cost_usd
from workbench.transcripts.reader import read_transcript
from workbench.transcripts.stats import compute_stats, stats_text
from workbench.transcripts.text import render_text

RECORDED = Path(__file__).parent / "fixtures" / "claude_code"
SESSION = RECORDED / "session.jsonl"
FORKED = RECORDED / "forked.jsonl"
NESTED = RECORDED / "nested.jsonl"


def _all_calls(tx):
    for t in tx.all_transcripts():
        yield from t.tool_calls.values()


def test_a_fork_subagent_hangs_under_the_parents_agent_call_and_is_shown():
    tx = read_transcript(SESSION)
    fork_call = tx.tool_calls["toolu_agent_fork"]
    assert fork_call.subagent is not None, "the fork's own copy of the call won the link"
    assert fork_call.subagent.agent_type == "fork"
    fork_tx = fork_call.subagent.transcript
    assert "toolu_fork_read" in fork_tx.tool_calls
    # The text view, the Markdown and the JSON export all show the fork's own work.
    stats = compute_stats(SESSION)
    text = render_text(tx, stats)
    assert "Reading the notes." in text and "Read(/home/dev/proj/notes.txt)" in text
    markdown = export.to_markdown(tx, stats)
    assert "The notes list two open tasks." in markdown
    assert "toolu_fork_read" in markdown
    data = export.to_json(tx, stats)
    fork_json = next(c for c in data["tool_calls"] if c["id"] == "toolu_agent_fork")
    assert fork_json["subagent"]["meta"]["agentType"] == "fork"
    # The viewer's events: the fork's Read is nested under the parent's fork call.
    from workbench.transcripts.events import ToolCallStarted
    from workbench.transcripts.replay import transcript_events

    started = {e.call_id: e for e in transcript_events(tx) if isinstance(e, ToolCallStarted)}
    assert started["toolu_fork_read"].parent_call_id == "toolu_agent_fork"


def _cost_states(path):
    lines = [json.loads(raw) for raw in path.read_text(encoding="utf-8").splitlines()]
    return [d for d in lines if d.get("type") == "cost-state"]


def test_claude_codes_own_total_is_shown_beside_the_lines_total_and_the_difference_explained():
    last = _cost_states(SESSION)[-1]
    stats = compute_stats(SESSION)
    total = stats.claude_code
    assert total is not None and total.cost_usd == pytest.approx(last["totalCostUSD"])
    usage = last["modelUsage"]["claude-opus-5-5"]
    assert total.models["claude-opus-5-5"]["input_tokens"] == usage["inputTokens"]
    assert total.tokens["output_tokens"] == usage["outputTokens"]
    # /compact's calls (the two summaries the stand-in sent after the compaction) are in no line.
    logged = json.loads((RECORDED / "responses.json").read_text())
    assert total.cost_usd > stats.cost_usd
    why = stats.cost_difference()
    assert why and "compacted" in why and "8,000 more input tokens" in why
    assert sum(1 for e in logged if e["script"] == "-" and e["messages"] == 10) == 2
    data = stats.to_dict()
    assert data["claude_code_total"]["cost_usd"] == round(last["totalCostUSD"], 6)
    for shown in (stats_text(stats), render_text(read_transcript(SESSION), stats),
                  export.to_markdown(read_transcript(SESSION), stats)):
        assert "in the transcript lines" in shown and "Claude Code's total" in shown
        assert f"${last['totalCostUSD']:,.4f}" in shown and "compacted once" in shown


def test_the_viewer_header_shows_both_totals_and_why_they_differ():
    import asyncio

    from workbench.ui.transcripts_app import TranscriptsApp

    async def run():
        app = TranscriptsApp(SESSION)
        async with app.run_test(size=(160, 40)) as pilot:
            for _ in range(200):
                await pilot.pause()
                header = str(app.screen.query_one("#transcript-header").render())
                if "Claude Code's total" in header:
                    break
            assert "in the transcript lines" in header and "Claude Code's total" in header
            assert "The totals differ" in header and "compacted once" in header

    asyncio.run(run())


def _viewer(path, check, size=(160, 50)):
    """Open `path` in the real viewer and run `check(app)` once the file is read."""
    import asyncio

    from workbench.ui.transcripts_app import TranscriptsApp

    async def run():
        app = TranscriptsApp(path)
        async with app.run_test(size=size) as pilot:
            for _ in range(300):
                await pilot.pause()
                header = str(app.screen.query_one("#transcript-header").render())
                if app.screen.loaded and "$" in header:  # read, and the totals are in
                    break
            await pilot.pause()
            await check(app, pilot)

    asyncio.run(run())


def test_a_failed_edit_shows_its_error_and_no_diff():
    tx = read_transcript(SESSION)
    call = tx.tool_calls["toolu_edit_fail"]
    assert call.is_error
    text = render_text(tx)
    section = text.split("Edit(/home/dev/proj/README.md)")[1].split("\n●")[0]
    assert "String to replace not found" in section
    assert "+replacement" not in section and "@@" not in section
    markdown = export.to_markdown(tx)
    md_section = markdown.split("Tool call: Edit")[1].split("### Tool call")[0]
    assert "```diff" not in md_section and "String to replace not found" in md_section

    async def check(app, pilot):
        from workbench.ui.chat.tool_block import ToolCallBlock

        block = next(b for b in app.screen.query(ToolCallBlock) if b.call_id == "toolu_edit_fail")
        assert block.status == "failed"
        header = str(block.header_content())
        assert "+1 -1" not in header
        assert block._diff is not None and not block._diff.display
        assert "String to replace not found" in block.body_text()

    _viewer(SESSION, check)


def test_api_errors_and_retry_notices_are_their_own_events_counted_once():
    stats = compute_stats(SESSION)
    assert stats.api_errors == 1 and stats.retries == 2
    # The synthetic error message is neither a response nor a model.
    assert "<synthetic>" not in stats.models
    logged = json.loads((RECORDED / "responses.json").read_text())
    # Ground truth: the scripted replies of the first run (the last one answers the two
    # task notifications); the ERR turn got only errors.
    sent = {
        e["frames"][0].split('"id": "')[1].split('"')[0] for e in logged if e["status"] == 200
        and (e["script"] in {"MAIN", "SUB", "FORK"} or (e["script"] == "-" and e["messages"] == 8))
    }
    assert len(sent) == 8 and stats.responses == len(sent)
    # Errors: the failed Edit, the denied Bash and the API error, each once.
    assert stats.errors == 3
    text = render_text(read_transcript(SESSION), stats)
    assert "↻ retry 1/10" in text and "529 Overloaded" in text
    assert "✗ API Error: 400 the stand-in refuses this request" in text
    assert "● API Error" not in text
    markdown = export.to_markdown(read_transcript(SESSION), stats)
    assert "## API error" in markdown and "retry 2/10" in markdown

    async def check(app, pilot):
        from workbench.ui.chat.notice import Notice
        from workbench.ui.chat.tool_block import ToolCallBlock
        from workbench.ui.screens.transcript_view import _shown

        header = str(app.screen.query_one("#transcript-header").render())
        assert "3 errors" in header and "2 retries" in header
        await pilot.press("e")
        for _ in range(50):
            await pilot.pause()
            if app.screen.filter == ("errors", None):
                break
        await pilot.pause()
        blocks = [b for b in app.screen.query(ToolCallBlock) if _shown(b)]
        notices = [n for n in app.screen.query(Notice) if _shown(n)]
        failed = {b.call_id for b in blocks if b.status in ("failed", "denied")}
        assert "toolu_edit_fail" in failed and "toolu_bash_denied" in failed
        errors = [n for n in notices if n.has_class("-error")]
        retries = [n for n in notices if n.has_class("-retry")]
        assert len(errors) == 1 and "the stand-in refuses" in str(errors[0].render())
        assert len(retries) == 2 and "529 Overloaded" in str(retries[0].render())

    _viewer(SESSION, check)


def test_bookkeeping_lines_are_not_skipped_and_every_view_counts_skipped_lines_alike(tmp_path):
    import shutil

    # The recorded session as written (no skipped line), then with one half-written last line
    # and one JSON line that is no entry, in a subagent file.
    stats = compute_stats(SESSION)
    tx = read_transcript(SESSION)
    assert stats.skipped_lines == 0 and sum(tx.all_skipped.values()) == 0
    assert tx.ignored["cost-state"] == 3 and tx.ignored["attachment"] > 0
    text = render_text(tx, stats)
    assert "skipped" not in text.splitlines()[1]
    copy = tmp_path / "session.jsonl"
    shutil.copy(SESSION, copy)
    shutil.copytree(RECORDED / "session", tmp_path / "session")
    sub = next((tmp_path / "session" / "subagents").glob("agent-*.jsonl"))
    with sub.open("a", encoding="utf-8") as fh:
        fh.write("[1, 2]\n")
    with copy.open("a", encoding="utf-8") as fh:
        fh.write('{"type": "assistant", "message": {"id": "msg_cut"\n')
    stats = compute_stats(copy)
    tx = read_transcript(copy)
    assert stats.skipped_lines == 2
    assert "2 lines skipped (not JSON or not an entry)" in render_text(tx, stats)
    assert "**Skipped lines:** 2 (<invalid json> × 1, <not an entry> × 1)" in export.to_markdown(tx, stats)
    assert stats.to_dict()["skipped_lines"] == 2

    async def check(app, pilot):
        header = str(app.screen.query_one("#transcript-header").render())
        assert "2 lines skipped" in header

    _viewer(copy, check)


def _usage_of(logged: dict) -> dict:
    """The usage a logged stand-in response reported (message_start, then message_delta)."""
    usage: dict = {}
    for frame in logged["frames"]:
        data = json.loads(frame.split("data: ", 1)[1])
        usage.update((data.get("message") or {}).get("usage") or {})
        usage.update(data.get("usage") or {})
    return usage


def _project_copy(tmp_path):
    """The recorded sessions in a Claude Code projects folder of their own."""
    import shutil

    root = tmp_path / "claude" / "projects"
    shutil.copytree(RECORDED, root / "-home-dev-proj", ignore=shutil.ignore_patterns("*.json"))
    for meta in (RECORDED).rglob("*.meta.json"):
        dest = root / "-home-dev-proj" / meta.relative_to(RECORDED)
        shutil.copy(meta, dest)
    return root


def test_a_fork_session_copy_is_listed_as_a_fork_of_its_parent_and_counted_once(tmp_path):
    from workbench.transcripts.discovery import discover, listing_text, listing_total

    root = _project_copy(tmp_path)
    runs = discover(claude_dirs=[root], runs_dir=tmp_path / "none", cache_path=tmp_path / "c.json")
    by_name = {Path(r.path).stem: r for r in runs}
    parent, fork = by_name["session"], by_name["forked"]
    assert fork.forked_from == parent.session_id and not parent.forked_from
    # Ground truth: the fork made one response of its own (AFTER); the rest it copied.
    logged = json.loads((RECORDED / "responses.json").read_text())
    own = [e for e in logged if e["script"] == "AFTER"]
    assert len(own) == 1
    own_cost = cost_usd(own[0]["model"], _usage_of(own[0]))
    assert fork.shared_cost_usd > 0
    assert fork.cost_usd - fork.shared_cost_usd == pytest.approx(own_cost)
    pair = [parent, fork]
    assert listing_total(pair) == pytest.approx(parent.cost_usd + own_cost)
    assert listing_total(pair) < parent.cost_usd + fork.cost_usd
    text = listing_text(pair)
    assert f"(fork of {parent.session_id})" in text and "counted once" in text

    async def check(app, pilot):
        from textual.widgets import DataTable

        table = app.screen.query_one(DataTable)
        titles = [str(table.get_row(path)[2]) for path in (parent.path, fork.path)]
        assert titles[1].startswith(f"⑂ fork of {parent.session_id[:8]}")
        assert not titles[0].startswith("⑂")

    import asyncio

    from workbench.ui.screens.transcripts import TranscriptBrowser
    from workbench.ui.transcripts_app import TranscriptsApp

    async def run():
        browser = TranscriptBrowser(claude_dirs=[root], runs_dir=tmp_path / "none",
                                    cache_path=tmp_path / "c2.json")
        app = TranscriptsApp(browser=browser)
        async with app.run_test(size=(160, 30)) as pilot:
            for _ in range(200):
                await pilot.pause()
                if app.screen.loaded:
                    break
            await pilot.pause()
            await check(app, pilot)

    asyncio.run(run())


PRICES = json.loads((RECORDED / "prices.json").read_text())


@pytest.mark.parametrize("model, run", [(m, r) for m, runs in PRICES.items() for r in runs])
def test_every_price_agrees_with_claude_codes_own_cost(model, run):
    # Each run used one token class, so Claude Code's cost is that class's price.
    recorded = PRICES[model][run]
    assert cost_usd(model, recorded["usage"]) == pytest.approx(recorded["totalCostUSD"], rel=1e-9)
    assert recorded["modelUsage"][model]["costUSD"] == pytest.approx(recorded["totalCostUSD"])


def _sub_by_type(tx, agent_type):
    return next(c.subagent for c in _all_calls(tx)
                if c.subagent is not None and c.subagent.agent_type == agent_type)


def test_redacted_thinking_is_shown_in_the_text_view_and_the_export():
    tx = read_transcript(SESSION)
    sub = tx.tool_calls["toolu_agent_sub"].subagent
    assert any(b.get("type") == "redacted_thinking" for m in sub.transcript.messages for b in m.content)
    assert "✻ thinking (redacted" in render_text(tx)
    assert "**Thinking (redacted):**" in export.to_markdown(tx)

    async def check(app, pilot):
        from workbench.ui.chat.conversation import WholeThinking

        texts = [s.text for s in app.screen.query(WholeThinking)]
        assert any(t.startswith("(redacted thinking") for t in texts)
        assert any(t.startswith("The user wants a review") for t in texts)

    _viewer(SESSION, check)


def test_a_task_notification_is_a_notice_not_the_persons_typing():
    from workbench.transcripts.events import UserMessage, Warning
    from workbench.transcripts.replay import transcript_events

    tx = read_transcript(SESSION)
    kinds = [m.kind for m in tx.messages if "<task-notification>" in m.text]
    assert kinds == ["notification", "notification"]
    text = render_text(tx)
    assert "> <task-notification>" not in text
    assert '⚑ task notification: Agent "Check notes" finished (completed)' in text
    markdown = export.to_markdown(tx)
    assert "Z\n\n<task-notification>" not in markdown  # never a "## User · time" section
    assert '*task notification: Agent "Check notes" finished (completed)' in markdown
    events = list(transcript_events(tx))
    typed = [e for e in events if isinstance(e, UserMessage)]
    assert all("task-notification" not in str(e.message["content"]) for e in typed)
    assert any(isinstance(e, Warning) and 'Agent "Review README" finished' in e.message
               for e in events)
    # A notification starts no turn of its own: the turns are the typed prompts and commands.
    assert [t.prompt.kind for t in tx.turns if t.prompt] == ["prompt", "prompt", "command"]


def test_a_permission_rejection_is_denied_with_its_reason():
    tx = read_transcript(SESSION)
    call = tx.tool_calls["toolu_bash_denied"]
    assert call.denied and not tx.tool_calls["toolu_edit_fail"].denied
    assert ("⎿ denied: Permission to use Bash with command rm -rf build has been denied."
            in render_text(tx))
    assert "**Denied:**" in export.to_markdown(tx)

    async def check(app, pilot):
        from workbench.ui.chat.tool_block import ToolCallBlock

        block = next(b for b in app.screen.query(ToolCallBlock) if b.call_id == "toolu_bash_denied")
        assert block.status == "denied"
        assert "rm -rf build has been denied" in block.body_text()

    _viewer(SESSION, check)


def test_the_compact_command_turn_is_the_command_and_its_output_not_raw_xml():
    tx = read_transcript(SESSION)
    text = render_text(tx)
    assert "<command-name>" not in text and "<local-command-stdout>" not in text
    assert "> /compact\n  ⎿ Compacted" in text
    markdown = export.to_markdown(tx)
    assert "## Command" in markdown and "`/compact`" in markdown and "<command-name>" not in markdown


def test_a_tool_reference_result_names_the_tool():
    tx = read_transcript(SESSION)
    assert tx.tool_calls["toolu_search"].result.text == "[tool_reference: WebFetch]"
    assert "⎿ [tool_reference: WebFetch]" in render_text(tx)


def test_a_long_hand_back_that_repeats_the_subagents_report_is_folded():
    from workbench.transcripts.events import ToolCallFinished
    from workbench.transcripts.replay import transcript_events

    tx = read_transcript(NESTED)
    grand_call = next(c for c in _all_calls(tx) if c.input.get("description") == "Check README")
    assert grand_call.subagent is not None and "Findings for the README" in grand_call.result.text
    text = render_text(tx)
    # The report is shown once, in the subagent's run, not again as the call's result.
    assert text.count("- point 24: the section 24") == 2  # the child's and the grandchild's own
    assert "hand-back: the subagent's final report" in text
    markdown = export.to_markdown(tx)
    assert markdown.count("- point 24: the section 24") == 2
    finished = next(e for e in transcript_events(tx)
                    if isinstance(e, ToolCallFinished) and e.call_id == grand_call.id)
    assert "point 24" not in finished.content and "final report" in finished.content


def _stats_json(capsys, *argv):
    from workbench.cli import main

    assert main(["transcript", "stats", *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def _ground_truth_ids():
    """Every response the stand-in sent that a line records (not /compact's two summaries)."""
    logged = json.loads((RECORDED / "responses.json").read_text())
    return {e["frames"][0].split('"id": "')[1].split('"')[0] for e in logged
            if e["status"] == 200 and not (e["script"] == "-" and e["messages"] == 10)}


def test_stats_totals_many_sessions_and_folders_in_one_process(capsys):
    data = _stats_json(capsys, str(RECORDED))
    assert data["sessions"] == 3
    # Each response once, though the fork repeats its parent's and subagents sit in their files.
    assert data["responses"] == len(_ground_truth_ids())
    one_by_one = [_stats_json(capsys, str(p)) for p in (SESSION, FORKED, NESTED)]
    assert data["cost_usd"] < sum(d["cost_usd"] for d in one_by_one)
    # Claude Code's totals: the parent's, the fork's own part and the nested session's.
    lines = {p.stem: _cost_states(p)[-1]["totalCostUSD"] for p in (SESSION, FORKED, NESTED)}
    fork_own = lines["forked"] - _cost_states(SESSION)[0]["totalCostUSD"]
    assert data["claude_code_total"]["cost_usd"] == pytest.approx(
        lines["session"] + fork_own + lines["nested"], abs=1e-6)
    # Files and folders mix; a session named twice counts once.
    again = _stats_json(capsys, str(SESSION), str(RECORDED))
    assert again["responses"] == data["responses"] and again["sessions"] == 3


@pytest.mark.parametrize("by", ["session", "day", "model", "agent"])
def test_stats_by_group_rows_add_up_to_the_total(capsys, by):
    data = _stats_json(capsys, str(RECORDED), "--by", by)
    rows = {r["key"]: r for r in data["rows"]}
    assert sum(r["responses"] for r in rows.values()) == data["responses"]
    assert sum(r["cost_usd"] for r in rows.values()) == pytest.approx(data["cost_usd"], abs=1e-5)
    if by == "agent":
        assert set(rows) == {"main", "general-purpose", "fork"}
        assert rows["fork"]["responses"] == 2  # the fork's own two, not the copy of the call
    if by == "session":
        assert set(rows) == {"session", "forked", "nested"}
        assert rows["forked"]["responses"] == 1  # the copied responses are the parent's
    if by == "model":
        assert set(rows) == {"claude-opus-5-5"}
    if by == "day":
        assert all(len(k) == 10 and k.startswith("20") for k in rows)


def test_stats_project_and_all_find_every_recorded_session(tmp_path, monkeypatch, capsys):
    import shutil

    from test_transcript_workbench_runs import _write_run
    from workbench.transcripts.reader import project_dir_name

    project = tmp_path / "proj"
    project.mkdir()
    config = tmp_path / "claude"
    shutil.copytree(RECORDED, config / "projects" / project_dir_name(str(project)))
    other = config / "projects" / "-elsewhere"
    other.mkdir()
    shutil.copy(NESTED, other / "other.jsonl")
    data_dir = tmp_path / "data"
    _write_run(data_dir / "transcripts" / "2026-11-27" / "run-1.jsonl")
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(config))
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(data_dir))
    in_project = _stats_json(capsys, "--project", str(project))
    assert in_project["sessions"] == 3
    assert in_project["responses"] == len(_ground_truth_ids())
    everything = _stats_json(capsys, "--all", "--by", "session")
    assert everything["sessions"] == 5  # three here, one elsewhere, one workbench run
    keys = {r["key"] for r in everything["rows"]}
    assert {"session", "forked", "nested", "other", "run-1"} <= keys
    from workbench.cli import main

    assert main(["transcript", "stats", "--all", "--by", "agent"]) == 0
    text = capsys.readouterr().out
    assert "general-purpose" in text and "5 sessions" in text


def test_the_browser_columns_have_their_widths_the_moment_the_rows_are_in(tmp_path):
    import asyncio

    from textual.widgets import DataTable

    from workbench.transcripts.discovery import discover
    from workbench.ui.screens.transcripts import TranscriptBrowser
    from workbench.ui.transcripts_app import TranscriptsApp

    root = _project_copy(tmp_path)
    runs = discover(claude_dirs=[root], runs_dir=tmp_path / "none", cache_path=tmp_path / "c.json")

    async def run():
        # Nothing found at first; then the listing arrives and is drawn before any idle pass
        # of the table (the race of a fast, cached discovery at first layout).
        browser = TranscriptBrowser(claude_dirs=[tmp_path / "empty"], runs_dir=tmp_path / "none",
                                    cache_path=tmp_path / "c2.json")
        app = TranscriptsApp(browser=browser)
        async with app.run_test(size=(160, 30)) as pilot:
            for _ in range(100):
                await pilot.pause()
                if browser.loaded:
                    break
            table = browser.query_one(DataTable)
            browser.runs = runs
            browser._refill()
            widths = {str(c.label): c.get_render_width(table) - 2 for c in table.ordered_columns}
            assert widths["When"] == 16 and widths["Title"] >= 30 and widths["Tokens"] >= 6
            fork = next(r for r in runs if r.forked_from)
            row = table.get_row(fork.path)
            assert str(row[-1]) == f"${fork.cost_usd:.4f}"  # four decimals below $1
            assert widths["Cost"] == len(str(row[-1]))

    asyncio.run(run())


def test_costs_show_four_decimals_below_a_dollar_and_two_above():
    from workbench.ui.screens.transcripts import cost_text

    assert cost_text(0.0540) == "$0.0540" and cost_text(0.00826) == "$0.0083"
    assert cost_text(12.5) == "$12.50"


def _raw(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("path", [SESSION, FORKED, NESTED], ids=lambda p: p.stem)
def test_every_call_result_thinking_subagent_and_error_in_the_files_is_shown_in_order(path):
    from workbench.transcripts.events import ErrorOccurred, ToolCallFinished, ToolCallStarted
    from workbench.transcripts.reader import subagent_files
    from workbench.transcripts.replay import transcript_events

    files = [path, *subagent_files(path)]
    calls, thoughts, errors = [], [], []
    for file in files:
        for d in _raw(file):
            content = (d.get("message") or {}).get("content") if d.get("type") == "assistant" else None
            if d.get("isApiErrorMessage"):
                errors.append(d["message"]["content"][0]["text"].splitlines()[0])
                continue
            for block in content if isinstance(content, list) else []:
                if block["type"] == "tool_use" and block["id"] not in calls:
                    calls.append(block["id"])
                elif block["type"] == "thinking":
                    thoughts.append(block["thinking"])
    tx = read_transcript(path)
    stats = compute_stats(path)
    markdown = export.to_markdown(tx, stats)
    text = render_text(tx, stats)
    data = json.dumps(export.to_json(tx, stats))
    for call_id in calls:
        assert f"`{call_id}`" in markdown and call_id in data
    main_calls = [c for c in calls if c in tx.tool_calls]
    positions = [markdown.index(f"`{c}`") for c in main_calls]
    assert positions == sorted(positions)
    for thought in thoughts:
        assert thought in markdown and thought[:60] in text
    for error in errors:
        assert error in markdown and error in text
    events = list(transcript_events(tx))
    started = [e.call_id for e in events if isinstance(e, ToolCallStarted)]
    finished = {e.call_id for e in events if isinstance(e, ToolCallFinished)}
    assert set(calls) <= set(started) and set(calls) <= finished
    assert sum(isinstance(e, ErrorOccurred) for e in events) == len(errors)
    # Every subagent file hangs under a call (none is left unlinked).
    linked = {c.subagent.path for c in _all_calls(tx) if c.subagent is not None}
    assert linked == set(files[1:])


def test_a_fork_session_names_its_parent_in_every_view():
    parent = read_transcript(SESSION)
    fork = read_transcript(FORKED)
    assert fork.forked_from == parent.session_id and parent.forked_from is None
    assert f"⑂ fork of {parent.session_id}" in render_text(fork).splitlines()[1]
    assert f"- **Forked from:** {parent.session_id}" in export.to_markdown(fork)
    assert export.to_json(fork)["forked_from"] == parent.session_id

    async def check(app, pilot):
        header = str(app.screen.query_one("#transcript-header").render())
        assert f"fork of {parent.session_id}" in header

    _viewer(FORKED, check)


def test_stats_of_a_fork_alone_says_what_it_copied_from_its_parent(capsys):
    logged = json.loads((RECORDED / "responses.json").read_text())
    copied = [e for e in logged if e["status"] == 200 and (
        e["script"] == "MAIN" or (e["script"] == "-" and e["messages"] == 8))]
    stats = compute_stats(FORKED)
    parent = read_transcript(SESSION).session_id
    assert stats.forked_from == parent and stats.copied_responses == len(copied) == 4
    assert stats.copied_cost_usd == pytest.approx(
        sum(cost_usd(e["model"], _usage_of(e)) for e in copied))
    text = stats_text(stats)
    assert f"fork of        {parent}: 4 responses" in text
    assert "this session is a fork" in stats.cost_difference()
    data = _stats_json(capsys, str(FORKED))
    assert data["forked_from"] == parent and data["copied_responses"] == 4


def test_what_a_recorded_session_says_in_passing_is_a_note_and_its_retries_cannot_be_stopped():
    """In the viewer a notification, a compaction or a command's output is a plain note (not a
    warning), and a retry notice of a recorded session does not offer Esc to stop it."""
    from workbench.transcripts.events import RetryScheduled, Warning
    from workbench.transcripts.replay import transcript_events
    from workbench.ui.chat.notice import Notice, notice_content

    events = list(transcript_events(read_transcript(SESSION)))
    notes = [e for e in events if isinstance(e, Warning) and e.level == "note"]
    said = " ".join(e.message for e in notes)
    assert "finished" in said and "compacted" in said.lower()
    note = Notice(notes[0], live=False)
    assert "-note" in note.classes and str(notice_content(notes[0])).startswith("Note: ")
    retry = next(e for e in events if isinstance(e, RetryScheduled))
    assert "Esc" not in str(notice_content(retry, live=False))
    assert "Press Esc to stop." in str(notice_content(retry))  # a live run can be stopped
