"""StatusLine: engine, model, turns, tokens, cache, cost of the run and of the session, elapsed time."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from workbench.ui.chat.run_stats import RunStats


def format_tokens(count: int) -> str:
    """12345 -> '12.3k'; small counts stay exact."""
    if count < 1000:
        return str(count)
    if count < 1_000_000:
        return f"{count / 1000:.1f}k"
    return f"{count / 1_000_000:.2f}M"


def engine_label(engine: str, version: str = "") -> str:
    """`built-in`, `Claude Code 2.1.337`."""
    if engine == "claude-code":
        return f"Claude Code {version}".strip()
    return "built-in" if engine == "builtin" else engine


def status_content(stats: RunStats, session_cost: float, elapsed_s: float | None,
                   engine: str = "") -> Content:
    """The status line's text for a run's totals; `engine` is the pane's label until the run says
    what runs it."""
    usage = stats.usage
    shown_engine = engine_label(stats.engine, stats.engine_version) if stats.engine else engine
    parts: list[tuple[str, str] | str] = [
        f"{shown_engine} · " if shown_engine else "",
        (stats.model or "no model yet", "bold"),
        f" · turns {stats.turns}",
        f" · in {format_tokens(usage.input_tokens)} out {format_tokens(usage.output_tokens)}",
        f" · cache r {format_tokens(usage.cache_read_input_tokens)}"
        f" w {format_tokens(usage.cache_creation_input_tokens)}",
        f" · ${stats.cost_usd:.4f} run",
        f" · ${session_cost:.4f} session",
    ]
    if elapsed_s is not None:
        # Whole seconds while running, so the line repaints once a second, not on every event.
        parts.append(f" · {elapsed_s:.0f}s" if stats.status == "running" else f" · {elapsed_s:.1f}s")
    if stats.status == "idle":
        # Shown for a run that has no event yet (the SDK still loading, the first request out).
        return Content.assemble(f"{engine} · " if engine else "", ("starting…", "bold"),
                                f" · ${session_cost:.4f} session")
    if stats.status not in ("idle", "completed"):
        style = "$error" if stats.status == "error" else "$text-muted"
        parts += [" · ", (stats.status.replace("_", " "), style)]
    return Content.assemble(*parts)


class StatusLine(Static):
    """One line under the chat input with the current run's totals."""

    DEFAULT_CSS = """
    StatusLine { height: auto; max-height: 3; padding: 0 1; background: $panel; color: $text-muted; }
    """

    _shown: Content | None = None

    def show(self, stats: RunStats, session_cost: float, elapsed_s: float | None, engine: str = "") -> None:
        """Show a run's totals (a repaint only when the words change: text deltas change nothing)."""
        content = status_content(stats, session_cost, elapsed_s, engine)
        if content != self._shown:
            self._shown = content
            self.update(content)

    def show_engine(self, engine: str) -> None:
        """Before any run: the engine the next run uses."""
        content = Content(f"engine: {engine}")
        if content != self._shown:
            self._shown = content
            self.update(content)
