"""Generate a large Claude Code-shaped session deterministically (default 50 MB).

    python benchmarks/gen_session.py OUT.jsonl [--mb 50]

The same seed and size always give the same bytes. The mix follows real sessions: prompts, responses
split over several lines that repeat their usage, parallel tool calls, tool results of a few KB (file
reads, command output), Edit results with a structuredPatch, now and then an error or an entry type
the reader does not know.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

WORDS = (
    "the agent reads file and runs tests before editing code with care so that every change "
    "stays small clear reviewed fixed parsed token cache model tool result error session"
).split()
TOOLS = ("Read", "Bash", "Grep", "Glob", "Edit")


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _code(rng: random.Random, lines: int) -> str:
    return "".join(f"{i:>6}\u2192    {_text(rng, rng.randint(2, 12))}\n" for i in range(1, lines + 1))


class _Session:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.n = 0
        self.last: str | None = None

    def line(self, kind: str, **extra) -> str:
        self.n += 1
        uuid = f"00000000-0000-4000-8000-{self.n:012d}"
        data = {
            "parentUuid": self.last,
            "isSidechain": False,
            "userType": "external",
            "cwd": "/home/dev/project",
            "sessionId": "bench-session",
            "version": "2.1.300",
            "gitBranch": "main",
            "type": kind,
            "uuid": uuid,
            "timestamp": f"2026-11-20T{(self.n // 3600) % 24:02d}:{(self.n // 60) % 60:02d}:"
            f"{self.n % 60:02d}.000Z",
            **extra,
        }
        self.last = uuid
        return json.dumps(data, ensure_ascii=False)

    def turn(self, t: int) -> list[str]:
        rng = self.rng
        out = [self.line("user", message={"role": "user", "content": _text(rng, rng.randint(5, 40))})]
        for r in range(rng.randint(1, 4)):
            msg_id = f"msg_{t:06d}_{r}"
            calls = [
                {"type": "tool_use", "id": f"toolu_{t:06d}_{r}_{c}", "name": rng.choice(TOOLS),
                 "input": {"file_path": f"/home/dev/project/src/m{rng.randint(1, 99)}.py"}}
                for c in range(rng.choice((0, 1, 1, 2, 3)))
            ]
            usage = {
                "input_tokens": rng.randint(1, 50),
                "cache_creation_input_tokens": rng.randint(0, 5000),
                "cache_read_input_tokens": rng.randint(1000, 90000),
                "output_tokens": rng.randint(10, 2000),
                "service_tier": "standard",
            }
            blocks = [{"type": "thinking", "thinking": _text(rng, rng.randint(20, 120)), "signature": "s" * 200},
                      {"type": "text", "text": _text(rng, rng.randint(10, 80))}, *calls]
            for block in blocks:
                message = {"id": msg_id, "type": "message", "role": "assistant",
                           "model": "claude-sonnet-4-5-20250929", "content": [block],
                           "stop_reason": "tool_use" if calls else "end_turn", "usage": usage}
                out.append(self.line("assistant", message=message, requestId=f"req_{t:06d}_{r}"))
            for call in calls:
                error = rng.random() < 0.03
                body = _code(rng, rng.randint(10, 120))
                result = {"type": "tool_result", "tool_use_id": call["id"], "content": body}
                if error:
                    result["is_error"] = True
                detail = {"type": "text", "file": {"filePath": call["input"]["file_path"],
                                                   "content": body, "numLines": body.count("\n"),
                                                   "startLine": 1, "totalLines": 500}}
                out.append(self.line("user", message={"role": "user", "content": [result]},
                                     toolUseResult=detail))
            if rng.random() < 0.05:
                out.append(json.dumps({"type": "file-history-snapshot", "messageId": msg_id,
                                       "snapshot": {"trackedFileBackups": {}}}))
        return out


def generate(path: Path, megabytes: float = 50.0, seed: int = 6) -> int:
    """Write the session to `path`; returns its size in bytes."""
    rng = random.Random(seed)
    session = _Session(rng)
    limit = int(megabytes * 1024 * 1024)
    size = 0
    with path.open("w", encoding="utf-8") as fh:
        t = 0
        while size < limit:
            for line in session.turn(t):
                fh.write(line + "\n")
                size += len(line.encode("utf-8")) + 1
            t += 1
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--mb", type=float, default=50.0)
    args = parser.parse_args()
    size = generate(args.out, args.mb)
    print(f"{args.out}: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
