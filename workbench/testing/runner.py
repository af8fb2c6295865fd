"""Running suites: each case's samples in fresh temp workspaces with the built-in engine, checked by
deterministic assertions. Nobody answers permission prompts: what the mode and `allow` rules do not
allow is refused, and each refusal is kept in the sample's record.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.testing.suite import Assertion, Case, Suite, SuiteError
from workbench.plural import plural

COMMAND_TIMEOUT_S = 300


@dataclass
class Sample:
    """One run of one case, and how its assertions went."""

    index: int
    status: str = ""
    reply: str = ""
    tool_calls: list[tuple[str, dict]] = field(default_factory=list)
    refusals: list[dict] = field(default_factory=list)
    turns: int = 0
    tool_call_count: int = 0
    cost_usd: float = 0.0
    duration_s: float = 0.0
    error: str = ""
    transcript: str | None = None
    failures: list[tuple[str, str]] = field(default_factory=list)  # (assertion, message)
    judge_cost_usd: float = 0.0  # the grader's calls, apart from the run's cost_usd
    judgements: list[dict] = field(default_factory=list)  # {criteria, verdict, reason} per judge
    engine: str = "builtin"
    model: str = ""

    @property
    def passed(self) -> bool:
        return not self.failures


def meets(rate: float, needed: float) -> bool:
    """Whether a case's share of passing samples meets its `pass_rate`, in whole percent as the
    results print them: `pass_rate: 0.67` is met by 2 of 3 (67%), though 2/3 < 0.67 as floats."""
    return round(rate * 100) >= round(needed * 100)


@dataclass
class CaseResult:
    suite: str
    case: Case
    agent: str
    samples: list[Sample]
    batched: bool = False  # its judge / delegates_to calls went through a Message Batch (half price)
    agent_sha256: str = ""  # of the exact agent text the samples ran (results history)

    @property
    def passed(self) -> int:
        return sum(1 for s in self.samples if s.passed)

    @property
    def pass_rate(self) -> float:
        return self.passed / len(self.samples) if self.samples else 0.0

    @property
    def ok(self) -> bool:
        return bool(self.samples) and meets(self.pass_rate, self.case.pass_rate)

    @property
    def cost_usd(self) -> float:
        return sum(s.cost_usd for s in self.samples)

    @property
    def judge_cost_usd(self) -> float:
        return sum(s.judge_cost_usd for s in self.samples)

    def to_dict(self) -> dict[str, Any]:
        return {
            "suite": self.suite, "case": self.case.name, "agent": self.agent,
            "samples": len(self.samples), "passed": self.passed, "pass_rate": round(self.pass_rate, 4),
            "ok": self.ok, "cost_usd": round(self.cost_usd, 6),
            "failures": [{"sample": s.index, "assertion": a, "message": m}
                         for s in self.samples for a, m in s.failures],
            "judge_cost_usd": round(self.judge_cost_usd, 6),
            "engine": self.samples[0].engine if self.samples else "",
            "model": next((s.model for s in self.samples if s.model), ""),
            "transcripts": [s.transcript for s in self.samples if s.transcript],
        }


@dataclass
class AgentSource:
    text: str
    path: str | None
    catalog: Any


def resolve_agent(suite: Suite, project: Path) -> AgentSource:
    """The suite's agent: a path (relative to the suite file, or as given), else a catalog name."""
    from workbench.agents.catalog import Catalog, default_scopes

    catalog = Catalog.load(default_scopes(cwd=project))
    for candidate in (suite.path.parent / suite.agent, Path(suite.agent).expanduser()):
        if candidate.is_file():
            try:
                return AgentSource(candidate.read_text(encoding="utf-8"), str(candidate), catalog)
            except (OSError, UnicodeDecodeError) as exc:
                raise SuiteError(f"{suite.path}: agent {suite.agent}: cannot read ({exc})") from None
    from workbench.runtime.tools.agent import find_agent

    found = find_agent(catalog, suite.agent)
    if found is None:
        raise SuiteError(f"{suite.path}: agent {suite.agent!r}: no such file, and no agent of that name "
                         "in the catalog")
    return AgentSource(found[0], found[1] or suite.agent, catalog)


