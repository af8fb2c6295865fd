"""Agent tests (`workbench test`): the harness's cost per sample, and concurrency against the ideal.

A suite of 100 cases, each a short tool loop: the scripted model (tests/fake_api.py's RespondingAPI,
real SSE over HTTP) answers the prompt with one Read call, then with a reply quoting what it read;
each case checks four deterministic assertions (tool_called with, output_contains, file_unchanged,
max_tool_calls).

1. Harness overhead: samples one at a time with no model time, through `run_suites` (suite, agent
   resolution, a fresh workspace per sample, the Session, assertions, clean-up) against the bare
   engine running the same conversation (`Session.send` in a ready folder, nothing else). Target:
   within 1.2x.
2. Concurrency: 100 cases x 3 samples with `--jobs 8`, each response taking MODEL_MS of model time
   (paced SSE frames); wall time against the ideal, total model time / jobs.

Run: `python benchmarks/run.py agent_tests` (or this file directly).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fake_api import RespondingAPI, message_text, text_reply, tool_calls_reply, tool_results  # noqa: E402

CASES = 100
SAMPLES = 3
JOBS = 8
MODEL_MS = 40  # per response
OVERHEAD_SAMPLES = 40
ROUNDS = 3
AGENT = "---\nname: note-reader\ndescription: Reads notes.\ntools: Read\n---\nYou read notes and say what they hold.\n"
PROMPT = "Read notes.txt and tell me what it says (ticket {i})."


def _suite_text(cases: int) -> str:
    lines = ["agent: note-reader.md", "cases:"]
    for i in range(cases):
        lines += [f"  - name: case-{i}", f"    prompt: \"{PROMPT.format(i=i)}\"",
                  f"    files: {{\"notes.txt\": \"note number {i}\\n\"}}", "    assert:",
                  "      - tool_called: Read", "        with: {file_path: 'notes\\.txt$'}",
                  f"      - output_contains: \"note number {i}\"", "      - file_unchanged: notes.txt",
                  "      - max_tool_calls: 1"]
    return "\n".join(lines) + "\n"


def _model(model_s: float):
    """respond(body): a Read of notes.txt, then a reply quoting it; each response takes `model_s`."""
    counter = iter(range(10**9))

    def respond(body: dict):
        msg_id = f"msg_{next(counter)}"
        results = tool_results(body)
        if not results:
            reply = tool_calls_reply(msg_id, [("Read", {"file_path": "notes.txt"})])
        else:
            ticket = re.search(r"ticket (\d+)", message_text(body["messages"][0])).group(1)
            said = results[-1].split("\t", 1)[-1].strip()
            reply = text_reply(msg_id, f"Ticket {ticket}: the file says ", said, ".")
        reply.delay = model_s / max(1, len(reply.frames))
        return reply

    return respond


async def _bare(text: str, folder: Path, count: int) -> None:
    """The engine alone: `count` runs of the same conversation in a ready folder."""
    from workbench.runtime.session import Session

    for i in range(count):
        session = Session(text, path=str(folder / "note-reader.md"), cwd=folder, permission_mode="acceptEdits",
                          ask_permission=None)
        async for event in session.send(PROMPT.format(i=i)):
            if event.kind == "run_ended":
                assert event.status == "completed" and event.tool_calls == 1, event
        await session.aclose()


def _harness(suite_path: Path, jobs: int, repeat: int) -> list:
    from workbench.testing.runner import run_suites
    from workbench.testing.suite import load_suite

    results = asyncio.run(run_suites([load_suite(suite_path)], project=suite_path.parent, jobs=jobs, repeat=repeat))
    failures = [(r.case.name, s.failures) for r in results for s in r.samples if s.failures]
    assert not failures, failures[:3]
    return results


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def run() -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        # never sent anywhere but the local server; transcripts go to the temp folder
        os.environ.update({"ANTHROPIC_API_KEY": "bench", "WORKBENCH_DATA_DIR": str(root / "data"),
                           "WORKBENCH_CONFIG_DIR": str(root / "config"), "WORKBENCH_ENGINE": "builtin"})
        (root / "note-reader.md").write_text(AGENT)
        small = root / "overhead.yaml"
        small.write_text(_suite_text(OVERHEAD_SAMPLES))
        full = root / "full.yaml"
        full.write_text(_suite_text(CASES))
        ready = root / "ready"
        ready.mkdir()
        (ready / "notes.txt").write_text("note number 0\n")

        bare: list[float] = []
        harness: list[float] = []
        with RespondingAPI(_model(0.0)) as api:
            os.environ["ANTHROPIC_BASE_URL"] = api.url
            for round_no in range(ROUNDS + 1):
                t_bare = _timed(lambda: asyncio.run(_bare(AGENT, ready, OVERHEAD_SAMPLES)))
                t_harness = _timed(lambda: _harness(small, 1, 1))
                if round_no:  # the first round warms imports and caches
                    bare.append(t_bare / OVERHEAD_SAMPLES)
                    harness.append(t_harness / OVERHEAD_SAMPLES)
        with RespondingAPI(_model(MODEL_MS / 1000)) as api:
            os.environ["ANTHROPIC_BASE_URL"] = api.url
            wall = _timed(lambda: _harness(full, JOBS, SAMPLES))
            responses = len(api.bodies())
    assert responses == CASES * SAMPLES * 2, responses
    b, h = min(bare), min(harness)
    ideal = responses * MODEL_MS / 1000 / JOBS
    return [
        f"bare engine run (Session.send, ready folder): {b * 1000:7.1f} ms a sample (best of {ROUNDS}, "
        f"{OVERHEAD_SAMPLES} samples, no model time)",
        f"harness (run_suites: workspace, assertions):  {h * 1000:7.1f} ms a sample",
        f"harness overhead: {h / b:.2f}x the bare engine (target <= 1.2x)",
        f"{CASES} cases x {SAMPLES} samples, --jobs {JOBS}, {MODEL_MS} ms a response: {wall:6.2f} s "
        f"(ideal {ideal:.2f} s = model time / jobs)",
        f"wall time: {wall / ideal:.2f}x the ideal",
        json.dumps({"bench": "agent_tests", "harness_ratio": round(h / b, 3), "wall_ratio": round(wall / ideal, 3)}),
    ]


if __name__ == "__main__":
    print("\n".join(run()))
