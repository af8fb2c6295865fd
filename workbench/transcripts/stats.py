"""Token, cost, tool-call and error totals of a transcript, read fast.

Totals come straight from the lines, without building the full model: one API response is often
written as several lines repeating its usage, and subagent responses can be logged both in the parent
file and in the subagent's own, so usage is keyed by `message.id` (+ `requestId` when present) over
the session and all its subagent files, keeping the last (or largest) usage seen for each key.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from workbench.transcripts.events import EVENT_TYPES
from workbench.transcripts.pricing import cost_usd
from workbench.transcripts.reader import (
    skip_reason,
    TranscriptError,
    agent_id_of,
    parse_line,
    subagent_files,
)

_USAGE_FIELDS = (
    "input_tokens",
    "output_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
)


@dataclass
class TranscriptStats:
    """Totals over a transcript and its subagents (the JSON form is `to_dict()`)."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cost_usd: float = 0.0
    tool_calls: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    skipped_lines: int = 0
    responses: int = 0
    models: Counter[str] = field(default_factory=Counter)
    files: int = 0
    sessions: int = 1
    # Claude Code's own running total (the last `cost-state` line of each session file): tokens
    # per model and cost, including API calls no other line records (such as `/compact`'s).
    claude_code: ClaudeCodeTotal | None = None
    compactions: int = 0
    # Of `errors`, the API errors Claude Code gave up on; and its retry notices (not errors).
    api_errors: int = 0
    retries: int = 0
    # A `--fork-session` copy read alone: its parent, and the responses (and cost) it copied
    # from there, which a sum of the two sessions' totals would count twice.
    forked_from: str | None = None
    copied_responses: int = 0
    copied_cost_usd: float = 0.0

    @property
    def tokens(self) -> dict[str, int]:
        """The four token classes as the lines hold them."""
        return {k: getattr(self, k) for k in _USAGE_FIELDS}

    def cost_difference(self) -> str | None:
        """Why Claude Code's total and the lines' total differ, or None when they agree."""
        total = self.claude_code
        if total is None:
            return None
        words = {"input_tokens": "input", "output_tokens": "output",
                 "cache_creation_input_tokens": "cache write",
                 "cache_read_input_tokens": "cache read"}
        diffs = []
        for key, word in words.items():
            delta = total.tokens[key] - getattr(self, key)
            if delta:
                diffs.append(f"{abs(delta):,} {'more' if delta > 0 else 'fewer'} {word} tokens")
        if not diffs and abs(total.cost_usd - self.cost_usd) < 0.00005:
            return None
        if not diffs:
            return "the same tokens, priced differently (check the price table)"
        if self.forked_from:
            why = ("this session is a fork, and Claude Code's total starts from its parent's at "
                   f"the fork ({self.forked_from}'s, subagents included)")
        elif self.compactions:
            times = "once" if self.compactions == 1 else f"{self.compactions:,} times"
            why = (f"the conversation was compacted {times}, and "
                   "/compact's own API calls are in no transcript line")
        else:
            why = ("API calls no line of these files records, or lines kept in another file "
                   "(a parent session's subagents)")
        return "Claude Code counts " + ", ".join(diffs) + ": " + why

    def to_dict(self) -> dict[str, Any]:
        """The `transcript stats --format json` object: the issue's keys, and `claude_code_total`
        when the session holds Claude Code's own total."""
        out = {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cache_creation_input_tokens": self.cache_creation_input_tokens,
            "cache_read_input_tokens": self.cache_read_input_tokens,
            "cost_usd": round(self.cost_usd, 6),
            "tool_calls": dict(sorted(self.tool_calls.items())),
            "errors": self.errors,
            "api_errors": self.api_errors,
            "retries": self.retries,
            "skipped_lines": self.skipped_lines,
        }
        if self.forked_from:
            out["forked_from"] = self.forked_from
            out["copied_responses"] = self.copied_responses
            out["copied_cost_usd"] = round(self.copied_cost_usd, 6)
        if self.claude_code is not None:
            out["claude_code_total"] = self.claude_code.to_dict()
            out["totals_differ"] = self.cost_difference()
        return out


