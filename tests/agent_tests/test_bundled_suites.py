"""The bundled agents' suites (agents/tests/*.yaml) pass in CI: `workbench test` runs them through
the real engine, tools and workspaces against a scripted model that answers each request from the
request itself — the case from the prompt of the first user message, the step from how many turns
came before — doing what a good agent does (read, edit, run the tests, reply). One agent scripted
to misbehave shows the failure."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fake_api import RespondingAPI, message_text, text_reply, tool_calls_reply

from workbench.agents.catalog import Catalog, Scope, ScopeKind
from workbench.commands.test import find_suites
from workbench.paths import bundled_agents_dir
from workbench.testing.suite import load_suite

ROOT = str(Path(__file__).resolve().parents[2])
SUITES = bundled_agents_dir() / "tests"
AGENTS = ["backend-developer", "code-reviewer", "debugger", "documentation-writer", "researcher", "test-writer"]

# One table per agent: case name -> its steps, one per model response. A step is a list of tool
# calls (made in one response) or the final reply.

CODE_REVIEWER = {
    "finds-sql-injection": [
        [("Read", {"file_path": "app.py"})],
        "Needs the blocking issue fixed before merging: find_orders formats the customer name into "
        "its SQL.\n\n**Blocking**\n- `app.py:16`: SQL injection in find_orders. A customer named "
        "`x' OR '1'='1` returns every order. Fix: a parameterised query, "
        "`conn.execute(\"... WHERE customer = ?\", (customer,))`.\n\n**Consider**\n- `app.py:21`: "
        "order_total returns 0.0 for an unknown id; None would be clearer.\n\nTests to add: a "
        "customer name containing a quote.",
    ],
    "flags-off-by-one": [
        [("Read", {"file_path": "pagination.py"})],
        "Needs rework: every page has one item too many.\n\n**Blocking**\n- `pagination.py:6`: "
        "off-by-one, the slice ends at `start + size + 1`. Fix: `items[start:start + size]`.",
    ],
    "approves-a-clean-change": [
        [("Read", {"file_path": "mathutil.py"})],
        "clamp() is ready to merge: the empty range is rejected and both bounds are inclusive.\n\n"
        "**Consider**\n- `mathutil.py:5`: a NaN value passes through unchanged; say so in the docstring.",
    ],
}

DEBUGGER = {
    "fixes-unsorted-median": [
        [("Bash", {"command": "python3 -m unittest -q"})],
        [("Read", {"file_path": "stats.py"})],
        [("Edit", {"file_path": "stats.py", "old_string": "    middle = len(values) // 2\n",
                   "new_string": "    values = sorted(values)\n    middle = len(values) // 2\n"})],
        [("Bash", {"command": "python3 -m unittest -q"})],
        "Root cause: median() picked the middle element of the list as given, without sorting it "
        "first, so unsorted input gave a wrong answer. Fix: sort a copy (stats.py:13). All 5 tests pass.",
    ],
    "fixes-keyerror-crash": [
        [("Bash", {"command": "python3 report.py"})],
        [("Read", {"file_path": "report.py"})],
        [("Edit", {"file_path": "report.py", "old_string": '"totl"', "new_string": '"total"'})],
        [("Bash", {"command": "python3 report.py"})],
        "The first order's key was misspelled `totl` (report.py:2), so grand_total hit a KeyError. "
        "Fixed the key; the report prints a grand total of 20.00.",
    ],
}

BACKEND_DEVELOPER = {
    "parameterises-user-lookup": [
        [("Read", {"file_path": "db.py"})],
        [("Edit", {"file_path": "db.py",
                   "old_string": "conn.execute(f\"SELECT id, email, name FROM users WHERE email = '{email}'\")",
                   "new_string": "conn.execute(\"SELECT id, email, name FROM users WHERE email = ?\", (email,))"})],
        [("Bash", {"command": "python3 -m unittest -q"})],
        "find_user_by_email now passes the email as a query parameter (db.py:21); the tests pass.",
    ],
    "adds-validated-create-handler": [
        [("Read", {"file_path": "inventory.py"})],
        [("Edit", {"file_path": "inventory.py", "old_string": "    return store[sku]\n", "new_string": (
            "    return store[sku]\n\n\n"
            "def create_item(store: dict, payload: dict) -> dict:\n"
            "    sku, quantity = payload.get(\"sku\"), payload.get(\"quantity\")\n"
            "    if not isinstance(sku, str) or not sku.strip():\n"
            "        raise ValueError(\"sku must be a non-empty string\")\n"
            "    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:\n"
            "        raise ValueError(\"quantity must be a whole number of 0 or more\")\n"
            "    if sku in store:\n"
            "        raise ValueError(f\"sku {sku!r} already exists\")\n"
            "    store[sku] = {\"sku\": sku, \"quantity\": quantity}\n"
            "    return store[sku]\n")})],
        "Added create_item (inventory.py:10): it validates sku and quantity, refuses duplicates "
        "with ValueError and returns the stored item.",
    ],
}

DOCUMENTATION_WRITER = {
    "updates-stale-usage": [
        [("Read", {"file_path": "cli.py"}), ("Read", {"file_path": "README.md"})],
        [("Edit", {"file_path": "README.md",
                   "old_string": "python cli.py FILE... [--limit N]\n```\n\n"
                                 "`--limit N` shows the N most common words (default 10).\n",
                   "new_string": "python cli.py FILE... [--top N] [--format text|json] [--ignore-case]\n```\n\n"
                                 "- `--top N`: show the N most common words (default 10).\n"
                                 "- `--format text|json`: the output format (default text).\n"
                                 "- `--ignore-case`: fold case before counting.\n"})],
        "README.md's Usage now lists --top, --format and --ignore-case as cli.py defines them; "
        "--limit, which no longer exists, is gone.",
    ],
    "adds-docstrings-only": [
        [("Read", {"file_path": "geometry.py"})],
        [("Edit", {"file_path": "geometry.py", "old_string": "def circle_area(radius):\n",
                   "new_string": "def circle_area(radius):\n    \"\"\"The area of a circle; ValueError for a "
                                 "negative radius.\"\"\"\n"})],
        [("Edit", {"file_path": "geometry.py", "old_string": "def polygon_perimeter(points):\n",
                   "new_string": "def polygon_perimeter(points):\n    \"\"\"The length of the closed path "
                                 "through `points`, back to the first.\"\"\"\n"})],
        [("Bash", {"command": "python3 -m unittest -q test_geometry"})],
        "Added docstrings to circle_area and polygon_perimeter; no code changed and the tests pass.",
    ],
}

RESEARCHER = {
    "finds-retry-setting": [
        [("Grep", {"pattern": "RETRIES", "output_mode": "content", "-n": True})],
        [("Read", {"file_path": "src/shop/config.py"})],
        "**Answer**: a failed request (a 5xx) is retried 4 times, so up to 5 attempts with "
        "exponential backoff. Confidence: high, read from the code.\n\n**Findings**\n1. "
        "`HTTP_RETRIES = 4` in src/shop/config.py:4.\n2. The loop in src/shop/http/client.py:7 "
        "makes HTTP_RETRIES + 1 attempts.",
    ],
    "lists-callers-before-removal": [
        [("Grep", {"pattern": "legacy_hash", "output_mode": "files_with_matches"})],
        "**Answer**: two modules call legacy_hash besides its definition in auth/passwords.py: "
        "auth/login.py (md5 users at login) and scripts/migrate_users.py. Confidence: high.",
    ],
}

TEST_WRITER = {
    "covers-slugify": [
        [("Read", {"file_path": "text.py"})],
        [("Write", {"file_path": "test_text.py", "content": (
            "import unittest\n\nfrom text import slugify\n\n\n"
            "class SlugifyTest(unittest.TestCase):\n"
            "    def test_words_and_punctuation(self):\n"
            "        self.assertEqual(slugify(\"Hello, World!\"), \"hello-world\")\n\n"
            "    def test_accents_become_ascii(self):\n"
            "        self.assertEqual(slugify(\"Crème brûlée\"), \"creme-brulee\")\n\n"
            "    def test_nothing_left(self):\n"
            "        self.assertEqual(slugify(\"  --  \"), \"\")\n\n"
            "    def test_cut_at_max_length(self):\n"
            "        self.assertEqual(len(slugify(\"a\" * 60)), 50)\n\n"
            "    def test_no_trailing_hyphen_after_the_cut(self):\n"
            "        self.assertEqual(slugify(\"one two\", max_length=4), \"one\")\n\n\n"
            "if __name__ == \"__main__\":\n    unittest.main()\n")})],
        [("Bash", {"command": "python3 -m unittest -q test_text"})],
        "Wrote test_text.py: 5 tests (punctuation, accents, empty result, max_length, the cut); all pass.",
    ],
    "regression-test-before-the-fix": [
        [("Read", {"file_path": "durations.py"})],
        [("Write", {"file_path": "test_durations.py", "content": (
            "import unittest\n\nfrom durations import parse_duration\n\n\n"
            "class ParseDurationTest(unittest.TestCase):\n"
            "    def test_hours_and_minutes(self):\n"
            "        self.assertEqual(parse_duration(\"1h30m\"), 5400)\n\n\n"
            "if __name__ == \"__main__\":\n    unittest.main()\n")})],
        [("Bash", {"command": "python3 -m unittest -q test_durations"})],
        "Added test_durations.py; it fails now (1800 != 5400) because the regex keeps only the "
        "last unit of a repeated group. I did not touch durations.py.",
    ],
}

SCRIPTS = {"backend-developer": BACKEND_DEVELOPER, "code-reviewer": CODE_REVIEWER, "debugger": DEBUGGER,
           "documentation-writer": DOCUMENTATION_WRITER, "researcher": RESEARCHER, "test-writer": TEST_WRITER}

# A debugger that "fixes" the failure by changing the test's expectation.
CHEATING_DEBUGGER = {**DEBUGGER, "fixes-unsorted-median": [
    [("Bash", {"command": "python3 -m unittest -q"})],
    [("Read", {"file_path": "test_stats.py"})],
    [("Edit", {"file_path": "test_stats.py", "old_string": "median([9, 1, 5]), 5)",
               "new_string": "median([9, 1, 5]), 1)"})],
    "Fixed: the test expected the wrong value.",
]}


def _model(scripts: dict[str, dict[str, list]], extra: dict[str, list] | None = None):
    """respond(body): the step of the case whose prompt opens the conversation (`extra`: more
    prompts and their steps)."""
    prompts = dict(extra or {})
    for path in sorted(SUITES.glob("*.yaml")):
        suite = load_suite(path)
        for case in suite.cases:
            prompts[case.prompt] = scripts[suite.agent][case.name]
    ids = itertools.count(1)

    def respond(body: dict):
        messages = body["messages"]
        opening = message_text(messages[0])
        [steps] = [s for prompt, s in prompts.items() if prompt in opening]
        step = steps[sum(1 for m in messages if m["role"] == "assistant")]
        msg_id = f"msg_{next(ids)}"
        return text_reply(msg_id, step) if isinstance(step, str) else tool_calls_reply(msg_id, step)

    return respond


def _workbench_test(api: RespondingAPI, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ANTHROPIC_BASE_URL": api.url, "ANTHROPIC_API_KEY": "test-key",
           "WORKBENCH_RETRY_DELAY_SCALE": "0",
           "PYTHONPATH": os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "workbench", "test", *args], cwd=cwd, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=300, env=env)


def test_every_bundled_agent_has_a_suite_that_loads():
    suites = {load_suite(p).agent: load_suite(p) for p in sorted(SUITES.glob("*.yaml"))}
    assert sorted(suites) == AGENTS
    for agent, suite in suites.items():
        assert 2 <= len(suite.cases) <= 4, agent
        kinds = {a.kind for c in suite.cases for a in c.assertions}
        assert len(kinds) >= 3, (agent, kinds)
        assert set(SCRIPTS[agent]) == {c.name for c in suite.cases}


def test_the_suites_and_fixtures_are_not_agents():
    """The catalog walks the bundled folder recursively (as Claude Code does): nothing under tests/
    may be a Markdown file, so the folder still holds exactly the six agents and nothing skipped."""
    assert [p for p in SUITES.rglob("*") if p.suffix == ".md"] == []
    catalog = Catalog.load([Scope(ScopeKind.BUNDLED, bundled_agents_dir())])
    assert sorted(e.path.stem for e in catalog.entries) == AGENTS
    assert catalog.skipped == [] and catalog.problems == []


def test_the_package_data_ships_the_suites_and_their_fixtures():
    import tomllib
    from glob import glob

    patterns = tomllib.loads((Path(ROOT) / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    package = Path(ROOT) / "workbench"
    shipped = {Path(p).resolve() for pattern in patterns["workbench"]
               for p in glob(str(package / pattern), recursive=True) if Path(p).is_file()}
    wanted = {p.resolve() for p in SUITES.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert wanted and wanted <= shipped


def test_the_bundled_suites_pass_against_the_scripted_model(tmp_path):
    with RespondingAPI(_model(SCRIPTS)) as api:
        done = _workbench_test(api, tmp_path, str(SUITES), "--format", "json", "--jobs", "4")

    assert done.returncode == 0, done.stdout + done.stderr
    out = json.loads(done.stdout)
    assert [c["failures"] for c in out["cases"]] == [[] for _ in out["cases"]]
    assert {c["agent"] for c in out["cases"]} == set(AGENTS)
    assert out["summary"]["cases"] == sum(len(t) for t in SCRIPTS.values()) and out["summary"]["failed"] == 0
    assert all(c["samples"] == 3 and c["passed"] == 3 for c in out["cases"])
    # every step of every script was asked for, 3 samples each
    assert len(api.bodies()) == 3 * sum(len(steps) for t in SCRIPTS.values() for steps in t.values())


def test_a_misbehaving_agent_fails_its_case(tmp_path):
    with RespondingAPI(_model({**SCRIPTS, "debugger": CHEATING_DEBUGGER})) as api:
        done = _workbench_test(api, tmp_path, str(SUITES / "debugger.yaml"), "--repeat", "1", "--format", "json")

    assert done.returncode == 1, done.stdout + done.stderr
    cases = {c["case"]: c for c in json.loads(done.stdout)["cases"]}
    assert cases["fixes-keyerror-crash"]["ok"]
    cheat = cases["fixes-unsorted-median"]
    assert not cheat["ok"]
    assert [f["assertion"] for f in cheat["failures"]] == [
        "tool_called: Edit", "file_unchanged: test_stats.py", "command: python3 -m unittest -q",
        "output_matches: (?i)sort"]


PROJECT_SUITE = """\
agent: code-reviewer
repeat: 1
cases:
  - name: reviews-our-handler
    prompt: "Review handler.py, our own request handler."
    files: {"handler.py": "def handle(request):\\n    return request.body\\n"}
    assert:
      - tool_called: Read
      - output_contains: "handler.py:2"
