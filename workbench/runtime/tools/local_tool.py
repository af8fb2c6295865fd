"""`LocalTool`: what every local tool shares (schema validation, the API definition, error results)."""

from __future__ import annotations

from workbench.runtime.tools.base import ToolContext, ToolKind, ToolResult
from workbench.runtime.tools.schema_check import check_input


class LocalTool:
    """Base of the local tools: subclasses set the class attributes and implement `run`."""

    name: str = ""
    description: str = ""
    input_schema: dict = {}
    kind: ToolKind = "other"
    # Whether calls may run alongside other concurrency-safe calls (read-only tools).
    concurrency_safe: bool = False

    def validate(self, tool_input: dict) -> str | None:
        """Schema problems first, then the tool's own checks (`extra_checks`)."""
        return check_input(self.input_schema, tool_input) or self.extra_checks(tool_input)

    def extra_checks(self, tool_input: dict) -> str | None:
        """Checks a schema cannot express (ranges, combinations); None when fine."""
        return None

    def precheck(self, tool_input: dict, ctx: ToolContext) -> ToolResult | None:
        """The error the call would end in whatever the answer, found before a person is asked to
        allow it (an Edit of text the file does not hold); None when nothing rules it out.
        Tools that can tell define `refusal`; what it cannot decide (a path outside the
        workspace, an unreadable file) is left to the permission rules and to the run."""
        from workbench.runtime.tools.confine import OutsideWorkspace
        from workbench.runtime.tools.fileio import EditRefused

        try:
            self.refusal(tool_input, ctx)
        except EditRefused as exc:
            return error(str(exc))
        except (OutsideWorkspace, OSError):
            return None
        return None

    def refusal(self, tool_input: dict, ctx: ToolContext) -> None:
        """Raise EditRefused when the call is bound to fail (each tool that can tell)."""

    def permission_summary(self, tool_input: dict, ctx: ToolContext) -> str:
        """By default, the tool name and its input."""
        shown = ", ".join(f"{k}={v!r}" for k, v in tool_input.items())
        return f"{self.name}({shown})"

    def definition(self) -> dict:
        """The tool as sent to the Messages API."""
        return {"name": self.name, "description": self.description, "input_schema": self.input_schema}

    async def run(self, tool_input: dict, ctx: ToolContext) -> ToolResult:
        """Carry out the call (each subclass)."""
        raise NotImplementedError


def error(message: str, **detail) -> ToolResult:
    """An error result whose text is `message`."""
    return ToolResult(message, is_error=True, detail=detail)