@dataclass
class ClaudeCodeTotal:
    """Claude Code's running total of a session (its last `cost-state` line), or of several."""

    cost_usd: float = 0.0
    models: dict[str, dict[str, Any]] = field(default_factory=dict)

    _KEYS = {"inputTokens": "input_tokens", "outputTokens": "output_tokens",
             "cacheCreationInputTokens": "cache_creation_input_tokens",
             "cacheReadInputTokens": "cache_read_input_tokens", "costUSD": "cost_usd"}

    def add(self, data: dict[str, Any], sign: int = 1) -> None:
        """Add one `cost-state` line (`sign=-1`: take it away)."""
        cost = data.get("totalCostUSD")
        self.cost_usd += sign * cost if _is_number(cost) else 0.0
        usage = data.get("modelUsage")
        for model, numbers in (usage.items() if isinstance(usage, dict) else ()):
            if not isinstance(numbers, dict):
                continue
            mine = self.models.setdefault(str(model), {v: 0 for v in self._KEYS.values()})
            for theirs, ours in self._KEYS.items():
                value = numbers.get(theirs)
                if _is_number(value):
                    mine[ours] += sign * value

    @property
    def tokens(self) -> dict[str, int]:
        """The four token classes summed over the models."""
        return {k: sum(int(m[k]) for m in self.models.values()) for k in _USAGE_FIELDS}

    def to_dict(self) -> dict[str, Any]:
        return {"cost_usd": round(self.cost_usd, 6), **self.tokens,
                "models": {m: {**v, "cost_usd": round(v["cost_usd"], 6)}
                           for m, v in sorted(self.models.items())}}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def transcript_files(path: Path) -> list[Path]:
    """The file itself and, for a Claude Code session, its subagent files."""
    if agent_id_of(path) is not None:
        return [path]
    return [path, *subagent_files(path)]


def compute_stats(
    path: Path | str,
    *,
    prices: Mapping[str, Mapping[str, float]] | None = None,
    with_subagents: bool = True,
) -> TranscriptStats:
    """Totals of one transcript file (and its subagent files). Raises `TranscriptError` when the
    file cannot be read."""
    path = Path(path)
    files = transcript_files(path) if with_subagents else [path]
    counter = _Counter()
    for file in files:
        counter.read(file)
    return counter.finish(prices, len(files))


