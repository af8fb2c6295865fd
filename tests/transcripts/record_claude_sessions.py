"""Record real Claude Code sessions for the transcript tests (issue 15), reproducibly.

    python tests/transcripts/record_claude_sessions.py [--cli PATH] [--out DIR]

Runs the real Claude Code CLI (the one `pip install claude-agent-sdk` bundles) offline against the
scripted Messages API stand-in of tests/fake_api.py, in a fresh HOME and a fresh git project, and
copies the session files it writes (`~/.claude/projects/<project>/…`) into
tests/transcripts/fixtures/claude_code/, with the temporary paths replaced by fixed ones. Every
response the stand-in sent is logged to `responses.json` beside them (the ground truth).

The stand-in answers by script: a request belongs to the script whose marker (`[[NAME]]`) is in
the last typed text that carries one (a prompt, an Agent call's prompt or a fork's directive), and
its step is the number of assistant messages after that text. Requests with no marker (the
`/compact` summary, titles) get a short summary reply.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import fake_api as F  # noqa: E402
from fixture_scrub import scrub_file  # noqa: E402

OUT = HERE / "fixtures" / "claude_code"
PROJ = "/home/dev/proj"  # the project folder of the recording (set by main)
MARK = re.compile(r"\[\[([A-Z0-9_]+)\]\]")
LONG_HANDBACK = (
    "Findings for the README review.\n\n"
    + "\n".join(f"- point {i}: the section {i} reads well and needs no change." for i in range(1, 25))
)


def start(model: str, msg_id: str, inp: int, write: int = 0, read: int = 0) -> str:
    return F.sse("message_start", message={
        "id": msg_id, "type": "message", "role": "assistant", "model": model,
        "content": [], "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": inp, "output_tokens": 1, "cache_creation_input_tokens": write,
                  "cache_read_input_tokens": read}})


def redacted(index: int, data: str) -> list[str]:
    return [F.sse("content_block_start", index=index,
                  content_block={"type": "redacted_thinking", "data": data}),
            F.sse("content_block_stop", index=index)]


def response(model: str, msg_id: str, blocks: list, stop: str, out: int = 40,
             inp: int = 30, write: int = 1200, read: int = 9000) -> F.Reply:
    frames = [start(model, msg_id, inp, write, read)]
    for i, block in enumerate(blocks):
        kind = block[0]
        if kind == "text":
            frames += F.text(i, block[1][: len(block[1]) // 2], block[1][len(block[1]) // 2 :])
        elif kind == "thinking":
            frames += F.thinking(i, block[1], "sig_" + msg_id)
        elif kind == "redacted":
            frames += redacted(i, "ZW5jcnlwdGVk" + msg_id)
        elif kind == "tool":
            value = json.loads(json.dumps(block[3]).replace("{PROJ}", PROJ))
            frames += F.tool_input(i, block[1], block[2], value)
    frames += F.end(stop, out)
    return F.Reply.sse(frames)


def err(status: int, kind: str, message: str) -> F.Reply:
    return F.Reply.json(status, F.error_body(kind, message))


# Each script: step -> list of replies, used in turn (a retried request takes the next one).
SCRIPTS: dict[str, list[list]] = {
    "MAIN": [
        [lambda m: response(m, "msg_main_1", [
            ("thinking", "The user wants a review; I will delegate the README and fork for notes."),
            ("text", "I will look at the project in two parts."),
            ("tool", "toolu_agent_sub", "Agent", {"subagent_type": "general-purpose",
                                                  "description": "Review README",
                                                  "prompt": "[[SUB]] Review README.md."}),
            ("tool", "toolu_agent_fork", "Agent", {"subagent_type": "fork",
                                                   "description": "Check notes",
                                                   "prompt": "[[FORK]] Check notes.txt."}),
        ], "tool_use", out=120)],
        [lambda m: response(m, "msg_main_2", [
            ("text", "Now the fixes."),
            ("tool", "toolu_edit_fail", "Edit", {"file_path": "{PROJ}/README.md",
                                                 "old_string": "no such words here",
                                                 "new_string": "replacement"}),
            ("tool", "toolu_bash_denied", "Bash", {"command": "rm -rf build",
                                                   "description": "Remove the build folder"}),
            ("tool", "toolu_search", "ToolSearch", {"query": "select:WebFetch", "max_results": 1}),
        ], "tool_use", out=90)],
        [lambda m: err(529, "overloaded_error", "Overloaded"),
         lambda m: err(529, "overloaded_error", "Overloaded"),
         lambda m: response(m, "msg_main_3", [("text", "All done: README reviewed, notes checked.")],
                            "end_turn", out=30)],
    ],
    "SUB": [
        [lambda m: response(m, "msg_sub_1", [
            ("tool", "toolu_sub_read", "Read", {"file_path": "{PROJ}/README.md"})], "tool_use",
            out=25)],
        [lambda m: response(m, "msg_sub_2", [("redacted",), ("text", LONG_HANDBACK)], "end_turn",
                            out=300)],
    ],
    "FORK": [
        [lambda m: response(m, "msg_fork_1", [
            ("text", "Reading the notes."),
            ("tool", "toolu_fork_read", "Read", {"file_path": "{PROJ}/notes.txt"})], "tool_use",
            out=35)],
        [lambda m: response(m, "msg_fork_2", [("text", "The notes list two open tasks.")],
                            "end_turn", out=20)],
    ],
    # Refused once; the `/compact` that follows carries the same prompt and gets a summary.
    "ERR": [[*[lambda m: err(400, "invalid_request_error", "the stand-in refuses this request")] * 20,
             lambda m: None]],
    "AFTER": [[lambda m: response(m, "msg_after_1", [("text", "Continuing in the fork.")],
                                  "end_turn", out=15)]],
    "NEST": [
        [lambda m: response(m, "msg_nest_1", [
            ("tool", "toolu_nest_child", "Agent", {"subagent_type": "general-purpose",
                                                   "description": "Review in depth",
                                                   "prompt": "[[CHILD]] Review the project."})],
            "tool_use", out=50)],
        [lambda m: response(m, "msg_nest_2", [("text", "The review is in.")], "end_turn", out=12)],
    ],
    "CHILD": [
        [lambda m: response(m, "msg_child_1", [
            ("tool", "toolu_child_grand", "Agent", {"subagent_type": "general-purpose",
                                                    "description": "Check README",
                                                    "prompt": "[[GRAND]] Check README.md."})],
            "tool_use", out=45)],
        [lambda m: response(m, "msg_child_2", [("text", LONG_HANDBACK)], "end_turn", out=280)],
    ],
    "GRAND": [[lambda m: response(m, "msg_grand_1", [("text", LONG_HANDBACK)], "end_turn",
                                  out=10)]],
}

# One token class at a time, so Claude Code's cost of each run is the price of that class
# (input, output, 5-minute and 1-hour cache writes, cache reads; LONG passes the 100k prompt tier).
PRICE_RUNS = {
    "IN": {"input_tokens": 50_000, "output_tokens": 1},
    "OUT": {"input_tokens": 0, "output_tokens": 50_000},
    "W5": {"input_tokens": 0, "output_tokens": 1, "cache_creation_input_tokens": 50_000,
           "cache_creation": {"ephemeral_5m_input_tokens": 50_000, "ephemeral_1h_input_tokens": 0}},
    "W1H": {"input_tokens": 0, "output_tokens": 1, "cache_creation_input_tokens": 50_000,
            "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 50_000}},
    "READ": {"input_tokens": 0, "output_tokens": 1, "cache_read_input_tokens": 50_000},
    "LONG": {"input_tokens": 200_000, "output_tokens": 1},
}
PRICE_MODELS = ("claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-5-5", "claude-fable-5-2",
                "claude-opus-4-8", "claude-sonnet-4-6")


def price_reply(name: str):
    usage = PRICE_RUNS[name]

    def reply(model: str) -> F.Reply:
        first = {"input_tokens": usage["input_tokens"], "output_tokens": 1,
                 "cache_creation_input_tokens": usage.get("cache_creation_input_tokens", 0),
                 "cache_read_input_tokens": usage.get("cache_read_input_tokens", 0)}
        if "cache_creation" in usage:
            first["cache_creation"] = usage["cache_creation"]
        frames = [F.sse("message_start", message={
            "id": f"msg_price_{name}_{model}", "type": "message", "role": "assistant",
            "model": model, "content": [], "stop_reason": None, "stop_sequence": None,
            "usage": first})]
        return F.Reply.sse([*frames, *F.text(0, "ok"), *F.end("end_turn", usage["output_tokens"])])

    return reply


SCRIPTS.update({f"PRICE_{name}": [[price_reply(name)]] for name in PRICE_RUNS})


class Stand(F.FakeMessagesAPI):
    """The stand-in: answers by script instead of from a queue, and logs every answer."""

    def __init__(self, proj: str) -> None:
        super().__init__()
        self.proj = proj
        self.used: dict[tuple[str, int], int] = {}
        self.log: list[dict] = []
        handler = self._server.RequestHandlerClass
        original = handler.do_POST

        def do_post(h):  # the CLI adds `?beta=true`
            h.path = h.path.split("?", 1)[0]
            return original(h)

        handler.do_POST = do_post

    def _next(self) -> F.Reply:
        with self._lock:
            body = self.requests[-1]["body"]
        name, step = locate(body)
        model = body.get("model") or F.MODEL
        reply = None
        if name in SCRIPTS and step < len(SCRIPTS[name]):
            with self._lock:
                tries = self.used.get((name, step), 0)
                self.used[(name, step)] = tries + 1
            options = SCRIPTS[name][step]
            reply = options[min(tries, len(options) - 1)](model)
        if reply is None:
            n = len(self.log) + 1
            name = name or "-"
            reply = response(model, f"msg_other_{n}", [("text", f"Summary {n}: a review of the project.")],
                             "end_turn", out=60, inp=4000, write=0, read=0)
        self.log.append({"script": name, "step": step, "model": model, "status": reply.status,
                         "tools": len(body.get("tools") or []), "messages": len(body.get("messages") or []),
                         "frames": reply.frames, "body": reply.body})
        return reply


def _texts(message: dict) -> list[str]:
    content = message.get("content")
    if isinstance(content, str):
        return [content]
    return [b.get("text", "") for b in content or [] if isinstance(b, dict) and b.get("type") == "text"]


def locate(body: dict) -> tuple[str | None, int]:
    messages = body.get("messages") or []
    last = messages[-1] if messages else {}
    if last.get("role") == "user" and not MARK.search((_texts(last) or [""])[-1]) and not any(
        isinstance(b, dict) and b.get("type") == "tool_result" for b in last.get("content") or []
    ):
        return None, 0  # a request of Claude Code's own (the /compact summary, a notification)
    for i in range(len(messages) - 1, -1, -1):
        if messages[i].get("role") != "user":
            continue
        found = [m for t in _texts(messages[i]) for m in MARK.findall(t)]
        if found:
            step = sum(1 for m in messages[i + 1 :] if m.get("role") == "assistant")
            return found[-1], step
    return None, 0


def dashed(path: Path) -> str:
    return "".join(c if c.isascii() and c.isalnum() else "-" for c in str(path))


def cli_path() -> str:
    import claude_agent_sdk

    return str(Path(claude_agent_sdk.__file__).parent / "_bundled" / "claude")


def claude(cli: str, home: Path, proj: Path, api: Stand, *args: str, env: dict | None = None) -> str:
    full_env = dict(os.environ, HOME=str(home), ANTHROPIC_BASE_URL=api.url, ANTHROPIC_API_KEY="x",
                    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1", **(env or {}))
    full_env.pop("CLAUDE_CONFIG_DIR", None)
    done = subprocess.run([cli, *args, "--output-format", "stream-json", "--verbose"], cwd=proj,
                          env=full_env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=300)
    for line in done.stdout.splitlines():
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if data.get("type") == "system" and data.get("subtype") == "init":
            return data["session_id"]
    raise RuntimeError(f"no session id from {args}: {done.stdout[-500:]} {done.stderr[-500:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", default=None)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    cli = args.cli or cli_path()
    home = Path(tempfile.mkdtemp(prefix="cc-home-"))
    proj = home / "proj"
    proj.mkdir()
    (proj / "README.md").write_text("# Demo\n\nA small project.\n")
    (proj / "notes.txt").write_text("todo: tests\ntodo: docs\n")
    (proj / ".claude").mkdir()
    (proj / ".claude" / "settings.json").write_text(
        json.dumps({"permissions": {"deny": ["Bash(rm:*)"]}}))
    subprocess.run(["git", "init", "-q", str(proj)], check=True)
    global PROJ
    PROJ = str(proj)
    with Stand(str(proj)) as api:
        fork = {"CLAUDE_CODE_FORK_SUBAGENT": "1"}
        sid = claude(cli, home, proj, api, "-p", "[[MAIN]] Review this project.",
                     "--permission-mode", "acceptEdits", env=fork)
        forked = claude(cli, home, proj, api, "-p", "[[AFTER]] Go on.", "--resume", sid,
                        "--fork-session")
        claude(cli, home, proj, api, "-p", "[[ERR]] One more thing.", "--resume", sid)
        claude(cli, home, proj, api, "-p", "/compact", "--resume", sid)
        nested = claude(cli, home, proj, api, "-p", "[[NEST]] Review in depth.")
        price_sessions = {}
        for model in PRICE_MODELS:
            for name in PRICE_RUNS:
                price_sessions[(model, name)] = claude(
                    cli, home, proj, api, "-p", f"[[PRICE_{name}]] hi", "--model", model)
        log = [e for e in api.log if not e["script"].startswith("PRICE_")]
    project_dir = home / ".claude" / "projects"
    # Of the price runs only Claude Code's own total is kept: what it charged for each class.
    folder = next(project_dir.iterdir())
    prices: dict[str, dict[str, dict]] = {}
    for (model, name), session in price_sessions.items():
        path = folder / f"{session}.jsonl"
        states = [json.loads(line) for line in path.read_text().splitlines() if '"cost-state"' in line]
        prices.setdefault(model, {})[name] = {
            "usage": PRICE_RUNS[name], "totalCostUSD": states[-1]["totalCostUSD"],
            "modelUsage": states[-1]["modelUsage"]}
        path.unlink()
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.iterdir():
        shutil.rmtree(old) if old.is_dir() else old.unlink()
    names = {sid: "session", forked: "forked", nested: "nested"}
    for path in sorted(project_dir.rglob("*")):
        if not path.is_file() or path.suffix not in (".jsonl", ".json"):
            continue
        rel = path.relative_to(next(project_dir.iterdir()))
        text = path.read_text(encoding="utf-8")
        text = text.replace(str(proj), "/home/dev/proj").replace(str(home), "/home/dev")
        text = text.replace(dashed(proj), "-home-dev-proj")
        for session, name in names.items():
            text = text.replace(session, f"{name}-{session[:8]}")
        parts = [names.get(p, p) for p in rel.parts]
        parts = [(names.get(p[:-6], p[:-6]) + ".jsonl") if p.endswith(".jsonl") else p for p in parts]
        dest = args.out.joinpath(*parts)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(scrub_file(text), encoding="utf-8")
    (args.out / "prices.json").write_text(json.dumps(prices, indent=1) + "\n")
    (args.out / "responses.json").write_text(
        json.dumps(log, indent=1).replace(str(proj), "/home/dev/proj"))
    print(f"recorded {len(log)} responses into {args.out}")
    shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
