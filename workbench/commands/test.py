"""`workbench test [PATH|AGENT ...]`: run agent test suites (issue 16's suite files).

With no arguments, every `.claude/agent-tests/*.yaml` of the project (the current folder). A PATH
is a suite file or a folder of them; an AGENT is a name whose suites in `.claude/agent-tests/` run
(then, for a bundled agent, the suites shipped for it in the package's `agents/tests/`).
Exit status: 0 when every case meets its pass_rate, 1 when one does not, 2 for a usage or suite
error (reported before anything runs).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from workbench.testing.agent_suites import SUITE_FOLDER  # light: yaml is imported when a suite loads
from workbench.plural import plural

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("targets", nargs="*", metavar="PATH|AGENT",
                        help="suite files, folders of them, or agent names (default: .claude/agent-tests/*.yaml)")
    parser.add_argument("--repeat", type=int, metavar="N", help="samples per case (overrides the suites)")
    parser.add_argument("--jobs", type=int, default=4, metavar="N", help="samples run at once (default 4)")
    parser.add_argument("--model", metavar="M",
                        help="run every sample on M, over the agent's own `model:` (as an Agent call's model "
                             "input does); with --engine claude-code, Claude Code's main model")
    parser.add_argument("--format", choices=("text", "json", "junit"), default="text")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the results here instead of stdout")
    parser.add_argument("--judge-model", metavar="M", help="the grader of `judge` assertions (default: the "
                                                            "settings' judge_model, haiku)")
    parser.add_argument("--batch", action="store_true", help="send judge and delegates_to calls through the "
                                                             "Message Batches API (half the price, slower)")
    parser.add_argument("--history", metavar="AGENT",
                        help="run nothing: show each case's pass rate across AGENT's versions (kept per project)")
    parser.add_argument("--variant", choices=("saved", "buffer"), default="saved",
                        help="run the agent file on disk (default) or its unsaved buffer in the workbench app")
    parser.add_argument("--engine", choices=("auto", "builtin", "claude-code"),
                        help="run the samples in workbench's built-in engine or in the real Claude Code "
                             "(default: the settings' engine, as for workbench run)")


class _UsageError(Exception):
    pass


def run(args: argparse.Namespace) -> int:
    from workbench.testing.suite import SuiteError

    try:
        return _run(args)
    except (_UsageError, SuiteError) as exc:
        print(f"workbench: {exc}", file=sys.stderr)
        return EXIT_USAGE


def find_suites(targets: list[str], project: Path) -> list[Path]:
    """The suite files the arguments name, in order, each once."""
    from workbench.testing.agent_suites import suite_files_named

    folder = project / SUITE_FOLDER
    found: list[Path] = []
    if not targets:
        found = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
        if not found:
            raise _UsageError(f"no suites: {folder} has no *.yaml files")
    for target in targets:
        path = Path(target).expanduser()
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            files = sorted(path.glob("*.yaml"))
            if not files:
                raise _UsageError(f"{target}: a folder without *.yaml suites")
            found.extend(files)
        else:
            files = suite_files_named(target, project)
            if not files:
                raise _UsageError(f"{target}: no such file or folder, and no suite in {folder} for that agent")
            found.extend(files)
    unique: list[Path] = []
    for p in found:
        if p.resolve() not in [u.resolve() for u in unique]:
            unique.append(p)
    return unique


def _run(args: argparse.Namespace) -> int:
    from workbench.runtime.provider import has_credentials
    from workbench.testing.runner import run_suites
    from workbench.testing.suite import load_suite

    if args.repeat is not None and args.repeat < 1:
        raise _UsageError("--repeat must be at least 1")
    if args.jobs < 1:
        raise _UsageError("--jobs must be at least 1")
    project = Path.cwd()
    if getattr(args, "history", None):
        return _show_history(args, project)
    suites = [load_suite(p) for p in find_suites(args.targets, project)]
    engine = _choose_engine(getattr(args, "engine", None))
    if engine.name == "builtin" and not has_credentials():  # Claude Code has its own login
        raise _UsageError("no API key: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN)")
    if getattr(args, "batch", False) and engine.name == "claude-code" and any(
            a.kind == "delegates_to" for s in suites for c in s.cases for a in c.assertions):
        print("workbench: --batch: delegates_to cases run in Claude Code itself, which cannot batch "
              "them: they run directly", file=sys.stderr)
    agents = _buffer_agents(suites, project) if getattr(args, "variant", "saved") == "buffer" else None
    batched = frozenset()
    if getattr(args, "batch", False):  # Claude Code's routing runs directly, not in the batch
        batched = frozenset({"judge"} if engine.name == "claude-code" else {"judge", "delegates_to"})
    progress = _Progress(sum(args.repeat or c.repeat for s in suites for c in s.cases), batched)
    results = asyncio.run(run_suites(suites, project=project, jobs=args.jobs, repeat=args.repeat,
                                     model=args.model, force_model=args.model,
                                     on_sample=progress.update, engine=engine,
                                     agents=agents, judge_model=getattr(args, "judge_model", None),
                                     batch=getattr(args, "batch", False)))
    progress.close()
    _keep_history(results, project)
    text = {"text": format_text, "json": format_json, "junit": format_junit}[args.format](results)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK if all(r.ok for r in results) else EXIT_FAILED


def _buffer_agents(suites: list, project: Path) -> list:
    """--variant buffer: each suite's agent as its unsaved buffer in the app (its draft)."""
    from workbench.drafts import read_draft
    from workbench.testing.runner import AgentSource, resolve_agent

    agents = []
    for suite in suites:
        saved = resolve_agent(suite, project)
        text = read_draft(saved.path) if saved.path else None
        if text is None:
            raise _UsageError(f"no unsaved buffer for {suite.agent} (open it in workbench and edit it first)")
        agents.append(AgentSource(text, saved.path, saved.catalog))
    return agents