class _Counter:
    """Accumulates lines of one or more files into de-duplicated totals."""

    def __init__(self) -> None:
        # key -> (model, usage): the last (or largest) usage seen for one API response
        self.usage: dict[str, tuple[Any, dict[str, Any]]] = {}
        self.calls: dict[str, str] = {}
        self.errors = 0
        self.skipped = Counter()
        self.cost_states: dict[Path, dict[str, Any]] = {}
        self.compactions = 0
        self.retries = 0
        self.api_errors: set[str] = set()
        # Multi-session totals (totals.py): which session and agent the file being read belongs
        # to, and for each response its owner (session, day, agent, is a fork's copy).
        self.context: tuple[str, str] | None = None
        self.owner: dict[str, tuple[str, str, str, bool]] = {}
        self.seen_lines: set[str] = set()
        self.copies: dict[str, str] = {}
        self.all_cost_states: dict[Path, list[dict[str, Any]]] = {}
        self.session_ids: dict[Path, str] = {}
        self.forked_from: dict[Path, str] = {}
        self._path: Path | None = None

    def read(self, path: Path) -> None:
        try:
            fh = path.open("rb")
        except IsADirectoryError:
            raise TranscriptError(f"{path}: is a folder, not a transcript file") from None
        except FileNotFoundError:
            raise TranscriptError(f"{path}: no such file") from None
        except OSError as exc:
            raise TranscriptError(f"{path}: cannot read ({exc.strerror or exc})") from None
        self._path = path
        with fh:
            states = self._read_lines(fh)
        if states:
            self.cost_states[path] = states[-1]
            self.all_cost_states[path] = states

    def _read_lines(self, lines: Iterable[bytes]) -> list[dict[str, Any]]:
        """Count the lines; returns the file's `cost-state` lines."""
        loads = orjson.loads
        usage_by_key = self.usage
        cost_states: list[dict[str, Any]] = []
        seen_lines = self.seen_lines
        for raw in lines:
            # Most bytes are tool results and bookkeeping that change no total: a whole entry
            # line naming none of the types that count, and no failed result, is not parsed.
            if (raw[:1] == b"{" and raw.rstrip()[-1:] == b"}" and b'"type"' in raw
                    and not _COUNTED.search(raw)):
                continue
            try:
                data = loads(raw)
            except orjson.JSONDecodeError:
                if not raw.strip():
                    continue
                data = parse_line(raw)
            reason = skip_reason(data)
            if reason is not None:
                self.skipped[reason] += 1
                continue
            kind = data.get("type")
            if kind == "assistant":
                msg = data.get("message")
                if not isinstance(msg, dict):
                    continue
                if data.get("isApiErrorMessage"):
                    # An API error Claude Code gave up on: one error, not a response or a model
                    # (one message can be written as several lines).
                    self.api_errors.add(str(msg.get("id") or id(data)))
                    continue
                content = msg.get("content")
                if isinstance(content, list):
                    for block in content:
                        if isinstance(block, dict) and block.get("type") == "tool_use":
                            self.calls[str(block.get("id"))] = str(block.get("name") or "?")
                usage = msg.get("usage")
                message_id = msg.get("id")
                if isinstance(usage, dict) and message_id:
                    request_id = data.get("requestId")
                    key = f"{message_id}:{request_id}" if request_id else str(message_id)
                    old = usage_by_key.get(key)
                    if old is None or _out(usage) >= _out(old[1]):
                        usage_by_key[key] = (msg.get("model"), usage)
                    if self.context is not None:
                        self._own(key, data)
                    elif "requestSessionId" in data and data["requestSessionId"] != data.get(
                            "sessionId"):
                        # One session read alone: a fork's copies of its parent's responses.
                        self.copies[key] = data["requestSessionId"]
            elif kind == "user":
                # Only lines that can hold a failed tool result are worth walking; a line copied
                # into another file (a `--fork-session` copy) keeps its uuid and counts once.
                if b"is_error" in raw and _first_time(seen_lines, data):
                    self.errors += _error_results(data)
            elif kind == "workbench":
                event = data.get("event")
                if not isinstance(event, dict) or event.get("event") not in EVENT_TYPES:
                    self.skipped[f"workbench:{data.get('subtype')}"] += 1
                elif event.get("event") == "error":
                    self.errors += 1
            elif kind == "cost-state":
                cost_states.append(data)
            elif kind == "system" and _first_time(seen_lines, data):
                subtype = data.get("subtype")
                if subtype == "compact_boundary":
                    self.compactions += 1
                elif subtype == "api_error":
                    self.retries += 1
        return cost_states

    def _own(self, key: str, data: dict[str, Any]) -> None:
        """Credit a response to the session (and day, agent) that made it: a `--fork-session`
        copy (its line names another `requestSessionId`) only until the maker is read."""
        origin = data.get("requestSessionId")
        copy = isinstance(origin, str) and origin != data.get("sessionId")
        if self._path is not None:
            if isinstance(data.get("sessionId"), str):
                self.session_ids.setdefault(self._path, data["sessionId"])
            if copy:
                self.forked_from.setdefault(self._path, origin)
        previous = self.owner.get(key)
        if previous is None or (previous[3] and not copy):
            session, agent = self.context  # type: ignore[misc]
            if agent == "main" and data.get("isSidechain"):
                agent = "subagent"
            ts = data.get("timestamp")
            self.owner[key] = (session, ts[:10] if isinstance(ts, str) else "?", agent, copy)

    def finish(self, prices: Mapping[str, Mapping[str, float]] | None, files: int) -> TranscriptStats:
        stats = TranscriptStats(
            files=files, errors=self.errors + len(self.api_errors), compactions=self.compactions,
            api_errors=len(self.api_errors), retries=self.retries,
        )
        stats.skipped_lines = sum(self.skipped.values())
        stats.tool_calls = Counter(self.calls.values())
        if self.copies:
            stats.forked_from = next(iter(self.copies.values()))
            stats.copied_responses = len(self.copies)
            stats.copied_cost_usd = sum(
                cost_usd(self.usage[k][0], self.usage[k][1], prices) for k in self.copies)
        if self.cost_states:
            stats.claude_code = ClaudeCodeTotal()
            by_session = {sid: path for path, sid in self.session_ids.items()
                          if path in self.cost_states}  # session files, not their subagents
            for path, data in self.cost_states.items():
                stats.claude_code.add(data)
                # A `--fork-session` copy's running total starts from its parent's at the fork:
                # with the parent read too, that part is the parent's and counts once.
                parent = by_session.get(self.forked_from.get(path, ""))
                base = _total_at_fork(self.all_cost_states.get(parent, []), data)
                if base is not None:
                    stats.claude_code.add(base, sign=-1)
        for model, usage in self.usage.values():
            stats.input_tokens += _count(usage.get("input_tokens"))
            stats.output_tokens += _count(usage.get("output_tokens"))
            stats.cache_creation_input_tokens += _count(usage.get("cache_creation_input_tokens"))
            stats.cache_read_input_tokens += _count(usage.get("cache_read_input_tokens"))
            stats.cost_usd += cost_usd(model if isinstance(model, str) else None, usage, prices)
            stats.responses += 1
            if isinstance(model, str):
                stats.models[model] += 1
        return stats


