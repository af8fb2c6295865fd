"""Find workbench runs and Claude Code sessions and summarise each for a listing.

Listing must stay cheap with hundreds of sessions: a file is scanned once, parsing only the lines a
summary needs (the first lines, responses, titles, workbench events and the last line), and the
summary is cached keyed by the path, mtime and size of the session and its subagent files, so an
unchanged session is never read again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.paths import data_dir
from workbench.plural import plural
from workbench.transcripts.pricing import cost_usd
from workbench.transcripts.reader import claude_roots, parse_line

# 2: a session is credited to its top-level agent, never to a subagent it delegated to.
# 3: a Claude Code engine run is marked (its engine record); a `--fork-session` copy names the
# session it was forked from.
CACHE_VERSION = 4
TITLE_CHARS = 80


@dataclass
class RunSummary:
    """One row of the listing."""

    path: str
    source: str  # "workbench" | "claude"
    project: str
    session_id: str
    title: str = ""
    agent: str = ""  # the top-level agent (a run's, a session's --agent), never a subagent's
    model: str = ""
    started: str = ""
    ended: str = ""
    duration_s: float | None = None
    tool_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cost_usd: float = 0.0
    subagents: int = 0
    size: int = 0
    # "claude-code" for a Claude Code session that workbench's Claude Code engine ran (its record).
    engine: str = ""
    # A `--fork-session` copy: the session it was forked from, and the cost of the responses it
    # copied from there (the parent's spend, to count once in any total over several sessions).
    forked_from: str = ""
    shared_cost_usd: float = 0.0

    @property
    def tokens(self) -> int:
        """Every token the runs read or wrote (cache included)."""
        return (
            self.input_tokens
            + self.output_tokens
            + self.cache_creation_input_tokens
            + self.cache_read_input_tokens
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for `transcript list --format json` and the cache."""
        return asdict(self)


@dataclass
class _Scan:
    """What one pass over the lines of one or more files found."""

    usage: dict[str, tuple[Any, dict[str, Any]]] = field(default_factory=dict)
    calls: set[str] = field(default_factory=set)
    first: dict[str, Any] = field(default_factory=dict)
    prompt: str = ""
    title: str = ""
    agent: str = ""
    cwd: str = ""
    started: str = ""
    ended: str = ""
    run_duration_ms: float | None = None
    forked_from: str = ""
    shared: set[str] = field(default_factory=set)


def discover(
    *,
    claude_dirs: Iterable[Path] | None = None,
    runs_dir: Path | None = None,
    cache_path: Path | None = None,
) -> list[RunSummary]:
    """Every workbench run and Claude Code session, newest first. Defaults: the `projects/` folder
    of each Claude root (`CLAUDE_CONFIG_DIR`, several allowed), `<data dir>/transcripts`, and a
    cache file in `<data dir>/cache`."""
    roots = list(claude_dirs) if claude_dirs is not None else [r / "projects" for r in claude_roots()]
    runs_dir = runs_dir if runs_dir is not None else data_dir() / "transcripts"
    cache_path = cache_path if cache_path is not None else data_dir() / "cache" / "transcripts.json"
    cache = _load_cache(cache_path)
    fresh: dict[str, Any] = {}
    out: list[RunSummary] = []
    for path, subs, source, project in _candidates(roots, runs_dir):
        signature = [_signature(p) for p in (path, *subs)]
        if None in signature:
            continue
        key = str(path)
        cached = cache.get(key)
        if cached and cached.get("signature") == signature:
            summary = RunSummary(**cached["summary"])
        else:
            summary = summarise(path, subs, source=source, project=project)
        fresh[key] = {"signature": signature, "summary": summary.to_dict()}
        out.append(summary)
    if fresh != cache:
        _save_cache(cache_path, fresh)
    out.sort(key=lambda s: (s.started, s.path), reverse=True)
    return out


def _candidates(roots: list[Path], runs_dir: Path) -> Iterable[tuple[Path, list[Path], str, str]]:
    if runs_dir.is_dir():
        for path in sorted(runs_dir.glob("*/*.jsonl")):
            yield path, [], "workbench", ""
    for root in roots:
        if not root.is_dir():
            continue
        for project in sorted(p for p in root.iterdir() if p.is_dir()):
            files = sorted(project.glob("*.jsonl"))
            legacy = _legacy_by_session([f for f in files if f.name.startswith("agent-")])
            for path in files:
                if path.name.startswith("agent-"):
                    continue
                subs = sorted((project / path.stem / "subagents").glob("agent-*.jsonl"))
                yield path, subs + legacy.get(path.stem, []), "claude", project.name