def _keep_history(results: list, project: Path) -> None:
    """Append the run to the project's results history (a failure to write it is only a warning)."""
    from workbench.testing.history import record

    try:
        record(results, project)
    except OSError as exc:
        print(f"workbench: the results history was not written: {exc}", file=sys.stderr)


def _show_history(args: argparse.Namespace, project: Path) -> int:
    from workbench.testing.history import format_history_text, history_of

    if args.format == "junit":
        raise _UsageError("--history shows text or json")
    history = history_of(args.history, project)
    text = (json.dumps(history.to_dict(), ensure_ascii=False, indent=2) + "\n" if args.format == "json"
            else format_history_text(history))
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _choose_engine(explicit: str | None):
    """The engine every sample runs in: --engine, else WORKBENCH_ENGINE, else the settings' engine."""
    from workbench.runtime.engines import EngineUnavailable, choose_engine
    from workbench.settings import load_settings

    try:
        return choose_engine(explicit, load_settings())
    except (ValueError, EngineUnavailable) as exc:
        raise _UsageError(str(exc)) from None


class _Progress:
    """Samples done, passing and cost so far, on one line of a terminal's stderr. With `batched`
    (the assertion kinds whose calls wait for the Message Batch), a sample that has passed so far
    but still waits for such a verdict is counted as awaiting, not passing."""

    def __init__(self, total: int, batched: frozenset[str] = frozenset(), out: Any = None):
        self.total, self.done, self.passing, self.awaiting, self.cost = total, 0, 0, 0, 0.0
        self.batched = batched
        self.out = out or sys.stderr
        self.shown = self.out.isatty()

    def update(self, case: Any, sample: Any) -> None:
        self.done += 1
        if sample.passed and any(a.kind in self.batched for a in case.assertions):
            self.awaiting += 1
        else:
            self.passing += sample.passed
        self.cost += sample.cost_usd
        if self.shown:
            width = 24
            filled = width * self.done // max(1, self.total)
            waiting = f", {self.awaiting} awaiting the batch" if self.awaiting else ""
            self.out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} samples, "
                           f"{self.passing} passing{waiting}, ${self.cost:.4f}")
            self.out.flush()

    def close(self) -> None:
        if self.shown:
            self.out.write("\n")


