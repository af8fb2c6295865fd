"""Event sequences shaped like the runtime's: a run with every tool kind, nested agent, errors."""

from __future__ import annotations

from workbench.transcripts.events import (
    AgentSnapshot,
    AssistantMessage,
    ErrorOccurred,
    PermissionDecided,
    PermissionRequested,
    ResponseStarted,
    RetryScheduled,
    RunEnded,
    RunStarted,
    TextDelta,
    ThinkingDelta,
    ToolCallFinished,
    ToolCallStarted,
    TurnEnded,
    UsageReported,
    UsageTotals,
    UserMessage,
)

AGENT_TEXT = "---\nname: helper\ndescription: Helps.\ncolor: blue\n---\n\nYou help.\n"
NESTED_TEXT = "---\nname: researcher\ndescription: Researches.\ncolor: green\n---\n\nYou research.\n"


def run_started(prompt: str = "Fix the bug") -> list:
    return [
        RunStarted(
            run_id="run-1",
            session_id="s-1",
            agent=AgentSnapshot("helper", "/p/.claude/agents/helper.md", AGENT_TEXT),
            system_prompt="You help.",
            model="claude-sonnet-4-5",
            tools=("Read", "Edit", "Bash"),
            cwd="/p",
        ),
        UserMessage(message={"role": "user", "content": prompt}),
    ]


def text_reply(text: str, message_id: str = "msg_1", turn: int = 1, stop: str = "end_turn") -> list:
    words = text.split(" ")
    deltas = [TextDelta(text=w + (" " if i < len(words) - 1 else "")) for i, w in enumerate(words)]
    return [
        ResponseStarted(message_id=message_id, model="claude-sonnet-4-5"),
        *deltas,
        AssistantMessage(message={"id": message_id, "content": [{"type": "text", "text": text}]}),
        UsageReported(
            message_id=message_id,
            model="claude-sonnet-4-5",
            usage=UsageTotals(1200, 80, 300, 900),
            cost_usd=0.0123,
        ),
        TurnEnded(stop_reason=stop, turn=turn),
    ]


def tool_call(call_id: str, name: str, tool_input: dict, content: str = "ok", status: str = "done",
              detail: dict | None = None, is_error: bool = False, depth: int = 0,
              parent: str | None = None) -> tuple[ToolCallStarted, ToolCallFinished]:
    return (
        ToolCallStarted(call_id=call_id, name=name, input=tool_input, depth=depth, parent_call_id=parent),
        ToolCallFinished(call_id=call_id, name=name, status=status, content=content, is_error=is_error,
                         duration_ms=42, detail=detail or {}, depth=depth, parent_call_id=parent),
    )


EDIT_PATCH = [{"oldStart": 3, "oldLines": 3, "newStart": 3, "newLines": 3,
               "lines": [" def add(a, b):", "-    return a - b", "+    return a + b", " "]}]


def full_run() -> list:
    """A finished run using every tool kind, a nested agent, a denial, a failure and an error."""
    calls = [
        tool_call("t_read", "Read", {"file_path": "/p/src/calc.py"},
                  "     1→import os\n     2→\n     3→def add(a, b):\n     4→    return a - b\n     5→\n     6→# end\n     7→"),
        tool_call("t_grep", "Grep", {"pattern": "def add", "path": "/p/src", "output_mode": "content"},
                  "/p/src/calc.py:3:def add(a, b):"),
        tool_call("t_edit", "Edit", {"file_path": "/p/src/calc.py", "old_string": "    return a - b",
                                     "new_string": "    return a + b"},
                  "The file /p/src/calc.py has been updated.", detail={"structuredPatch": EDIT_PATCH}),
        tool_call("t_bash", "Bash", {"command": "python -m pytest -q tests/test_calc.py",
                                     "description": "Run the calculator tests"},
                  "FAILED tests/test_calc.py::test_add\nexit code 1", status="failed", is_error=True),
        tool_call("t_web", "WebFetch", {"url": "https://docs.python.org/3/library/operator.html",
                                        "prompt": "What does operator.add do?"}, "It adds."),
        tool_call("t_mcp", "mcp__github__create_issue", {"title": "add() subtracted", "body": "…"},
                  "", status="denied"),
        tool_call("t_agent", "Agent", {"subagent_type": "researcher", "description": "Check other callers",
                                       "prompt": "Find callers of add()"}, "Two callers, both fine."),
    ]
    nested = [
        RunStarted(run_id="run-2", session_id="s-2", agent=AgentSnapshot("researcher", None, NESTED_TEXT),
                   system_prompt="You research.", model="claude-haiku-4-5", tools=("Grep",),
                   depth=1, parent_call_id="t_agent"),
        *tool_call("t_nested", "Glob", {"pattern": "**/*.py"}, "/p/src/calc.py\n/p/src/main.py",
                   depth=1, parent="t_agent"),
        TextDelta(text="Two callers, both fine.", depth=1, parent_call_id="t_agent"),
        TurnEnded(stop_reason="end_turn", turn=1, depth=1, parent_call_id="t_agent"),
    ]
    events = [*run_started(), *text_reply("I will look at **calc.py** first.", stop="tool_use")]
    for start, finish in calls:
        events.append(start)
        if finish.status == "denied":
            events.append(PermissionRequested(call_id=start.call_id, name=start.name, input=start.input,
                                              summary="create an issue"))
            events.append(PermissionDecided(call_id=start.call_id, name=start.name, decision="deny",
                                            reason="not now"))
        if start.name == "Agent":
            events += nested
        events.append(finish)
    events += [
        RetryScheduled(attempt=1, max_attempts=4, delay_s=2.0, reason="overloaded_error (529)"),
        *text_reply("Fixed `add`; one test still fails.", message_id="msg_2", turn=2),
        ErrorOccurred(message="Connection reset while streaming", error_type="api_connection_error"),
        RunEnded(status="error", turns=2, usage=UsageTotals(2400, 160, 600, 1800), cost_usd=0.0246,
                 duration_ms=12_300, tool_calls=8, error="Connection reset"),
    ]
    return events


def thinking_events() -> list:
    return [ThinkingDelta(text="Let me think "), ThinkingDelta(text="about this.")]
