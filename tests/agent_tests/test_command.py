"""`workbench test` as a person or CI runs it: the real CLI in a subprocess against the scripted server."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

from fake_api import text_reply

# The checkout under test first on the path (the subprocess runs in a project folder, not here).
ROOT = str(Path(__file__).resolve().parents[2])

AGENT = "---\nname: greeter\ndescription: Greets.\ntools: Read\n---\nYou greet.\n"


def _project(tmp_path, suite: str, name: str = "greeter.yaml"):
    project = tmp_path / "proj"
    (project / ".claude" / "agents").mkdir(parents=True, exist_ok=True)
    (project / ".claude" / "agents" / "greeter.md").write_text(AGENT)
    (project / ".claude" / "agent-tests").mkdir(parents=True, exist_ok=True)
    (project / ".claude" / "agent-tests" / name).write_text(suite)
    return project


SUITE = """\
agent: greeter
repeat: 2
cases:
  - name: says-hello
    prompt: greet me
    assert:
      - output_contains: hello
  - name: polite
    prompt: greet me
    pass_rate: 0.5
    assert:
      - output_not_contains: rude
"""


def _cli(project, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench", "test", *args], cwd=project, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=120,
                          env={**os.environ, "WORKBENCH_RETRY_DELAY_SCALE": "0",
                               "PYTHONPATH": os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))})


def _replies(fake_api, *texts: str) -> None:
    fake_api.add(*[text_reply(f"m{i}", t) for i, t in enumerate(texts)])


def test_all_cases_meeting_their_pass_rate_exit_0_with_the_json_shape(fake_api, tmp_path):
    project = _project(tmp_path, SUITE)
    _replies(fake_api, "hello there", "hello again", "fine", "rude!")
    done = _cli(project, "--format", "json", "--jobs", "1")

    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert list(out) == ["cases", "summary"]
    first, second = out["cases"]
    assert list(first)[:9] == ["suite", "case", "agent", "samples", "passed", "pass_rate", "ok", "cost_usd",
                               "failures"]  # the contract's keys first; added keys after them
    assert (first["engine"], first["model"]) == ("builtin", fake_api.bodies()[0]["model"])
    assert "judge_cost_usd" in first
    assert (first["case"], first["agent"], first["samples"], first["passed"], first["ok"]) == (
        "says-hello", "greeter", 2, 2, True)
    assert first["suite"].endswith("greeter.yaml") and first["cost_usd"] > 0
    assert (second["passed"], second["pass_rate"], second["ok"]) == (1, 0.5, True)
    assert second["failures"] == [{"sample": 2, "assertion": "output_not_contains: rude",
                                   "message": "the reply contains 'rude' (reply: rude!)"}]
    assert list(out["summary"]) == ["cases", "ok", "failed", "cost_usd", "judge_cost_usd"]
    assert (out["summary"]["cases"], out["summary"]["ok"], out["summary"]["failed"]) == (2, 2, 0)


def test_a_case_below_its_pass_rate_exits_1_and_text_says_why(fake_api, tmp_path):
    project = _project(tmp_path, SUITE)
    _replies(fake_api, "hello", "bye", "fine", "fine")
    done = _cli(project, "--jobs", "1")

    assert done.returncode == 1, done.stderr
    assert "✗ greeter.yaml › says-hello: 1/2 passed (50%, needs 100%)" in done.stdout
    assert "sample 2: output_contains: hello — the reply does not contain 'hello' (reply: bye)" in done.stdout
    assert "✓ greeter.yaml › polite: 2/2 passed" in done.stdout
    assert "1 of 2 cases ok, 1 failed" in done.stdout


def test_repeat_overrides_and_junit_has_a_testcase_per_case_written_to_a_file(fake_api, tmp_path):
    project = _project(tmp_path, SUITE)
    _replies(fake_api, "bye", "fine")
    report = tmp_path / "report.xml"
    done = _cli(project, "greeter", "--repeat", "1", "--format", "junit", "-o", str(report), "--jobs", "1")

    assert done.returncode == 1, done.stderr
    assert done.stdout == "" and len(fake_api.bodies()) == 2
    root = ET.parse(report).getroot()
    cases = root.findall("./testsuite/testcase")
    assert [c.get("name") for c in cases] == ["says-hello", "polite"]
    assert cases[0].find("failure") is not None and "does not contain 'hello'" in cases[0].find("failure").text
    assert cases[1].find("failure") is None
    assert root.get("tests") == "2" and root.get("failures") == "1"


def test_a_suite_error_exits_2_before_anything_runs(fake_api, tmp_path):
    project = _project(tmp_path, SUITE.replace("      - output_contains: hello\n",
                                               "      - judge: [friendly]\n"))
    done = _cli(project)

    assert done.returncode == 2
    assert "greeter.yaml:7:16: judge must be a single value" in done.stderr
    assert fake_api.bodies() == []


def test_an_agent_name_with_a_broken_suite_reports_its_error_not_no_suite(fake_api, tmp_path):
    project = _project(tmp_path, SUITE.replace("repeat: 2\n", "repeat: two\n"), name="greets.yaml")
    done = _cli(project, "greeter")

    assert done.returncode == 2
    assert "greets.yaml:2:9: repeat must be a whole number" in done.stderr, done.stderr
    assert fake_api.bodies() == []


def test_a_path_to_a_suite_anywhere_and_usage_errors(fake_api, tmp_path):
    project = _project(tmp_path, SUITE)
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text(f"agent: {project / '.claude' / 'agents' / 'greeter.md'}\nrepeat: 1\ncases:\n"
                         "  - name: one\n    prompt: hi\n    assert: [{output_contains: hi}]\n")
    _replies(fake_api, "hi")
    done = _cli(tmp_path, str(elsewhere), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert [c["case"] for c in json.loads(done.stdout)["cases"]] == ["one"]

    assert _cli(project, "nobody").returncode == 2
    assert _cli(project, "--jobs", "0").returncode == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = _cli(empty)
    assert missing.returncode == 2 and "no suites" in missing.stderr


def test_each_sample_transcript_is_linked_from_every_format_and_listed_like_other_runs(fake_api, tmp_path):
    project = _project(tmp_path, SUITE)
    _replies(fake_api, "hello", "bye", "fine", "fine")
    done = _cli(project, "--format", "json", "--jobs", "1")
    assert done.returncode == 1, done.stderr
    cases = json.loads(done.stdout)["cases"]
    linked = [t for c in cases for t in c["transcripts"]]
    assert [len(c["transcripts"]) for c in cases] == [2, 2] and len(set(linked)) == 4
    assert all(Path(t).is_file() for t in linked)
    # The runs are where every run's transcript is: `workbench transcript list` shows them.
    listing = subprocess.run([sys.executable, "-m", "workbench", "transcript", "list", "--format", "json"],
                             cwd=project, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120,
                             env={**os.environ, "PYTHONPATH": ROOT})
    assert listing.returncode == 0, listing.stderr
    assert set(linked) <= {run["path"] for run in json.loads(listing.stdout)}

    _replies(fake_api, "hello", "bye", "fine", "fine")
    text = _cli(project, "--jobs", "1")
    failing = [line for line in text.stdout.splitlines() if "transcript" in line]
    assert len(failing) == 1 and failing[0].startswith("    sample 2: transcript ")  # the failing sample's
    assert Path(failing[0].split("transcript ", 1)[1]).is_file()

    _replies(fake_api, "hello", "bye", "fine", "fine")
    report = tmp_path / "r.xml"
    _cli(project, "--format", "junit", "-o", str(report), "--jobs", "1")
    for case in ET.parse(report).getroot().findall("./testsuite/testcase"):
        out = case.find("system-out").text.splitlines()
        paths = [line.split("transcript ", 1)[1] for line in out if " transcript " in line]
        assert len(paths) == 2 and all(Path(p).is_file() for p in paths)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_line_counts_samples_waiting_for_batched_verdicts_apart():
    from workbench.commands.test import _Progress
    from workbench.testing.runner import Sample
    from workbench.testing.suite import Assertion, Case

    plain = Case("plain", "hi", [Assertion("output_contains", "hi")], 1, 1.0, "acceptEdits", [])
    judged = Case("judged", "hi", [Assertion("judge", "kind")], 1, 1.0, "acceptEdits", [])
    failed = Sample(3, failures=[("run", "the run ended error")])
    out = _Terminal()
    progress = _Progress(3, frozenset({"judge", "delegates_to"}), out=out)
    for case, sample in ((plain, Sample(1)), (judged, Sample(2)), (judged, failed)):
        progress.update(case, sample)
    assert out.getvalue().rsplit("\r", 1)[-1] == "[########################] 3/3 samples, 1 passing, 1 awaiting the batch, $0.0000"

    direct = _Terminal()
    progress = _Progress(1, out=direct)
    progress.update(judged, Sample(1))
    assert direct.getvalue().endswith("1/1 samples, 1 passing, $0.0000")


def test_model_runs_every_sample_on_that_model_over_the_agent_s_own(fake_api, tmp_path):
    project = _project(tmp_path, SUITE)
    agent_file = project / ".claude" / "agents" / "greeter.md"
    agent_file.write_text(AGENT.replace("tools: Read\n", "tools: Read\nmodel: opus\n"))
    _replies(fake_api, *["hello"] * 4)
    done = _cli(project, "--model", "haiku", "--format", "json")

    assert done.returncode == 0, done.stderr
    assert {body["model"] for body in fake_api.bodies()} == {"claude-haiku-5-5"}
    assert {c["model"] for c in json.loads(done.stdout)["cases"]} == {"claude-haiku-5-5"}

    _replies(fake_api, *["hello"] * 4)
    assert _cli(project, "--format", "json").returncode == 0
    assert {body["model"] for body in fake_api.bodies()[4:]} == {"claude-opus-5-5"}  # the file's, without --model