def _legacy_by_session(files: list[Path]) -> dict[str, list[Path]]:
    """Legacy subagent files (beside the sessions) grouped by the session their first line names."""
    out: dict[str, list[Path]] = {}
    for path in files:
        first = _first_line(path)
        sid = first.get("sessionId") if isinstance(first, dict) else None
        if isinstance(sid, str):
            out.setdefault(sid, []).append(path)
    return out


def _first_line(path: Path) -> Any:
    try:
        with path.open("rb") as fh:
            for raw in fh:
                if raw.strip():
                    return parse_line(raw)
    except OSError:
        return None
    return None


def _signature(path: Path) -> list[Any] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [str(path), st.st_mtime_ns, st.st_size]


def summarise(path: Path, subagent_files: list[Path], *, source: str, project: str) -> RunSummary:
    """Scan a session (and its subagent files) into one listing row."""
    scan = _Scan()
    size = 0
    for i, file in enumerate((path, *subagent_files)):
        try:
            size += file.stat().st_size
            with file.open("rb") as fh:
                _scan_lines(fh, scan, main=i == 0)
        except OSError:
            continue
    summary = RunSummary(
        path=str(path),
        source=source,
        # Claude Code's folder name loses characters; the recorded working directory does not.
        project=scan.cwd or project or "workbench",
        session_id=str(scan.first.get("sessionId") or path.stem),
        title=_one_line(scan.title or scan.prompt),
        agent=scan.agent,
        started=scan.started,
        ended=scan.ended,
        tool_calls=len(scan.calls),
        subagents=len(subagent_files),
        size=size,
    )
    models: dict[str, int] = {}
    for model, usage in scan.usage.values():
        summary.input_tokens += _count(usage.get("input_tokens"))
        summary.output_tokens += _count(usage.get("output_tokens"))
        summary.cache_creation_input_tokens += _count(usage.get("cache_creation_input_tokens"))
        summary.cache_read_input_tokens += _count(usage.get("cache_read_input_tokens"))
        summary.cost_usd += cost_usd(model if isinstance(model, str) else None, usage)
        if isinstance(model, str):
            models[model] = models.get(model, 0) + 1
    summary.model = max(models, key=lambda m: models[m]) if models else ""
    if source == "claude":
        from workbench.transcripts.engine_record import read_engine_record

        record = read_engine_record(summary.session_id)
        if record is not None:
            summary.engine = record.engine
            summary.agent = summary.agent or record.agent.name  # the agent workbench ran in it
    summary.forked_from = scan.forked_from
    for key in scan.shared:
        model, usage = scan.usage[key]
        summary.shared_cost_usd += cost_usd(model if isinstance(model, str) else None, usage)
    if scan.run_duration_ms is not None:
        summary.duration_s = scan.run_duration_ms / 1000
    else:
        summary.duration_s = _seconds_between(scan.started, scan.ended)
    return summary


def _scan_lines(lines: Iterable[bytes], scan: _Scan, *, main: bool) -> None:
    last_raw = b""
    for raw in lines:
        if not raw.strip():
            continue
        last_raw = raw
        # Only the head of the file (until a first prompt is found), responses, titles and
        # workbench events are parsed; big tool results are skipped unread.
        wanted = (main and not scan.prompt) or b'"assistant"' in raw or b'"summary"' in raw
        if not wanted and not (main and (b'"workbench"' in raw or b'"agent-setting"' in raw)):
            continue
        data = parse_line(raw)
        if not isinstance(data, dict):
            continue
        _note(data, scan, main)
    if main and last_raw:
        data = parse_line(last_raw)
        if isinstance(data, dict) and isinstance(data.get("timestamp"), str):
            scan.ended = max(scan.ended, data["timestamp"])