"""


def test_an_agent_name_finds_the_project_suites_then_the_bundled_ones(tmp_path):
    project = tmp_path / "proj"
    (project / ".claude" / "agent-tests").mkdir(parents=True)
    (project / ".claude" / "agent-tests" / "ours.yaml").write_text(PROJECT_SUITE)
    ours = {"Review handler.py, our own request handler.": [
        [("Read", {"file_path": "handler.py"})], "Ready to merge. **Consider** `handler.py:2`: no validation."]}

    with RespondingAPI(_model(SCRIPTS, ours)) as api:
        by_name = _workbench_test(api, project, "code-reviewer", "--repeat", "1", "--format", "json")

    assert by_name.returncode == 0, by_name.stdout + by_name.stderr
    cases = json.loads(by_name.stdout)["cases"]
    assert [(Path(c["suite"]).name, c["case"]) for c in cases] == [
        ("ours.yaml", "reviews-our-handler"), ("code-reviewer.yaml", "finds-sql-injection"),
        ("code-reviewer.yaml", "flags-off-by-one"), ("code-reviewer.yaml", "approves-a-clean-change")]
    assert Path(cases[1]["suite"]).resolve() == (SUITES / "code-reviewer.yaml").resolve()
    # no argument: the project's suites only
    assert find_suites([], project) == [project / ".claude" / "agent-tests" / "ours.yaml"]
    # a bundled agent the project has no suite for: the bundled suites alone
    assert [p.name for p in find_suites(["researcher"], project)] == ["researcher.yaml"]