# What makes a line count (or possibly count): a response, a failed result, a system line, Claude
# Code's total, a workbench event.
_COUNTED = re.compile(rb'"(?:assistant|is_error|system|cost-state|workbench)"')


def _first_time(seen: set[str], data: dict[str, Any]) -> bool:
    """False for a line already counted in another file (same uuid: a fork's copy)."""
    uuid = data.get("uuid")
    if not isinstance(uuid, str):
        return True
    if uuid in seen:
        return False
    seen.add(uuid)
    return True


def _total_at_fork(parent_states: list[dict[str, Any]], fork_final: dict[str, Any]) -> dict | None:
    """The parent's running total when the fork was made: its largest `cost-state` from the same
    start that the fork's final total still covers."""
    start = fork_final.get("startTime")
    limit = fork_final.get("totalCostUSD")
    if not _is_number(limit):
        return None
    best = None
    for state in parent_states:
        cost = state.get("totalCostUSD")
        if (_is_number(cost) and cost <= limit + 1e-12 and state.get("startTime") == start
                and (best is None or cost > best["totalCostUSD"])):
            best = state
    return best


def _error_results(data: dict[str, Any]) -> int:
    msg = data.get("message")
    content = msg.get("content") if isinstance(msg, dict) else None
    if not isinstance(content, list):
        return 0
    return sum(
        1
        for b in content
        if isinstance(b, dict) and b.get("type") == "tool_result" and b.get("is_error") is True
    )


def _out(usage: dict[str, Any]) -> int:
    return _count(usage.get("output_tokens"))


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def cost_words(stats: TranscriptStats) -> str:
    """The cost as headers show it: the lines' total and, when the session holds one, Claude
    Code's own total beside it."""
    lines = f"${stats.cost_usd:,.4f}"
    if stats.claude_code is None:
        return lines
    theirs = f"${stats.claude_code.cost_usd:,.4f}"
    return f"{lines} in the transcript lines · {theirs} Claude Code's total"


def stats_text(stats: TranscriptStats) -> str:
    """A short human-readable summary of the totals."""
    lines = [
        f"responses      {stats.responses:>12,}   ("
        + (f"{stats.sessions:,} sessions, " if stats.sessions != 1 else "")
        + f"{stats.files:,} file{'s' if stats.files != 1 else ''})",
        f"input tokens   {stats.input_tokens:>12,}",
        f"output tokens  {stats.output_tokens:>12,}",
        f"cache writes   {stats.cache_creation_input_tokens:>12,}",
        f"cache reads    {stats.cache_read_input_tokens:>12,}",
        f"cost           {'$' + format(stats.cost_usd, ',.4f'):>12}"
        + ("   in the transcript lines" if stats.claude_code is not None else ""),
    ]
    if stats.claude_code is not None:
        lines.append(f"               {'$' + format(stats.claude_code.cost_usd, ',.4f'):>12}"
                     "   Claude Code's total")
        why = stats.cost_difference()
        if why:
            lines.append(f"               they differ: {why}")
    if stats.forked_from:
        lines.append(
            f"fork of        {stats.forked_from}: {stats.copied_responses:,} responses "
            f"(${stats.copied_cost_usd:,.4f}) copied from it; total both with one `stats` call "
            "to count them once")
    if stats.models:
        lines.append("models         " + ", ".join(f"{m} ({n})" for m, n in stats.models.most_common()))
    total_calls = sum(stats.tool_calls.values())
    lines.append(f"tool calls     {total_calls:>12,}")
    for name, count in sorted(stats.tool_calls.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"  {name:<20} {count:>7,}")
    lines.append(f"errors         {stats.errors:>12,}")
    if stats.api_errors:
        lines.append(f"  API errors         {stats.api_errors:>7,}")
    lines.append(f"retries        {stats.retries:>12,}")
    lines.append(f"skipped lines  {stats.skipped_lines:>12,}")
    return "\n".join(lines)