def _note(data: dict[str, Any], scan: _Scan, main: bool) -> None:
    kind = data.get("type")
    ts = data.get("timestamp")
    if main and isinstance(ts, str):
        scan.started = scan.started or ts
        scan.ended = max(scan.ended, ts)
    if main and not scan.first and kind in ("user", "assistant", "workbench", "system"):
        scan.first = data
        scan.cwd = data.get("cwd") if isinstance(data.get("cwd"), str) else ""
    msg = data.get("message") if isinstance(data.get("message"), dict) else {}
    if kind == "assistant":
        content = msg.get("content")
        for block in content if isinstance(content, list) else []:
            if isinstance(block, dict) and block.get("type") == "tool_use":
                scan.calls.add(str(block.get("id")))
        usage, message_id = msg.get("usage"), msg.get("id")
        if isinstance(usage, dict) and message_id:
            request_id = data.get("requestId")
            key = f"{message_id}:{request_id}" if request_id else str(message_id)
            old = scan.usage.get(key)
            if old is None or _count(usage.get("output_tokens")) >= _count(old[1].get("output_tokens")):
                scan.usage[key] = (msg.get("model"), usage)
            # A `--fork-session` copy keeps, on each response it copied, the session that made it.
            origin = data.get("requestSessionId")
            if main and isinstance(origin, str) and origin != data.get("sessionId"):
                scan.forked_from = scan.forked_from or origin
                scan.shared.add(key)
    elif kind == "user" and main and not scan.prompt and not data.get("isMeta"):
        content = msg.get("content")
        if isinstance(content, str):
            scan.prompt = content
        elif isinstance(content, list):
            texts = [b.get("text") for b in content if isinstance(b, dict) and b.get("type") == "text"]
            scan.prompt = " ".join(t for t in texts if isinstance(t, str))
    elif kind == "summary" and main and not scan.title and isinstance(data.get("summary"), str):
        scan.title = data["summary"]
    elif kind == "agent-setting" and main and isinstance(data.get("agentSetting"), str):
        # The `--agent` a Claude Code session ran with; subagents it delegated to are not its agent.
        scan.agent = data["agentSetting"]
    elif kind == "workbench" and main and not data.get("isSidechain"):
        _note_event(data.get("event"), scan)


def _note_event(event: Any, scan: _Scan) -> None:
    # A nested run (an Agent call) writes its own run_started and run_ended into the same file.
    if not isinstance(event, dict) or event.get("depth") or event.get("parent_call_id"):
        return
    if event.get("event") == "run_started":
        agent = event.get("agent")
        if not scan.agent and isinstance(agent, dict) and isinstance(agent.get("name"), str):
            scan.agent = agent["name"]
        if isinstance(event.get("cwd"), str) and event["cwd"]:
            scan.cwd = event["cwd"]
        if isinstance(event.get("prompt"), str) and event["prompt"]:
            scan.prompt = scan.prompt or event["prompt"]
    elif event.get("event") == "run_ended" and isinstance(event.get("duration_ms"), (int, float)):
        scan.run_duration_ms = float(event["duration_ms"])


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1] + "…"


def _seconds_between(start: str, end: str) -> float | None:
    try:
        a = datetime.fromisoformat(start.replace("Z", "+00:00"))
        b = datetime.fromisoformat(end.replace("Z", "+00:00"))
    except ValueError:
        return None
    return max(0.0, (b - a).total_seconds())


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _load_cache(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


def _save_cache(path: Path, entries: dict[str, Any]) -> None:
    """Write the cache beside itself and rename; a cache that cannot be written is only slower."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"version": CACHE_VERSION, "entries": entries}), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def listing_text(runs: list[RunSummary]) -> str:
    """The listing as a table grouped by project, newest first within each."""
    if not runs:
        return "no transcripts found"
    by_project: dict[str, list[RunSummary]] = {}
    for run in runs:
        by_project.setdefault(run.project, []).append(run)
    lines: list[str] = []
    for project, rows in sorted(by_project.items()):
        lines.append(project)
        for r in rows:
            duration = f"{r.duration_s:,.0f}s" if r.duration_s is not None else "-"
            title = r.title or r.session_id
            if r.forked_from:
                title = f"(fork of {r.forked_from}) {title}"
            lines.append(
                f"  {r.started[:16].replace('T', ' '):16}  {title:<40.40}  "
                f"{r.agent or '-':<12.12}  {r.model or '-':<26.26}  {duration:>7}  "
                f"{r.tool_calls:>5} calls  {r.tokens:>12,} tok  ${r.cost_usd:>9,.4f}"
            )
    total = listing_total(runs)
    forks = sum(1 for r in runs if r.forked_from)
    note = f" (the responses {plural(forks, 'fork')} copied counted once)" if forks else ""
    lines.append(f"total of {plural(len(runs), 'transcript')}: ${total:,.4f}{note}")
    return "\n".join(lines)


def listing_total(runs: list[RunSummary]) -> float:
    """The cost of `runs` together: a fork's copied responses are its parent's spend, counted once
    (when the parent is not among `runs`, the fork's copy stands in for it)."""
    ids = {r.session_id for r in runs}
    return sum(r.cost_usd - (r.shared_cost_usd if r.forked_from in ids else 0.0) for r in runs)
