"""TodoWrite: the agent's task list, replaced whole on every call."""

from __future__ import annotations

from workbench.runtime.tools.base import ToolContext, ToolResult
from workbench.runtime.tools.local_tool import LocalTool

_GLYPHS = {"pending": "[ ]", "in_progress": "[~]", "completed": "[x]"}


class TodoWriteTool(LocalTool):
    """Claude Code's TodoWrite."""

    name = "TodoWrite"
    kind = "other"
    description = (
        "Keeps your task list for this conversation. Send the whole list each time; it replaces "
        "the previous one. Each item has content (imperative: \"Run tests\"), activeForm (present "
        "continuous: \"Running tests\") and status pending, in_progress or completed. Keep one item "
        "in_progress at a time and mark items completed as soon as they are done."
    )
    input_schema = {"type": "object", "required": ["todos"], "properties": {
        "todos": {"type": "array", "items": {"type": "object",
                                             "required": ["content", "status", "activeForm"],
                                             "properties": {
            "content": {"type": "string"}, "activeForm": {"type": "string"},
            "status": {"type": "string", "enum": ["pending", "in_progress", "completed"]}}}}}}

    def permission_summary(self, tool_input: dict, ctx: ToolContext) -> str:
        return "Update the todo list:\n" + _checklist(tool_input.get("todos", []))

    async def run(self, tool_input: dict, ctx: ToolContext) -> ToolResult:
        old = list(ctx.todos)
        new = [dict(item) for item in tool_input["todos"]]
        ctx.todos[:] = new  # in place: the session holds this same list
        return ToolResult(
            "Todos have been modified successfully. Keep using the todo list to track progress.\n"
            + _checklist(new),
            detail={"oldTodos": old, "newTodos": new})


def _checklist(todos: list[dict]) -> str:
    return "\n".join(f"{_GLYPHS.get(t.get('status'), '[ ]')} {t.get('content', '')}" for t in todos)