def prepare_workspace(case: Case) -> Path:
    """A fresh temp folder: a copy of the case's `workspace`, plus its `files`."""
    folder = Path(tempfile.mkdtemp(prefix="workbench-test-"))
    if case.workspace is not None:
        shutil.copytree(case.workspace, folder, dirs_exist_ok=True, symlinks=True)
    for name, content in case.files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    return folder


async def run_sample(agent: AgentSource, case: Case, index: int, *, model: str | None = None,
                     transcript_dir: Path | None = None, engine: Any = "builtin",
                     rate_gate: Any = None, calls: Any = None, judge_model: str | None = None,
                     force_model: str | None = None) -> Sample:
    """Run the case once in a fresh workspace and check its assertions. `engine`: "builtin" or
    an `EngineChoice`; `rate_gate`: a `RateGate` shared by concurrent samples (None: none);
    `calls`: where `judge` requests go (workbench.testing.single_turn.Calls; default: one of its
    own, direct). `model` is the main thread's (agents that say `inherit` or nothing run on it);
    `force_model` runs the built-in engine's sample on that model whatever the agent says."""
    sample = Sample(index, engine=getattr(engine, "name", engine))
    folder = prepare_workspace(case)
    try:
        before = {a.value: _read_bytes(folder / a.value) for a in case.assertions if a.kind == "file_unchanged"}
        transcript = (transcript_dir / f"{_slug(case.name)}-{index}.jsonl") if transcript_dir else None
        session = _open_session(engine, rate_gate, agent.text, path=agent.path, model=model, cwd=folder,
                                permission_mode=case.permission_mode, allow_rules=case.allow,
                                transcript_path=transcript, ask_permission=None, catalog=agent.catalog)
        if force_model and hasattr(session, "use_model"):
            session.use_model(force_model)
        sample.model = getattr(session, "model", None) or ""
        started = time.monotonic()
        last_text = ""
        agent_turns, agent_text = 0, ""
        # Claude Code running the agent as a subagent: its main thread only relays, the agent is depth 1.
        agent_depth = 1 if getattr(engine, "run_as", "main") == "subagent" and sample.engine == "claude-code" else 0
        try:
            async for event in session.send(case.prompt):
                kind = event.kind
                if agent_depth and event.depth == agent_depth:
                    # A delegated agent's messages arrive whole, as text pieces and a usage per message:
                    # its reply is the text after its last tool call.
                    if kind == "text_delta":
                        agent_text += event.text
                    elif kind == "tool_call_started":
                        agent_text = ""
                    elif kind == "usage":
                        agent_turns += 1
                if event.depth != (agent_depth if kind in _AGENT_EVENTS else 0):
                    continue
                if kind == "tool_call_started":
                    sample.tool_calls.append((event.name, dict(event.input)))
                elif kind == "permission_decided" and event.decision == "deny":
                    sample.refusals.append({"tool": event.name, "by": event.by, "reason": event.reason})
                elif kind == "assistant_message":
                    said = "".join(b.get("text", "") for b in event.message.get("content", [])
                                   if b.get("type") == "text")
                    if said:
                        last_text = said
                elif kind == "run_started":
                    sample.model = getattr(event, "model", "") or sample.model
                elif kind == "run_ended":
                    sample.status = event.status
                    sample.turns = event.turns
                    sample.tool_call_count = event.tool_calls
                    sample.cost_usd = event.cost_usd
                    sample.error = event.error
        finally:
            await session.aclose()
            sample.duration_s = time.monotonic() - started
            sample.transcript = str(session.transcript_path) if session.transcript_path else None
        sample.reply = agent_text.strip() if agent_depth else last_text
        if agent_depth:  # the relay's Agent call and turn are not the agent's
            sample.tool_call_count = len(sample.tool_calls)
            sample.turns = agent_turns
        if sample.status != "completed":
            sample.failures.append(("run", f"the run ended {sample.status or 'without a result'}"
                                           + (f": {sample.error}" if sample.error else "")))
        for assertion in case.assertions:
            if assertion.kind == "judge":
                if sample.status == "completed":
                    await _judge(assertion, case, sample, calls, judge_model)
                continue
            message = await check(assertion, sample, folder, before)
            if message is not None:
                sample.failures.append((assertion.label(), message))
    except Exception as exc:  # noqa: BLE001 - one broken sample is a failure, not a crash of the run
        sample.failures.append(("run", f"{type(exc).__name__}: {exc}"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return sample


async def _judge(assertion: Assertion, case: Case, sample: Sample, calls: Any, judge_model: str | None) -> None:
    from workbench.testing.single_turn import Calls, judge

    model = judge_model or resolve_judge_model(None)
    if calls is not None:
        await judge(calls, assertion, case.prompt, sample, model)
        return
    own = Calls()
    try:
        await judge(own, assertion, case.prompt, sample, model)
    finally:
        await own.aclose()


def resolve_judge_model(requested: str | None, settings: Any = None) -> str:
    """The grader's model id: `requested` (--judge-model), else the settings' `judge_model`."""
    from workbench.runtime.models import resolve_model
    from workbench.settings import load_settings

    settings = settings or load_settings()
    return resolve_model(requested or settings.judge_model or "haiku", settings_models=settings.models)


_AGENT_EVENTS = ("tool_call_started", "permission_decided", "assistant_message")


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name)[:60] or "case"


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _reply_excerpt(reply: str, at: int = 0, width: int = 80) -> str:
    """A short quote of the reply for a failure message: its start, or around `at`."""
    flat = " ".join(reply.split())
    if not flat:
        return " (the reply is empty)"
    if at > 0:
        flat_at = len(" ".join(reply[:at].split()))
        start = max(0, flat_at - width // 3)
    else:
        start = 0
    piece = flat[start:start + width]
    return f" (reply: {'…' if start else ''}{piece}{'…' if start + width < len(flat) else ''})"


async def check(a: Assertion, s: Sample, folder: Path, before: dict[str, bytes | None]) -> str | None:
    """None when the assertion holds, else why not (one line)."""
    k, v = a.kind, a.value
    if k == "tool_called":
        patterns = a.options.get("with", {})
        calls = [i for name, i in s.tool_calls if name == v]
        if not calls:
            return f"{v} was not called (called: {', '.join(n for n, _ in s.tool_calls) or 'nothing'})"
        if patterns and not any(all(re.search(p, str(i.get(key, ""))) for key, p in patterns.items())
                                for i in calls):
            return f"{v} was called {plural(len(calls), 'time')}, never with inputs matching {patterns}"
        return None
    if k == "tool_not_called":
        n = sum(1 for name, _ in s.tool_calls if name == v)
        return f"{v} was called {plural(n, 'time')}" if n else None
    if k == "output_contains":
        return None if v in s.reply else f"the reply does not contain {v!r}{_reply_excerpt(s.reply)}"
    if k == "output_not_contains":
        at = s.reply.find(v)
        return f"the reply contains {v!r}{_reply_excerpt(s.reply, at)}" if at >= 0 else None
    if k == "output_matches":
        return None if re.search(v, s.reply) else f"the reply does not match /{v}/{_reply_excerpt(s.reply)}"
    if k == "file_exists":
        return None if (folder / v).exists() else f"{v} does not exist"
    if k == "file_contains":
        data = _read_bytes(folder / v["path"])
        if data is None:
            return f"{v['path']} does not exist"
        return None if v["text"] in data.decode("utf-8", "replace") else f"{v['path']} does not contain {v['text']!r}"
    if k == "file_unchanged":
        return None if _read_bytes(folder / v) == before.get(v) else f"{v} was changed"
    if k == "command":
        proc = await asyncio.create_subprocess_shell(
            v, cwd=folder, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            stdin=asyncio.subprocess.DEVNULL, env=os.environ.copy())
        try:
            out, _ = await asyncio.wait_for(proc.communicate(), COMMAND_TIMEOUT_S)
        except asyncio.TimeoutError:
            proc.kill()
            await proc.wait()
            return f"`{v}` did not finish in {COMMAND_TIMEOUT_S} s"
        if proc.returncode == 0:
            return None
        tail = out.decode("utf-8", "replace").strip().splitlines()[-1:] if out else []
        return f"`{v}` exited {proc.returncode}" + (f": {tail[0][:200]}" if tail else "")
    limits = {"max_tool_calls": (s.tool_call_count, "tool calls"), "max_turns": (s.turns, "turns"),
              "max_cost_usd": (s.cost_usd, "USD"), "max_duration_s": (s.duration_s, "s")}
    if k in limits:
        got, unit = limits[k]
        return None if got <= v else f"{got:g} {unit}, more than {v:g}"
    return f"{k}: not supported"


async def run_suites(suites: list[Suite], *, project: Path, jobs: int = 4, repeat: int | None = None,
                     model: str | None = None, transcript_dir: Path | None = None,
                     on_sample: Any = None, agents: list[AgentSource] | None = None,
                     engine: Any = "builtin", rate_gate: Any = None,
                     on_sample_started: Any = None, judge_model: str | None = None,
                     batch: bool = False, force_model: str | None = None) -> list[CaseResult]:
    """Every case of every suite, `repeat` (or the case's own) samples each, at most `jobs` at once.
    Agents are resolved first, so a suite error stops everything before any run (SuiteError).
    `agents` (one per suite) skips that resolution: the texts to run as given (an unsaved buffer, say).
    For `engine`, `rate_gate` and `on_sample_started`, and cancelling, see `run_cases`.
    `judge` and `delegates_to` calls go one by one, or (`batch`) in one Message Batch at the end."""
    if agents is None:
        agents = [resolve_agent(suite, project) for suite in suites]
    from workbench.testing import single_turn

    routing = single_turn.prepare_routing(suites, agents, project, model)
    judge_model = resolve_judge_model(judge_model, routing.settings)
    gate = asyncio.Semaphore(max(1, jobs))
    if rate_gate is None:
        rate_gate = new_rate_gate()
    calls = single_turn.Calls(batch=batch, prices=routing.settings.prices, rate_gate=rate_gate)

    async def one(agent: AgentSource, case: Case, index: int, where: Path | None) -> Sample:
        async with gate:
            if on_sample_started is not None:
                on_sample_started(case, index)
            if single_turn.routing_assertion(case) is not None:
                sample = Sample(index)
                if getattr(engine, "name", engine) == "claude-code":  # the real CLI's main thread
                    from workbench.testing.routing import route_in_claude_code

                    await route_in_claude_code(case, sample, agent, project, engine=engine, model=model)
                else:
                    await single_turn.route(calls, case, sample, routing.catalogs[id(agent)], routing.model)
            else:
                sample = await run_sample(agent, case, index, model=model, transcript_dir=where,
                                          engine=engine, rate_gate=rate_gate, calls=calls,
                                          judge_model=judge_model, force_model=force_model)
        if on_sample is not None:
            on_sample(case, sample)
        return sample

    plan: list[tuple[Suite, AgentSource, Case, list]] = []
    for suite, agent in zip(suites, agents):
        for case in suite.cases:
            where = transcript_dir / _slug(suite.path.stem) if transcript_dir else None
            tasks = [one(agent, case, i, where) for i in range(1, (repeat or case.repeat) + 1)]
            plan.append((suite, agent, case, tasks))
    in_claude_code = getattr(engine, "name", engine) == "claude-code"  # its routing runs in the CLI
    try:
        gathered = await asyncio.gather(*[asyncio.gather(*tasks) for *_, tasks in plan])
        await calls.flush()
    finally:
        await calls.aclose()
    return [CaseResult(str(suite.path), case, suite.agent, list(samples), agent_sha256=_sha256(agent.text),
                       batched=batch and any(a.kind == "judge" or (a.kind == "delegates_to" and not in_claude_code)
                                             for a in case.assertions))
            for (suite, agent, case, _), samples in zip(plan, gathered)]
def _sha256(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def agent_from_text(text: str, path: str | Path | None = None, *, project: Path) -> AgentSource:
    """An `AgentSource` for a text the caller already has (the editor's unsaved buffer, the saved
    file's text): `path` names it (and is where the agent's own relative references resolve), the
    project's catalog is what its Agent tool may call."""
    from workbench.agents.catalog import Catalog, default_scopes

    return AgentSource(text, str(path) if path is not None else None,
                       Catalog.load(default_scopes(cwd=project)))


async def run_cases(agent: AgentSource, cases: list[Case], *, suite: str = "", agent_label: str = "",
                    jobs: int = 4, repeat: int | None = None, model: str | None = None,
                    engine: Any = "builtin", rate_gate: Any = None, transcript_dir: Path | None = None,
                    on_sample_started: Any = None, on_sample: Any = None) -> list[CaseResult]:
    """Run `cases` (a suite's, or one of them) against `agent` as given: the API for callers that
    hold the text themselves, such as the app's Tests view running the saved file and the buffer.

        saved = agent_from_text(path.read_text(), path, project=project)
        buffer = agent_from_text(editor_text, path, project=project)
        results = await run_cases(buffer, suite.cases, suite=str(suite.path), jobs=4,
                                  on_sample_started=lambda case, i: ..., on_sample=lambda case, s: ...)

    - One `CaseResult` per case, in the order given; `repeat` overrides each case's own.
    - `on_sample_started(case, index)` when a sample starts running (it got one of the `jobs` places);
      `on_sample(case, sample)` when it has finished and been checked (`sample.passed`,
      `sample.cost_usd`, `sample.transcript`). Both are called on the running event loop's thread.
    - `engine`: "builtin" (default) or an `EngineChoice` from `workbench.runtime.engines.choose_engine`
      (Claude Code). `sample.engine` and `sample.model` say what ran.
    - `rate_gate`: a `RateGate` (see `new_rate_gate`) shared by every sample, so a 429's retry-after
      pauses all of them; None makes one for this call. Share one across calls run at the same time
      (saved and buffer side by side) by passing the same gate to both.
    - Cancelling: cancel the task awaiting this (a Textual worker's `cancel()`); every running sample's
      session is closed and its temp workspace removed, and CancelledError propagates.
    - Transcripts: each sample's run is recorded like any other run (default: the transcripts
      folder the browser lists); `transcript_dir` puts them elsewhere.
    """
    label = agent_label or (Path(agent.path).stem if agent.path else "agent")
    plan = Suite(Path(suite or agent.path or "agent"), label, list(cases))
    results = await run_suites([plan], project=Path.cwd(), jobs=jobs, repeat=repeat, model=model,
                               transcript_dir=transcript_dir, on_sample=on_sample, agents=[agent],
                               engine=engine, rate_gate=rate_gate, on_sample_started=on_sample_started)
    for r in results:
        r.suite = suite
    return results


def _open_session(engine: Any, rate_gate: Any, agent_text: str, **kwargs: Any) -> Any:
    """A session of `engine` ("builtin" or an `EngineChoice`) whose requests wait at `rate_gate`."""
    if getattr(engine, "name", engine) == "builtin":
        from workbench.runtime.provider import Provider
        from workbench.runtime.session import Session

        return Session(agent_text, provider=Provider(rate_gate=rate_gate), **kwargs)
    from workbench.runtime.engines import open_session

    return open_session(engine, agent_text, **kwargs)


def new_rate_gate() -> Any:
    """A gate for samples run at once: a 429 (or 529) with retry-after to one of them holds every
    sample's next request until then."""
    from workbench.runtime.rate_gate import RateGate

    return RateGate()
