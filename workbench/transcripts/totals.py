"""Totals over many sessions at once: `workbench transcript stats FILE|FOLDER… [--project DIR]
[--all] [--by session|day|model|agent]`.

One pass over every file in one process: a response is counted once however many files hold it
(a subagent's lines, a `--fork-session` copy of its parent), and is credited to the session that
made it, the day of its line, its model and the agent that ran it (the main thread, or a
subagent's `agentType` from its sidecar).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.transcripts.pricing import cost_usd
from workbench.transcripts.reader import (
    TranscriptError,
    agent_id_of,
    check_transcript,
    claude_roots,
    iter_lines,
    parse_line,
    project_dir_name,
    read_meta,
    subagent_files,
)
from workbench.transcripts.stats import TranscriptStats, _count, _Counter, cost_words

GROUPS = ("session", "day", "model", "agent")


@dataclass
class Session:
    """One session (or workbench run) file and the subagent files that belong to it."""

    path: Path
    subagents: list[Path] = field(default_factory=list)


@dataclass
class Row:
    """The totals of one group (a session, a day, a model or an agent)."""

    key: str
    responses: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cost_usd: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "cost_usd": round(self.cost_usd, 6)}


def sessions_in(paths: Iterable[Path]) -> list[Session]:
    """The sessions named: a file is one session (a subagent file on its own is one too); a folder
    holds every session file under it (subagent files go with their session)."""
    out: list[Session] = []
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*.jsonl")):
                if "subagents" in file.parts[len(path.parts):] or agent_id_of(file) is not None:
                    continue
                if _is_transcript(file):
                    out.append(Session(file, subagent_files(file)))
        elif agent_id_of(path) is not None:
            out.append(Session(path))
        else:
            out.append(Session(path, subagent_files(path) if path.exists() else []))
    return out


def _is_transcript(path: Path) -> bool:
    """A folder's `.jsonl` files that are not transcripts (other data, empty) are left out."""
    try:
        check_transcript(path)
    except TranscriptError:
        return False
    return True


def all_sessions(runs_dir: Path | None = None) -> list[Session]:
    """Every session Claude Code recorded (each root's `projects/`) and every workbench run."""
    from workbench.paths import data_dir

    runs_dir = runs_dir if runs_dir is not None else data_dir() / "transcripts"
    folders = [root / "projects" for root in claude_roots()] + [runs_dir]
    return sessions_in(f for f in folders if f.is_dir())


def project_sessions(project: Path, runs_dir: Path | None = None) -> list[Session]:
    """The sessions of one project folder: Claude Code's for that working directory, and the
    workbench runs started there."""
    from workbench.paths import data_dir

    cwd = str(project.expanduser().resolve())
    folders = [root / "projects" / project_dir_name(cwd) for root in claude_roots()]
    out = sessions_in(f for f in folders if f.is_dir())
    runs_dir = runs_dir if runs_dir is not None else data_dir() / "transcripts"
    if runs_dir.is_dir():
        out += [s for s in sessions_in([runs_dir]) if _run_cwd(s.path) == cwd]
    return out


def _run_cwd(path: Path) -> str | None:
    """The working directory a workbench run started in (its first lines), else None."""
    for number, raw in iter_lines(path):
        data = parse_line(raw)
        if isinstance(data, dict):
            event = data.get("event") if isinstance(data.get("event"), dict) else {}
            cwd = event.get("cwd") or data.get("cwd")
            if isinstance(cwd, str):
                return cwd
        if number > 20:
            break
    return None


def compute_totals(
    sessions: list[Session],
    *,
    by: str | None = None,
    prices: Mapping[str, Mapping[str, float]] | None = None,
) -> tuple[TranscriptStats, list[Row]]:
    """The totals of `sessions` together, and, with `by`, one row per group (most costly first)."""
    counter = _Counter()
    files = 0
    for session in sessions:
        counter.context = (session.path.stem, "main")
        counter.read(session.path)
        files += 1
        for sub in session.subagents:
            meta = read_meta(sub)
            agent = meta.get("agentType") if isinstance(meta.get("agentType"), str) else "subagent"
            counter.context = (session.path.stem, agent)
            counter.read(sub)
            files += 1
    stats = counter.finish(prices, files)
    stats.sessions = len(sessions)
    rows: dict[str, Row] = {}
    if by is not None:
        for key, (model, usage) in counter.usage.items():
            session, day, agent, _ = counter.owner.get(key, ("?", "?", "?", False))
            group = {"session": session, "day": day, "agent": agent,
                     "model": model if isinstance(model, str) else "?"}[by]
            row = rows.get(group) or rows.setdefault(group, Row(group))
            row.responses += 1
            row.input_tokens += _count(usage.get("input_tokens"))
            row.output_tokens += _count(usage.get("output_tokens"))
            row.cache_creation_input_tokens += _count(usage.get("cache_creation_input_tokens"))
            row.cache_read_input_tokens += _count(usage.get("cache_read_input_tokens"))
            row.cost_usd += cost_usd(model if isinstance(model, str) else None, usage, prices)
    ordered = sorted(rows.values(), key=lambda r: (r.key if by == "day" else -r.cost_usd, r.key))
    return stats, ordered


def rows_text(rows: list[Row], by: str) -> str:
    """The rows as a table, one line each."""
    head = (f"{by:<36}  {'responses':>9}  {'input':>11}  {'output':>10}  {'cache write':>11}  "
            f"{'cache read':>12}  {'cost':>10}")
    lines = [head]
    for r in rows:
        key = r.key if len(r.key) <= 36 else "…" + r.key[-35:]
        lines.append(
            f"{key:<36}  {r.responses:>9,}  {r.input_tokens:>11,}  {r.output_tokens:>10,}  "
            f"{r.cache_creation_input_tokens:>11,}  {r.cache_read_input_tokens:>12,}  "
            f"{'$' + format(r.cost_usd, ',.4f'):>10}"
        )
    return "\n".join(lines)


__all__ = ["GROUPS", "Row", "Session", "all_sessions", "compute_totals", "cost_words",
           "project_sessions", "rows_text", "sessions_in"]