def _summary(results: list) -> dict[str, Any]:
    ok = sum(1 for r in results if r.ok)
    return {"cases": len(results), "ok": ok, "failed": len(results) - ok,
            "cost_usd": round(sum(r.cost_usd for r in results), 6),
            "judge_cost_usd": round(sum(r.judge_cost_usd for r in results), 6)}


def format_json(results: list) -> str:
    return json.dumps({"cases": [r.to_dict() for r in results], "summary": _summary(results)},
                      ensure_ascii=False, indent=2) + "\n"


def format_text(results: list) -> str:
    lines = []
    for r in results:
        mark = "✓" if r.ok else "✗"
        lines.append(f"{mark} {Path(r.suite).name} › {r.case.name}: {r.passed}/{len(r.samples)} passed "
                     f"({r.pass_rate:.0%}, needs {r.case.pass_rate:.0%}), ${r.cost_usd:.4f}")
        for s in r.samples:
            for assertion, message in s.failures:
                lines.append(f"    sample {s.index}: {assertion} — {message}")
            if s.failures and s.transcript:
                lines.append(f"    sample {s.index}: transcript {s.transcript}")
            if s.failures and s.refusals:
                lines.append(f"    sample {s.index}: refused " + ", ".join(x["tool"] for x in s.refusals))
    summary = _summary(results)
    lines.append(f"{summary['ok']} of {plural(summary['cases'], 'case')} ok, {summary['failed']} failed; "
                 f"cost ${summary['cost_usd']:.4f}" + _judge_cost_text(results, summary))
    return "\n".join(lines) + "\n"


def _judge_cost_text(results: list, summary: dict[str, Any]) -> str:
    """The grader's cost, apart; and a word on batch prices when calls went through a batch."""
    judged = any(a.kind == "judge" for r in results for a in r.case.assertions)
    text = f" + judge ${summary['judge_cost_usd']:.4f}" if judged else ""
    if any(getattr(r, "batched", False) for r in results):
        text += " (judge and delegates_to calls sent as a Message Batch: half price)"
    return text


def format_junit(results: list) -> str:
    from xml.etree import ElementTree as ET

    root = ET.Element("testsuites", name="workbench agent tests", tests=str(len(results)),
                      failures=str(sum(1 for r in results if not r.ok)))
    by_suite: dict[str, list] = {}
    for r in results:
        by_suite.setdefault(r.suite, []).append(r)
    for suite, cases in by_suite.items():
        node = ET.SubElement(root, "testsuite", name=suite, tests=str(len(cases)),
                             failures=str(sum(1 for r in cases if not r.ok)))
        for r in cases:
            seconds = sum(s.duration_s for s in r.samples)
            case = ET.SubElement(node, "testcase", classname=Path(suite).stem, name=r.case.name,
                                 time=f"{seconds:.3f}")
            body = [f"sample {s.index}: {a}: {m}" for s in r.samples for a, m in s.failures]
            if not r.ok:
                failure = ET.SubElement(case, "failure", message=f"{r.passed}/{len(r.samples)} samples passed, "
                                                                  f"pass_rate {r.case.pass_rate:g} needed")
                failure.text = "\n".join(body)
            elif body:
                ET.SubElement(case, "system-out").text = "\n".join(body)
            _junit_transcripts(case, r)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _junit_transcripts(case: Any, result: Any) -> None:
    """Each sample's transcript in the testcase's system-out (after what is already there)."""
    from xml.etree import ElementTree as ET

    lines = [f"sample {s.index}: transcript {s.transcript}" for s in result.samples if s.transcript]
    if not lines:
        return
    out = case.find("system-out")
    if out is None:
        out = ET.SubElement(case, "system-out")
    out.text = "\n".join(filter(None, [out.text, *lines]))
