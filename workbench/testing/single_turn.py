"""The single-turn model calls of a test run: the grader of `judge` assertions and the routing
check of `delegates_to` cases.

Each is one Messages request whose answer decides an assertion. `Calls` sends them through the
runtime's provider (its retries, its base URL), one request each, or with `batch=True` collects
them and sends them together through the Message Batches API once every sample has run (half the
price; results are mapped back by `custom_id`). A call that fails is a failed assertion, never a
crash of the run.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

JUDGE_TOOL = "record_verdict"
JUDGE_MAX_TOKENS = 1024
ROUTING_MAX_TOKENS = 4096
REASON_CHARS = 300
INPUT_CHARS = 200

JUDGE_SYSTEM = (
    "You grade one run of an AI agent for an automated test. You get the task the agent was given, "
    "the tool calls it made (shortened), its final reply and the test author's criteria. Decide only "
    "from that evidence whether the run meets every criterion: anything the evidence does not show "
    "counts as not met. Answer by calling the record_verdict tool once: verdict `pass` or `fail`, and "
    "a reason of one short sentence naming what decided it."
)
JUDGE_TOOL_DEFINITION = {
    "name": JUDGE_TOOL,
    "description": "Record whether the run meets the criteria, and the one-sentence reason why.",
    "input_schema": {
        "type": "object",
        "properties": {
            "verdict": {"type": "string", "enum": ["pass", "fail"]},
            "reason": {"type": "string", "description": "One short sentence: what decided the verdict"},
        },
        "required": ["verdict", "reason"],
        "additionalProperties": False,
    },
}

ROUTING_SYSTEM = (
    "You are the main assistant of a coding session in a terminal, working in the user's project "
    "folder. You can act yourself with your tools, or hand a task to one of the agents listed at "
    "the end of this prompt through the Agent tool; the agent then works on it alone and reports "
    "back. Hand a task over when "
    "an agent's description fits it; otherwise do the work yourself."
)


@dataclass
class Outcome:
    """What a call came to: the response message, or why there is none; its cost in USD."""

    message: dict[str, Any] | None
    error: str = ""
    cost_usd: float = 0.0


class Calls:
    """Sends single-turn requests: each at once, or (`batch=True`) all together at `flush()`."""

    def __init__(self, *, batch: bool = False, provider: Any = None, prices: Any = None,
                 poll_s: float | None = None, max_poll_s: float = 30.0, timeout_s: float = 24 * 3600.0,
                 rate_gate: Any = None):
        self.batch = batch
        self.rate_gate = rate_gate  # shared with the runs' providers: one 429 holds both
        self._provider = provider
        self.prices = prices
        # A batch is polled after poll_s, then at doubling intervals up to max_poll_s; it is given
        # up (and cancelled) after timeout_s (the API's own limit is 24 hours).
        if poll_s is None:
            try:
                poll_s = max(0.0, float(os.environ.get("WORKBENCH_BATCH_POLL_S", "2")))
            except ValueError:
                poll_s = 2.0
        self.poll_s, self.max_poll_s, self.timeout_s = poll_s, max_poll_s, timeout_s
        self._queue: list[tuple[dict[str, Any], Callable[[Outcome], None]]] = []
        self.batches_sent = 0

    @property
    def provider(self) -> Any:
        if self._provider is None:
            from workbench.runtime.provider import Provider

            self._provider = Provider(rate_gate=self.rate_gate)
        return self._provider

    async def aclose(self) -> None:
        if self._provider is not None:
            await self._provider.aclose()

    async def send(self, request: dict[str, Any], done: Callable[[Outcome], None]) -> None:
        """Send `request` (or queue it, in batch mode); `done` gets the outcome."""
        if self.batch:
            self._queue.append((request, done))
            return
        from workbench.runtime.provider import ProviderError

        try:
            message = await self.provider.create(request)
        except ProviderError as exc:
            done(Outcome(None, str(exc)))
            return
        done(Outcome(message, cost_usd=self._cost(request, message, batched=False)))

    async def flush(self) -> None:
        """Send the queued requests as one batch and hand out the outcomes (last queued first, so
        each sample's failures go back in assertion order)."""
        queue, self._queue = self._queue, []
        if not queue:
            return
        outcomes = await self._run_batch([request for request, _ in queue])
        for (_, done), outcome in reversed(list(zip(queue, outcomes))):
            done(outcome)

    async def _run_batch(self, requests: list[dict[str, Any]]) -> list[Outcome]:
        from workbench.runtime.provider import ProviderError

        ids = [f"call-{i}" for i in range(1, len(requests) + 1)]
        entries: dict[str, dict[str, Any]] = {}
        provider = self.provider
        try:
            batch = await provider.retried(lambda client: client.messages.batches.create(
                requests=[{"custom_id": cid, "params": request} for cid, request in zip(ids, requests)]))
            self.batches_sent += 1
            batch_id = batch.id
            deadline = time.monotonic() + self.timeout_s
            wait = self.poll_s
            while batch.processing_status != "ended":
                if time.monotonic() >= deadline:
                    try:
                        await provider.retried(lambda client: client.messages.batches.cancel(batch_id))
                    except ProviderError:
                        pass
                    return [Outcome(None, f"batch {batch_id} did not end within {self.timeout_s:g} s")
                            for _ in requests]
                await asyncio.sleep(wait)
                wait = min(max(wait * 2, 0.05), self.max_poll_s)
                batch = await provider.retried(lambda client: client.messages.batches.retrieve(batch_id))

            async def read(client: Any) -> dict[str, dict[str, Any]]:
                found = {}
                async for entry in await client.messages.batches.results(batch_id):
                    found[entry.custom_id] = entry.result.model_dump(mode="json", exclude_none=True)
                return found

            entries = await provider.retried(read)
        except ProviderError as exc:
            return [Outcome(None, f"the batch failed: {exc}") for _ in requests]
        outcomes = []
        for cid, request in zip(ids, requests):
            result = entries.get(cid)
            kind = (result or {}).get("type")
            if kind == "succeeded":
                message = result["message"]
                outcomes.append(Outcome(message, cost_usd=self._cost(request, message, batched=True)))
            elif kind == "errored":
                error = (result.get("error") or {}).get("error") or {}
                outcomes.append(Outcome(None, f"batch entry errored: {error.get('type', 'api_error')}: "
                                              f"{error.get('message', 'no message')}"))
            elif kind in ("canceled", "expired"):
                outcomes.append(Outcome(None, f"batch entry {kind}"))
            else:
                outcomes.append(Outcome(None, f"batch {batch_id} has no result for {cid}"))
        return outcomes

    def _cost(self, request: dict[str, Any], message: dict[str, Any], *, batched: bool) -> float:
        from workbench.transcripts.pricing import cost_usd

        usage = dict(message.get("usage") or {})
        if batched:
            usage["service_tier"] = "batch"  # half price
        return cost_usd(message.get("model") or request.get("model"), usage, self.prices)


def _one_line(text: str, limit: int) -> str:
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _short_input(value: dict[str, Any]) -> str:
    return _one_line(json.dumps(value, ensure_ascii=False, default=str), INPUT_CHARS)


# ---- judge -----------------------------------------------------------------------------------

def judge_request(model: str, prompt: str, reply: str, tool_calls: list[tuple[str, dict]],
                  criteria: str) -> dict[str, Any]:
    """The grader's request: the evidence and the criteria, answered through a forced tool call."""
    calls = "\n".join(f"{i}. {name} {_short_input(args)}" for i, (name, args) in enumerate(tool_calls, 1))
    evidence = (f"<task>\n{prompt}\n</task>\n\n"
                f"<tool_calls>\n{calls or '(none)'}\n</tool_calls>\n\n"
                f"<final_reply>\n{reply or '(empty)'}\n</final_reply>\n\n"
                f"<criteria>\n{criteria}\n</criteria>")
    return {
        "model": model, "max_tokens": JUDGE_MAX_TOKENS, "system": JUDGE_SYSTEM,
        "messages": [{"role": "user", "content": evidence}],
        "tools": [JUDGE_TOOL_DEFINITION], "tool_choice": {"type": "tool", "name": JUDGE_TOOL},
    }


def read_verdict(message: dict[str, Any]) -> tuple[bool, str]:
    """(passed, one-line reason) from the grader's answer; ValueError when it holds no verdict."""
    for block in message.get("content") or []:
        if block.get("type") == "tool_use" and block.get("name") == JUDGE_TOOL:
            answer = block.get("input") or {}
            verdict = answer.get("verdict")
            if verdict not in ("pass", "fail"):
                raise ValueError(f"the judge gave no verdict (got {verdict!r})")
            reason = _one_line(str(answer.get("reason") or ""), REASON_CHARS) or "(no reason given)"
            return verdict == "pass", reason
    raise ValueError(f"the judge answered without calling {JUDGE_TOOL}")


async def judge(calls: Calls, assertion: Any, prompt: str, sample: Any, model: str) -> None:
    """Grade `sample` against the assertion's criteria; a failing verdict (or a failed call) becomes
    a failure at the assertion's place in `sample.failures`, the cost goes to `judge_cost_usd`."""
    place = len(sample.failures)

    def done(outcome: Outcome) -> None:
        sample.judge_cost_usd += outcome.cost_usd
        if outcome.message is None:
            verdict, reason = "error", f"the judge call failed: {outcome.error}"
        else:
            try:
                passed, reason = read_verdict(outcome.message)
                verdict = "pass" if passed else "fail"
            except ValueError as exc:
                verdict, reason = "error", str(exc)
        sample.judgements.append({"criteria": assertion.value, "verdict": verdict, "reason": reason})
        if verdict != "pass":
            sample.failures.insert(place, (assertion.label(), reason))

    await calls.send(judge_request(model, prompt, sample.reply, sample.tool_calls, assertion.value), done)


# ---- delegates_to ----------------------------------------------------------------------------

def routing_catalog(project: Any, agent_path: str | None = None) -> Any:
    """The agents Claude Code would offer the main thread in `project` (its project and user
    scopes; not workbench's bundled examples), plus the suite's agent file when given by path."""
    from pathlib import Path

    from workbench.agents.catalog import Catalog, Scope, ScopeKind, default_scopes

    scopes = default_scopes(cwd=Path(project), bundled=False)
    if agent_path is not None:
        path = Path(agent_path).resolve()
        if not any(_within(path, s.root) for s in scopes):
            scopes.append(Scope(ScopeKind.EXTRA, path.parent, (path,)))
    return Catalog.load(scopes)


def _within(path: Any, root: Any) -> bool:
    try:
        path.relative_to(root.resolve())
    except ValueError:
        return False
    return True


def routing_request(model: str, prompt: str, catalog: Any) -> dict[str, Any]:
    """The main thread's first request for `prompt`: every tool workbench implements, and the
    agents Claude Code offers its main thread (its built-ins and `catalog`'s, sorted by name) where
    workbench puts the context Claude Code sends as a system message: at the end of the system
    prompt (workbench.testing.routing)."""
    from workbench.runtime.tools.agent import AGENT_TOOL_NAME, AgentTool
    from workbench.runtime.toolset import available_tools
    from workbench.testing.routing import AGENT_TOOL_NOTE, listing_section

    tools = []
    for name, tool in available_tools().items():
        description = (AgentTool.description + " " + AGENT_TOOL_NOTE if name == AGENT_TOOL_NAME
                       else tool.description)
        tools.append({"name": name, "description": description, "input_schema": tool.input_schema})
    return {"model": model, "max_tokens": ROUTING_MAX_TOKENS,
            "system": ROUTING_SYSTEM + "\n\n" + listing_section(catalog),
            "messages": [{"role": "user", "content": prompt}], "tools": tools}


def read_routing(message: dict[str, Any], wanted: str) -> str | None:
    """None when the first Agent call of the response names `wanted` (ignoring case and
    separators, as the Agent tool matches), else what happened instead."""
    from workbench.runtime.tools.agent import AGENT_TOOL_NAME, _normalised

    uses = [b for b in message.get("content") or [] if b.get("type") == "tool_use"]
    agent_calls = [b for b in uses if b.get("name") == AGENT_TOOL_NAME]
    if agent_calls:
        picked = str((agent_calls[0].get("input") or {}).get("subagent_type") or "")
        if _normalised(picked) == _normalised(wanted):
            return None
        return f"picked {picked}" if picked else "called Agent without a subagent_type"
    if uses:
        return f"called {uses[0].get('name')} first"
    return "answered without delegating"


def routing_assertion(case: Any) -> Any:
    """The case's `delegates_to` assertion, or None for an ordinary case."""
    return next((a for a in case.assertions if a.kind == "delegates_to"), None)


def check_routing_names(suite: Any, catalog: Any) -> None:
    """SuiteError (file:line:column) for a `delegates_to` naming no agent of `catalog`."""
    from workbench.runtime.tools.agent import find_agent
    from workbench.testing.routing import builtin_names, is_builtin
    from workbench.testing.suite import SuiteError

    for case in suite.cases:
        wanted = routing_assertion(case)
        if wanted is not None and find_agent(catalog, wanted.value) is None and not is_builtin(wanted.value):
            names = ", ".join([*catalog.winners(), *builtin_names()])
            raise SuiteError(f"{wanted.options.get('where', suite.path)}: delegates_to: no agent named "
                             f"{wanted.value!r} in the catalog (agents: {names})")


async def route(calls: Calls, case: Any, sample: Any, catalog: Any, model: str) -> None:
    """A `delegates_to` sample: one request, no agent run; the call's cost is the sample's."""
    wanted = routing_assertion(case)
    started = time.monotonic()

    def done(outcome: Outcome) -> None:
        sample.cost_usd += outcome.cost_usd
        sample.duration_s = time.monotonic() - started
        if outcome.message is None:
            sample.status = "error"
            sample.error = outcome.error
            sample.failures.append((wanted.label(), f"the routing call failed: {outcome.error}"))
            return
        message = outcome.message
        sample.status, sample.turns = "completed", 1
        sample.reply = "".join(b.get("text", "") for b in message.get("content") or [] if b.get("type") == "text")
        sample.tool_calls = [(b.get("name", ""), dict(b.get("input") or {}))
                             for b in message.get("content") or [] if b.get("type") == "tool_use"]
        sample.tool_call_count = len(sample.tool_calls)
        problem = read_routing(message, wanted.value)
        if problem is not None:
            sample.failures.append((wanted.label(), problem))

    await calls.send(routing_request(model, case.prompt, catalog), done)


@dataclass
class Routing:
    """What `delegates_to` cases need, prepared before anything runs."""

    settings: Any
    model: str  # the main thread's model: --model, else the settings' default_model
    catalogs: dict[int, Any]  # by id() of the suite's AgentSource


def prepare_routing(suites: list[Any], agents: list[Any], project: Any, model: str | None) -> Routing:
    """Load each routing suite's catalog and check its `delegates_to` names (SuiteError)."""
    from workbench.runtime.models import resolve_model
    from workbench.settings import load_settings

    settings = load_settings()
    main_model = resolve_model(None, default=model or settings.default_model, settings_models=settings.models)
    catalogs: dict[int, Any] = {}
    for suite, agent in zip(suites, agents):
        if any(routing_assertion(case) is not None for case in suite.cases):
            catalog = routing_catalog(project, agent.path if agent.path and _is_file(agent.path) else None)
            check_routing_names(suite, catalog)
            catalogs[id(agent)] = catalog
    return Routing(settings, main_model, catalogs)


def _is_file(path: str) -> bool:
    from pathlib import Path

    return Path(path).is_file()
