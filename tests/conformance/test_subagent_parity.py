"""Parity of the first request: for each agent file, the request Claude Code sends when its main
thread delegates to the agent (the stand-in answers the main request with `Agent` calls) and the
first request workbench's engine sends for the same file and task, compared on what shapes the
model's behaviour (claude-code-runs.md §1-§3): model, max_tokens, thinking type, effort, the tool
names in order, each tool's schema property names, and which framing sections are present where.

Prints the Claude Code version; fails on any difference, showing both sides. Differences the API
or SDK force are listed in ALLOWED_DIFFERENCES with their reason (docs/internals.md has them too).
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fake_api import FakeMessagesAPI, Reply, end, sse, start, text, text_reply, tool_input

pytestmark = pytest.mark.conformance

# Where a framing section sits: "system" (the system prompt), "user" (the first user message),
# "context" (Claude Code: a role-system message after the first user message; workbench: the end
# of the system prompt, see ALLOWED_DIFFERENCES).
ALLOWED_DIFFERENCES = {
    "context": "Claude Code sends the environment, model line, skill listing, deferred tools and date "
               "as a role-system message behind a beta header; workbench puts them at the end of the "
               "system prompt, as the public API's acceptance of that message could not be checked "
               "(for claude-sonnet-4-6 both put them in reminders before the task: compared as is)",
    "thinking.display": "Claude Code sends the beta value 'updates'; workbench the SDK's 'summarized' "
                        "(only the thinking type is compared)",
    "identity blocks": "Claude Code's billing-header and SDK-identity system blocks name Claude Code "
                       "itself; workbench sends neither (not compared)",
}

SKILL = "---\nname: greet\ndescription: Greets people politely.\n---\nSay hello, then the name.\n"

# (name, frontmatter lines, Agent call overrides): every row of §1 and §2.
AGENTS: list[tuple[str, str, dict]] = [
    ("no-tools", "", {}),
    ("star", "tools: \"*\"\n", {}),
    ("comma-list", "tools: Read, Edit, Bash\n", {}),
    ("yaml-list", "tools:\n  - Read\n  - Edit\n  - Bash\n", {}),
    ("specifier", "tools: Bash(git diff:*), Read\n", {}),
    ("task-alias", "tools: Task, Read\n", {}),
    ("kill-shell", "tools: Bash, KillShell, KillBash\n", {}),
    ("dropped-old", "tools: Read, TodoWrite, TodoRead, LS, MultiEdit, NotebookRead, BashOutput, TaskCreate\n", {}),
    ("main-thread-only", "tools: Read, AskUserQuestion, EnterPlanMode, ScheduleWakeup, CronCreate\n", {}),
    ("exit-plan-no", "tools: Read, ExitPlanMode\n", {}),
    ("search-with-bash", "tools: Grep, Read, Glob, Bash\n", {}),
    ("search-no-bash", "tools: Grep, Read, Glob, Write\n", {}),
    ("search-bash-disallowed", "tools: Grep, Read, Bash\ndisallowedTools: Bash\n", {}),
    ("unknown-names", "tools: Read, Frobnicate\n", {}),
    ("nothing-resolves", "tools: Grpe, FooTool\n", {}),
    ("empty-list", "tools: []\n", {}),
    ("disallowed-default", "disallowedTools: Bash, Agent\n", {}),
    ("disallowed-specifier", "tools: Read, Bash, Edit\ndisallowedTools: Bash(rm:*)\n", {}),
    ("memory", "tools: Read, Grep\nmemory: project\n", {}),
    ("deferred-listed", "tools: WebFetch, WebSearch, TaskStop, NotebookEdit\n", {}),
    ("agent-allowlist", "tools: Agent(helper, other), Read\n", {}),
    ("mcp-not-connected", "tools: Read, mcp__nowhere__thing\n", {}),
    ("skills-preloaded", "tools: Read, Skill\nskills: greet\n", {}),
    ("sonnet", "model: sonnet\ntools: Read\n", {}),
    ("haiku-low", "model: haiku\neffort: low\ntools: Read\n", {}),
    ("fable", "model: fable\n", {}),
    ("opus-4-8", "model: claude-opus-4-8\ntools: Read\n", {}),
    ("sonnet-4-6-xhigh", "model: claude-sonnet-4-6\neffort: xhigh\ntools: Read\n", {}),
    ("inherit", "model: inherit\ntools: Read\n", {}),
    ("effort-max", "effort: max\ntools: Read\n", {}),
    ("call-overrides", "model: haiku\neffort: low\ntools: Read\n", {"model": "sonnet", "effort": "high"}),
    ("plan-mode", "permissionMode: plan\ntools: Read, ExitPlanMode\n", {}),
]


def _cli() -> Path:
    sdk = pytest.importorskip("claude_agent_sdk", reason="the conformance suite needs claude-agent-sdk")
    cli = Path(sdk.__file__).parent / "_bundled" / "claude"
    if not cli.is_file():
        pytest.skip("claude-agent-sdk has no bundled CLI")
    return cli


def _task(name: str) -> str:
    return f"Task for {name}: list the files in this folder."


def _project(folder: Path) -> Path:
    agents = folder / ".claude" / "agents"
    agents.mkdir(parents=True)
    for name, front, _ in AGENTS:
        (agents / f"{name}.md").write_text(
            f"---\nname: {name}\ndescription: The {name} agent.\n{front}---\nYou are the {name} agent.\n")
    (folder / ".claude" / "skills" / "greet").mkdir(parents=True)
    (folder / ".claude" / "skills" / "greet" / "SKILL.md").write_text(SKILL)
    (folder / "CLAUDE.md").write_text("Keep answers short.\n")
    (folder / "notes.txt").write_text("alpha\n")
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run(["git", "init", "-q", "-b", "main", str(folder)], check=True)
    subprocess.run([*git, "-C", str(folder), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(folder), "commit", "-qm", "start"], check=True)
    return folder


# How many Agent calls one Claude Code run gets (it started at most 20 subagents of one response).
BATCH = 11


def _agent_calls(batch: list[tuple[str, str, dict]]) -> list[str]:
    frames = [start("msg_main")]
    for index, (name, _, overrides) in enumerate(batch):
        frames += tool_input(index, f"toolu_{index}", "Agent", {
            "subagent_type": name, "description": f"run {name}", "prompt": _task(name), **overrides})
    return [*frames, *end("tool_use")]


class _Recorder:
    """The stand-in Claude Code talks to: the first main-thread request with the Agent tool gets
    every Agent call at once; everything else gets a short text reply."""

    def __init__(self, batch: list[tuple[str, str, dict]]) -> None:
        self.batch = batch
        self.bodies: list[dict] = []
        self.delegated = False
        self.lock = threading.Lock()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)) or b"{}")
                if "count_tokens" in self.path:
                    return self._send("application/json", json.dumps({"input_tokens": 10}).encode())
                with recorder.lock:
                    recorder.bodies.append(body)
                    main = "cc_is_subagent" not in json.dumps(body.get("system"))
                    delegate = (main and not recorder.delegated
                                and any(t.get("name") == "Agent" for t in body.get("tools") or []))
                    recorder.delegated |= delegate
                frames = _agent_calls(recorder.batch) if delegate else [start("msg_x"), *text(0, "done"), *end("end_turn")]
                self._send("text/event-stream", "".join(frames).encode())

            def _send(self, kind: str, data: bytes) -> None:
                self.send_response(200)
                self.send_header("content-type", kind)
                self.send_header("request-id", "req_cc")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True


def _claude_code_requests(cli: Path, project: Path, home: Path) -> tuple[str, dict[str, dict]]:
    version, found = "", {}
    for start_at in range(0, len(AGENTS), BATCH):
        version, some = _claude_code_batch(cli, project, home, AGENTS[start_at:start_at + BATCH])
        found.update(some)
    return version, found


def _claude_code_batch(cli: Path, project: Path, home: Path,
                       batch: list[tuple[str, str, dict]]) -> tuple[str, dict[str, dict]]:
    recorder = _Recorder(batch)
    threading.Thread(target=recorder.server.serve_forever, args=(0.05,), daemon=True).start()
    env = {**os.environ, "HOME": str(home), "ANTHROPIC_API_KEY": "test-key",
           "ANTHROPIC_BASE_URL": f"http://127.0.0.1:{recorder.server.server_address[1]}"}
    env.pop("CLAUDE_CONFIG_DIR", None)
    try:
        version = subprocess.run([str(cli), "--version"], capture_output=True, text=True, env=env,
                                 timeout=60).stdout.strip()
        subprocess.run([str(cli), "-p", "Run every agent.", "--output-format", "stream-json", "--verbose",
                        "--permission-mode", "acceptEdits"], cwd=project, env=env, capture_output=True,
                       text=True, timeout=600)
    finally:
        recorder.server.shutdown()
        recorder.server.server_close()
    found: dict[str, dict] = {}
    for body in recorder.bodies:
        if "cc_is_subagent" not in json.dumps(body.get("system")):
            continue
        first = body["messages"][0]["content"]
        texts = [first] if isinstance(first, str) else [b.get("text", "") for b in first]
        for name, _, _ in batch:
            if _task(name) in (t.strip() for t in texts) and name not in found:
                found[name] = body
    return version, found


def _workbench_request(name: str, overrides: dict, project: Path) -> dict | None:
    from workbench.runtime.provider import Provider
    from workbench.runtime.session import Session
    from workbench.settings import Settings

    import asyncio

    lead = "---\nname: lead\ndescription: Delegates.\n---\nYou delegate.\n"
    catalog = {n: project / ".claude" / "agents" / f"{n}.md" for n, _, _ in AGENTS}
    with FakeMessagesAPI() as fake:
        os.environ["ANTHROPIC_BASE_URL"], os.environ["ANTHROPIC_API_KEY"] = fake.url, "test-key"
        fake.add(Reply.sse([start("p1"), *tool_input(0, "toolu_0", "Agent", {
            "subagent_type": name, "description": f"run {name}", "prompt": _task(name), **overrides}),
            *end("tool_use")]), text_reply("c1", "done"), text_reply("p2", "done"))

        async def run() -> None:
            session = Session(lead, cwd=project, settings=Settings(), record=False, catalog=catalog,
                              provider=Provider(), permission_mode="acceptEdits")
            [e async for e in session.send("Run the agent.")]
            await session.aclose()

        asyncio.run(run())
        bodies = fake.bodies()
    return bodies[1] if len(bodies) == 3 else None


def _sections(body: dict, side: str) -> dict[str, str]:
    """Which framing sections a request has, and where."""
    from workbench.runtime.system_prompt import CONSENT, NOTES

    system = "\n".join(b.get("text", "") for b in body["system"]) if isinstance(body["system"], list) \
        else body["system"]
    first = [b.get("text", "") for b in body["messages"][0]["content"]]
    context = next((m for m in body["messages"][1:2] if m["role"] == "system"), None)
    context_text = "\n".join(b.get("text", "") for b in context["content"]) if context else ""
    if side == "claude_code":
        marks = {"consent": ("system", "consent or approval"), "notes": ("system", "\nNotes:\n"),
                 "memory": ("system", "Persistent Agent Memory"),
                 "claude_md": ("user", "Contents of "), "git_status": ("user", "gitStatus"),
                 "attribution": ("user", "Co-Authored-By"),
                 "environment": ("context", "Primary working directory"),
                 "model": ("context", "exact model ID"), "skills": ("context", "available for use with the Skill"),
                 "deferred_tools": ("context", "deferred tools"), "date": ("context", "Today's date")}
    else:
        marks = {"consent": ("system", CONSENT), "notes": ("system", NOTES), "memory": ("system", "# Your memory"),
                 "claude_md": ("user", "instructions follow"), "git_status": ("user", "Current branch:"),
                 "attribution": ("user", "Co-Authored-By"), "environment": ("context", "- Working folder:"),
                 "model": ("context", "(model id "), "skills": ("context", "Skills the Skill tool can load"),
                 "deferred_tools": ("context", "ToolSearch has loaded"), "date": ("context", "Today is ")}
        context_text = system  # the allowed difference: workbench's context is in the system prompt
    places = {"system": system, "user": "\n".join(first), "context": context_text}
    # Context sent in reminders of the first message (Claude Code does so for models that take no
    # role-system message, such as claude-sonnet-4-6, and so does workbench) is placed "user".
    found_user = {n for n, (where, mark) in marks.items() if where == "context" and mark in places["user"]}
    found = {name: where for name, (where, mark) in marks.items() if mark in places[where]}
    found.update(dict.fromkeys(found_user, "user"))
    task = next(i for i, t in enumerate(first) if t.startswith("Task for "))
    if len(first) > task + 1:
        found["skills_preloaded"] = "user"
    return found


def _shape(body: dict | None, side: str) -> dict | None:
    if body is None:
        return None
    tools = body.get("tools") or []
    return {
        "model": body["model"], "max_tokens": body["max_tokens"],
        "thinking": (body.get("thinking") or {}).get("type"),
        "effort": (body.get("output_config") or {}).get("effort"),
        "tools": [t["name"] for t in tools],
        "schemas": {t["name"]: list((t.get("input_schema") or {}).get("properties", {})) for t in tools},
        "sections": _sections(body, side),
    }


def test_workbenchs_first_request_matches_claude_codes_subagent_request(tmp_path, monkeypatch, capsys):
    cli = _cli()
    assert len(AGENTS) >= 25
    project = _project(tmp_path / "project")
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    version, theirs = _claude_code_requests(cli, project, home)
    with capsys.disabled():
        print(f"\nClaude Code {version}: {len(theirs)} subagent requests captured for {len(AGENTS)} agents")
    assert theirs, "Claude Code sent no subagent request: is the stand-in answering?"

    differences = []
    for name, _, overrides in AGENTS:
        cc = _shape(theirs.get(name), "claude_code")
        wb = _shape(_workbench_request(name, overrides, project), "workbench")
        if cc != wb:
            keys = sorted(k for k in {*(cc or {}), *(wb or {})} if (cc or {}).get(k) != (wb or {}).get(k)) \
                if cc and wb else ["only Claude Code sent a request" if cc else "only workbench sent a request"]
            differences.append(f"{name}: {', '.join(keys)}\n  Claude Code: "
                               f"{json.dumps({k: (cc or {}).get(k) for k in keys} if cc else None)}\n  workbench:   "
                               f"{json.dumps({k: (wb or {}).get(k) for k in keys} if wb else None)}")
    assert not differences, (f"{len(differences)} of {len(AGENTS)} agents differ (allowed: "
                             f"{'; '.join(ALLOWED_DIFFERENCES)}):\n" + "\n".join(differences))
