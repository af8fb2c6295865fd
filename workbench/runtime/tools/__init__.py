"""Local tools the agent may call: one module per tool, registered in `base.REGISTRY`.

Importing this package fills `REGISTRY` (name -> tool instance). No tool module imports anything
heavy at import time; WebFetch imports its HTTP client when it first fetches.
"""

from workbench.runtime.tools.base import REGISTRY, Tool, ToolContext, ToolResult
from workbench.runtime.tools.bash import BashTool
from workbench.runtime.tools.edit import EditTool
from workbench.runtime.tools.glob import GlobTool
from workbench.runtime.tools.grep import GrepTool
from workbench.runtime.tools.notebook import NotebookEditTool
from workbench.runtime.tools.read import ReadTool
from workbench.runtime.tools.subagent_tools import (
    ExitPlanModeTool,
    SkillTool,
    TaskStopTool,
    ToolSearchTool,
    WebSearchTool,
)
from workbench.runtime.tools.webfetch import WebFetchTool
from workbench.runtime.tools.write import WriteTool

# The tools Claude Code offers subagents (the old LS, MultiEdit, TodoWrite, BashOutput and
# KillShell classes stay importable for reading old transcripts' calls, but are not offered).
for _tool in (ReadTool(), WriteTool(), EditTool(), GlobTool(), GrepTool(), BashTool(), TaskStopTool(),
              NotebookEditTool(), WebFetchTool(), WebSearchTool(), SkillTool(), ToolSearchTool(),
              ExitPlanModeTool()):
    REGISTRY[_tool.name] = _tool
    # Every schema closed, as Claude Code's are: a property it does not name is an input error.
    _tool.input_schema.setdefault("additionalProperties", False)

__all__ = ["REGISTRY", "Tool", "ToolContext", "ToolResult"]
