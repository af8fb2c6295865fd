"""Results history of `workbench test`: one JSON line per case run, kept per project, so
`workbench test --history AGENT` shows each case's pass rate across the agent's versions.

A version is the exact agent text that ran (its sha256): an edit makes a new column, running the
same text again adds its samples to the same column. The file is
`<data dir>/test-history/<project folder name>-<hash of its path>.jsonl`.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from workbench.plural import plural


def history_file(project: Path) -> Path:
    """The history file of a project folder."""
    from workbench.paths import data_dir

    where = str(Path(project).resolve())
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", Path(where).name)[:40] or "project"
    return data_dir() / "test-history" / f"{slug}-{hashlib.sha256(where.encode()).hexdigest()[:12]}.jsonl"


def agent_key(agent: str) -> str:
    """The name a suite's `agent` is filed under: a path's file stem, else the catalog name."""
    return Path(agent).stem if agent.endswith(".md") else agent


def record(results: list, project: Path, *, when: float | None = None) -> Path:
    """Append one line per case result; the file's path."""
    path = history_file(project)
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromtimestamp(time.time() if when is None else when, timezone.utc).isoformat(
        timespec="seconds")
    lines = []
    for r in results:
        lines.append(json.dumps({
            "time": stamp, "suite": r.suite, "case": r.case.name, "agent": agent_key(r.agent),
            "agent_sha256": r.agent_sha256,
            "engine": r.samples[0].engine if r.samples else "",
            "model": next((s.model for s in r.samples if s.model), ""),
            "samples": len(r.samples), "passed": r.passed, "pass_rate": round(r.pass_rate, 4),
        }, ensure_ascii=False))
    with path.open("a", encoding="utf-8") as out:
        out.write("".join(line + "\n" for line in lines))
    return path


def read(project: Path) -> list[dict[str, Any]]:
    """Every line kept for the project (unreadable lines skipped)."""
    path = history_file(project)
    try:
        raw = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    out = []
    for line in raw:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("agent_sha256"):
            out.append(entry)
    return out


@dataclass
class Version:
    sha256: str
    first_run: str
    last_run: str
    runs: int = 0
    engines: list[str] = field(default_factory=list)
    models: list[str] = field(default_factory=list)


@dataclass
class History:
    agent: str
    versions: list[Version]
    # (suite, case) -> sha256 -> [samples, passed]
    cases: dict[tuple[str, str], dict[str, list[int]]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "agent": self.agent,
            "versions": [{"sha256": v.sha256, "first_run": v.first_run, "last_run": v.last_run,
                          "runs": v.runs, "engines": v.engines, "models": v.models} for v in self.versions],
            "cases": [{"suite": suite, "case": case, "versions": [
                None if v.sha256 not in by else {"sha256": v.sha256, "samples": by[v.sha256][0],
                                                 "passed": by[v.sha256][1],
                                                 "pass_rate": round(by[v.sha256][1] / by[v.sha256][0], 4)
                                                 if by[v.sha256][0] else 0.0}
                for v in self.versions]} for (suite, case), by in self.cases.items()],
        }


def history_of(agent: str, project: Path) -> History:
    """The agent's cases across its versions, oldest version first (by its first run)."""
    wanted = agent_key(agent)
    versions: dict[str, Version] = {}
    cases: dict[tuple[str, str], dict[str, list[int]]] = {}
    runs: dict[str, set[str]] = {}
    for entry in read(project):
        if entry.get("agent") != wanted:
            continue
        sha, stamp = entry["agent_sha256"], str(entry.get("time", ""))
        version = versions.get(sha)
        if version is None:
            version = versions[sha] = Version(sha, stamp, stamp)
        version.first_run, version.last_run = min(version.first_run, stamp), max(version.last_run, stamp)
        runs.setdefault(sha, set()).add(stamp)
        for key, values in (("engine", version.engines), ("model", version.models)):
            if entry.get(key) and entry[key] not in values:
                values.append(entry[key])
        cell = cases.setdefault((str(entry.get("suite", "")), str(entry.get("case", ""))), {}).setdefault(
            sha, [0, 0])
        cell[0] += int(entry.get("samples", 0))
        cell[1] += int(entry.get("passed", 0))
    for sha, stamps in runs.items():
        versions[sha].runs = len(stamps)
    ordered = sorted(versions.values(), key=lambda v: (v.first_run, v.sha256))
    return History(wanted, ordered, cases)


def format_history_text(history: History) -> str:
    """A table: one row per case, one column per version (date and short hash), oldest → newest."""
    if not history.versions:
        return f"no results kept for {history.agent} in this project (run workbench test first)\n"
    heads = [f"{v.first_run[:10]} {v.sha256[:8]}" for v in history.versions]
    rows = []
    for (suite, case), by in history.cases.items():
        cells = []
        for v in history.versions:
            got = by.get(v.sha256)
            cells.append("–" if not got or not got[0] else f"{got[1]}/{got[0]} {got[1] / got[0]:.0%}")
        rows.append((f"{Path(suite).name} › {case}", cells))
    first = max([len("case")] + [len(name) for name, _ in rows])
    widths = [max([len(h)] + [len(cells[i]) for _, cells in rows]) for i, h in enumerate(heads)]
    lines = [f"{history.agent}: {plural(len(history.versions), 'version')}, oldest → newest",
             "  ".join(["case".ljust(first), *[h.ljust(w) for h, w in zip(heads, widths)]]).rstrip()]
    for name, cells in rows:
        lines.append("  ".join([name.ljust(first), *[c.ljust(w) for c, w in zip(cells, widths)]]).rstrip())
    return "\n".join(lines) + "\n"
