"""Totals of one run, folded from its events: what the status line and the compare view show."""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.transcripts.events import (
    Event,
    ResponseStarted,
    RunEnded,
    RunStarted,
    ToolCallFinished,
    ToolCallStarted,
    TurnEnded,
    UsageReported,
    UsageTotals,
)
from workbench.ui.chat.toolkinds import main_argument


@dataclass(frozen=True)
class CallSummary:
    """One tool call in the order the run made it (top level and nested)."""

    call_id: str
    name: str
    argument: str
    depth: int
    status: str = "pending"

    @property
    def signature(self) -> tuple[str, str, int]:
        """What makes two runs' calls "the same call" when comparing them."""
        return (self.name, self.argument, self.depth)


@dataclass
class RunStats:
    """Running totals of a run; `apply` each event in order."""

    model: str = ""
    # What runs it: "builtin" or "claude-code", and Claude Code's version.
    engine: str = ""
    engine_version: str = ""
    turns: int = 0
    usage: UsageTotals = field(default_factory=UsageTotals)
    cost_usd: float = 0.0
    status: str = "idle"
    duration_ms: float | None = None
    started_at: float | None = None
    calls: list[CallSummary] = field(default_factory=list)
    _seen_messages: set[str] = field(default_factory=set)

    def apply(self, event: Event) -> None:
        """Fold one event into the totals. Usage is counted once per message id."""
        if isinstance(event, RunStarted) and event.depth == 0:
            self.model = event.model or self.model
            self.engine, self.engine_version = event.engine, event.engine_version
            self.status = "running"
            self.started_at = event.timestamp or None
        elif isinstance(event, ResponseStarted) and event.depth == 0 and event.model:
            self.model = event.model
        elif isinstance(event, UsageReported):
            if event.message_id and event.message_id in self._seen_messages:
                return
            self._seen_messages.add(event.message_id)
            self.usage = self.usage + event.usage
            self.cost_usd += event.cost_usd
        elif isinstance(event, TurnEnded) and event.depth == 0:
            self.turns = max(self.turns, event.turn)
        elif isinstance(event, ToolCallStarted):
            self.calls.append(
                CallSummary(event.call_id, event.name, main_argument(event.name, event.input), event.depth)
            )
        elif isinstance(event, ToolCallFinished):
            for index, call in enumerate(self.calls):
                if call.call_id == event.call_id:
                    self.calls[index] = CallSummary(
                        call.call_id, call.name, call.argument, call.depth, event.status
                    )
        elif isinstance(event, RunEnded) and event.depth == 0:
            self.status = event.status
            self.turns = event.turns or self.turns
            self.duration_ms = event.duration_ms
            # The run's own totals are authoritative (they include nested runs).
            if event.usage != UsageTotals() or event.cost_usd:
                self.usage = event.usage
                self.cost_usd = event.cost_usd
