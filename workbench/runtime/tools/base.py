"""The contract between the session loop and the local tools.

The session builds one `ToolContext` per run, validates each call with `Tool.validate`, asks the
permission policy (showing `Tool.permission_summary`), then awaits `Tool.run`. Whatever a tool
returns goes back to the model as a `tool_result`; `detail` is stored in the transcript as Claude
Code's `toolUseResult`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from workbench.runtime.tools.background import BackgroundShells

ToolKind = Literal["read", "edit", "execute", "web", "agent", "other"]


@dataclass
class ToolResult:
    """What a call produced: `content` goes back to the model, `detail` into the transcript."""

    content: str | list[dict]
    is_error: bool = False
    detail: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        # Short on purpose: asyncio and loggers repr task results, and a full Grep or Read result
        # can be megabytes.
        size = len(self.content) if isinstance(self.content, str) else f"{len(self.content)} blocks"
        return f"ToolResult(is_error={self.is_error}, content=<{size}>, detail_keys={sorted(self.detail)})"


@dataclass
class ToolContext:
    """Per-run state the tools share: where they may act and what they remember between calls."""

    cwd: Path
    roots: tuple[Path, ...]
    read_state: dict[str, float] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    todos: list[dict] = field(default_factory=list)
    # For Agent/Task: (subagent_type, prompt, model, call id, effort=) -> the nested run's final result.
    run_agent: Callable[..., Awaitable[ToolResult]] | None = None
    # The id of the call being run: each call gets its own copy of the context (sharing the
    # state above), so calls running at once each see their own.
    call_id: str = ""
    # WebSearch: the tool input -> the result of a Messages API call with server-side web search.
    web_search: Callable[[dict], Awaitable[ToolResult]] | None = None
    # ToolSearch: the deferred tools (name -> description) and how to load some of them.
    deferred_tools: dict[str, str] = field(default_factory=dict)
    load_tools: Callable[[list[str]], None] | None = None
    # Background shells (Bash run_in_background), shared by the run's calls.
    shells: BackgroundShells = field(default_factory=lambda: _background().BackgroundShells())


class Tool(Protocol):
    """A local tool. `run` must be cancellable: CancelledError kills any child process.

    `concurrency_safe` tools (reads, searches, fetches) may run at the same time as other such
    calls of the same response; the rest run alone, in order."""

    name: str
    description: str
    input_schema: dict
    kind: ToolKind
    concurrency_safe: bool

    def validate(self, tool_input: dict) -> str | None:
        """An error message for bad input, or None when the input is usable."""
        ...

    async def run(self, tool_input: dict, ctx: ToolContext) -> ToolResult:
        """Carry out the call."""
        ...

    def permission_summary(self, tool_input: dict, ctx: ToolContext) -> str:
        """The full command / diff shown in a permission prompt."""
        ...


REGISTRY: dict[str, Tool] = {}


def _background():
    # Imported on first use: the background module builds on this one.
    from workbench.runtime.tools import background

    return background
