"""Tool results and input schemas as Claude Code 2.1.332 has them (claude-code-runs.md §1, §4):
each tool's properties by Claude Code's names, types and order, every schema closed
(`additionalProperties: false`), and success results without an `is_error` key."""

from __future__ import annotations

from fake_api import Reply, end, start, text_reply, tool_input

from workbench.runtime.toolset import available_tools

from .conftest import collect

# Property names and JSON types, in order, as measured in Claude Code's subagent requests.
CLAUDE_CODE_SCHEMAS = {
    "Read": [("file_path", "string"), ("offset", "integer"), ("limit", "integer"), ("pages", "string"),
             ("allow_large", "boolean")],
    "Write": [("file_path", "string"), ("content", "string")],
    "Edit": [("file_path", "string"), ("old_string", "string"), ("new_string", "string"),
             ("replace_all", "boolean")],
    "Bash": [("command", "string"), ("timeout", "number"), ("description", "string"),
             ("run_in_background", "boolean"), ("dangerouslyDisableSandbox", "boolean")],
    "Glob": [("pattern", "string"), ("path", "string")],
    "Grep": [("pattern", "string"), ("path", "string"), ("glob", "string"), ("output_mode", "string"),
             ("-B", "number"), ("-A", "number"), ("-C", "number"), ("context", "number"), ("-n", "boolean"),
             ("-i", "boolean"), ("-o", "boolean"), ("type", "string"), ("head_limit", "number"),
             ("offset", "number"), ("multiline", "boolean")],
    "NotebookEdit": [("notebook_path", "string"), ("cell_id", "string"), ("new_source", "string"),
                     ("cell_type", "string"), ("edit_mode", "string")],
    "WebFetch": [("url", "string"), ("prompt", "string"), ("offset", "integer")],
    "WebSearch": [("query", "string"), ("allowed_domains", "array"), ("blocked_domains", "array")],
    "Agent": [("description", "string"), ("prompt", "string"), ("subagent_type", "string"), ("model", "string"),
              ("effort", "string"), ("run_in_background", "boolean"), ("isolation", "string")],
    "Skill": [("skill", "string"), ("args", "string")],
    "ToolSearch": [("query", "string"), ("max_results", "number")],
    "TaskStop": [("task_id", "string"), ("shell_id", "string")],
    "ExitPlanMode": [("allowedPrompts", "array")],
}


def test_every_tool_has_claude_codes_property_names_types_and_a_closed_schema():
    tools = available_tools()
    assert set(tools) == set(CLAUDE_CODE_SCHEMAS)
    for name, tool in tools.items():
        schema = tool.input_schema
        got = [(prop, spec.get("type")) for prop, spec in schema["properties"].items()]
        assert got == CLAUDE_CODE_SCHEMAS[name], name
        # Closed, except ExitPlanMode's, which Claude Code leaves open.
        assert schema["additionalProperties"] == ({} if name == "ExitPlanMode" else False), name


async def test_a_success_result_has_no_is_error_key_and_a_failure_has_it(fake_api, make_session, workspace):
    (workspace / "a.txt").write_text("A\n")
    fake_api.add(
        Reply.sse([start("m1"), *tool_input(0, "r1", "Read", {"file_path": "a.txt"}),
                   *tool_input(1, "r2", "Read", {"file_path": "missing.txt"}), *end("tool_use")]),
        text_reply("m2", "ok"),
    )
    await collect(make_session())

    ok, failed = fake_api.bodies()[1]["messages"][-1]["content"]
    assert ok == {"type": "tool_result", "tool_use_id": "r1", "content": "1\tA\n2\t"}
    assert failed["is_error"] is True


async def test_a_property_the_schema_does_not_name_is_an_input_error(fake_api, make_session):
    fake_api.add(
        Reply.sse([start("m1"), *tool_input(0, "b1", "Bash", {"command": "true", "cwd": "/"}), *end("tool_use")]),
        text_reply("m2", "ok"),
    )
    await collect(make_session(permission_mode="bypassPermissions"))
    result = fake_api.bodies()[1]["messages"][-1]["content"][0]
    assert result["is_error"] and "`cwd` is not a parameter" in result["content"]
