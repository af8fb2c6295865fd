"""What Claude Code loads from agent files, against what workbench's loader says it loads.

Used by test_loader_conformance.py and benchmarks/conformance.py. The real CLI runs `-p` in a fresh
git project with a fresh HOME, against the scripted API server (tests/fake_api.py) answering every
request with a short text reply. Its `system/init` line lists the agents it loaded; its main
request's Agent tool description lists each one as `- name: description (Tools: …)`. Workbench's
side is its catalog (the skip set decides loaded or not) and what it parsed: the description, and
the tools as Claude Code lists them (the raw entries joined by ", "; absent, empty, `*` or another
type as "All tools"; `disallowedTools` entries taken out of `tools`, or, without `tools`,
"All tools except …").
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fake_api import FakeMessagesAPI, text_reply

# Files per CLI run; every file of a run must define a distinct name.
BATCH = 150
LISTING_HEAD = "Available agent types for the Agent tool:\n"


def bundled_cli() -> Path | None:
    """The CLI inside claude-agent-sdk, or None when the SDK (or its binary) is absent."""
    try:
        import claude_agent_sdk
    except ImportError:
        return None
    cli = Path(claude_agent_sdk.__file__).parent / "_bundled" / "claude"
    return cli if cli.is_file() else None


@dataclass
class Verdict:
    """One file as a loader sees it: loaded or not, and if loaded its listing line's parts."""

    loaded: bool
    name: str | None = None
    description: str | None = None
    tools: str | None = None


def workbench_verdicts(files: list[Path]) -> dict[Path, Verdict]:
    """Workbench's catalog over the files, each in its own scope (so names never collide)."""
    from workbench.agents.catalog import Catalog, Scope, ScopeKind

    out: dict[Path, Verdict] = {}
    for path in files:
        catalog = Catalog.load([Scope(ScopeKind.PROJECT, path.parent, (path,))])
        entry = catalog.entry(path)
        if entry is None or not entry.loaded or entry.name is None:
            out[path] = Verdict(False)
            continue
        doc = entry.document
        out[path] = Verdict(True, entry.name, doc.description, listed_tools(doc.tools, doc.disallowed_tools,
                                                                       doc.field_value("memory")))
    return out


def listed_tools(tools: list[str] | None, disallowed: list[str] | None, memory: object = None) -> str:
    """The `(Tools: …)` part of Claude Code's listing for these entries: with a valid `memory`,
    an explicit list gains Write, Edit and Read (those it lacks, in that order: AG177) before
    the `disallowedTools` entries are taken out."""
    denied = set(disallowed or [])
    if not tools or tools == ["*"]:
        return "All tools except " + ", ".join(disallowed) if disallowed else "All tools"
    if isinstance(memory, str) and memory in ("user", "project", "local"):
        tools = [*tools, *(t for t in ("Write", "Edit", "Read") if t not in tools)]
    return ", ".join(t for t in tools if t not in denied)


def claude_code_verdicts(cli: Path, files: list[Path], names: dict[Path, str | None],
                         hints: dict[Path, Verdict] | None = None) -> tuple[str, dict[Path, Verdict]]:
    """Claude Code's verdict on every file: one CLI run per batch of files with distinct names
    (`names`: the name each file would define, or None). Returns the CLI version too."""
    batches: list[dict[str, Path]] = []
    for path in files:
        key = names.get(path) or f"\0{path}"
        for batch in batches:
            if key not in batch and len(batch) < BATCH:
                batch[key] = path
                break
        else:
            batches.append({key: path})
    version, out = "", {}
    for batch in batches:
        version, init, listing = run_cli(cli, list(batch.values()))
        for key, path in batch.items():
            name = names.get(path)
            if name is None or name not in init:
                out[path] = Verdict(False)
                continue
            description, tools = _listed(listing, name, (hints or {}).get(path))
            out[path] = Verdict(True, name, description, tools)
        # Agents Claude Code loaded that no file of the batch was expected to define.
        expected = {names.get(p) for p in batch.values()}
        for extra in sorted(set(init) - expected - BUILT_IN):
            out[Path(f"<unexpected agent {extra!r} in a batch>")] = Verdict(True, extra)
    return version, out


# Claude Code's own agents, always in the init line.
BUILT_IN = {"claude", "Explore", "general-purpose", "Plan", "statusline-setup"}


def run_cli(cli: Path, files: list[Path]) -> tuple[str, list[str], str]:
    """One `claude -p` run with `files` in .claude/agents of a fresh git project: the version,
    the init line's agents and the Agent tool's listing text (from the main request)."""
    home, project = Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp())
    try:
        subprocess.run(["git", "init", "-q", str(project)], check=True)
        agents = project / ".claude" / "agents"
        agents.mkdir(parents=True)
        for index, path in enumerate(files):
            shutil.copyfile(path, agents / f"{index:04d}-{path.name}")
        with FakeMessagesAPI() as fake:
            fake.route(lambda body: True, lambda: text_reply("msg_cc", "done"))
            env = {**os.environ, "HOME": str(home), "ANTHROPIC_API_KEY": "test-key",
                   "ANTHROPIC_BASE_URL": fake.url, "CLAUDE_CODE_MAX_RETRIES": "0", "DISABLE_TELEMETRY": "1"}
            env.pop("CLAUDE_CONFIG_DIR", None)
            run = subprocess.run([str(cli), "-p", "hi", "--output-format", "stream-json", "--verbose"],
                                 cwd=project, env=env, capture_output=True, text=True, timeout=300)
            bodies = fake.bodies()
    finally:
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(project, ignore_errors=True)
    init = next((json.loads(line) for line in run.stdout.splitlines() if '"subtype":"init"' in line.replace(" ", "")), None)
    if init is None:
        raise RuntimeError(f"Claude Code printed no init line (exit {run.returncode}): {run.stderr[-2000:]}")
    listing = next((t for body in bodies for t in _texts(body) if LISTING_HEAD in t), "")
    if not listing:
        raise RuntimeError("no request of Claude Code listed the agents (Agent tool description)")
    listing = listing[listing.index(LISTING_HEAD) + len(LISTING_HEAD) - 1:]
    return str(init.get("claude_code_version", "")), list(init.get("agents") or []), listing


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _listed(listing: str, name: str, hint: Verdict | None = None) -> tuple[str | None, str | None]:
    """The description and tools of `name`'s entry in the listing. A description may span lines,
    so workbench's expected entry is tried first; otherwise the entry runs to the first `)` that
    ends a line before the next entry or a blank line."""
    head = f"\n- {name}: "
    if hint is not None and hint.loaded:
        if f"{head}{hint.description} (Tools: {hint.tools})\n" in listing + "\n":
            return hint.description, hint.tools
    at = listing.find(head)
    if at == -1:
        return None, None
    start = at + len(head)
    ends = [i for i in (listing.find(")\n- ", start), listing.find(")\n\n", start)) if i != -1]
    entry = listing[start:min(ends) + 1] if ends else listing[start:].rstrip("\n")
    cut = entry.rfind(" (Tools: ")
    if cut == -1 or not entry.endswith(")"):
        return entry, None
    return entry[:cut], entry[cut + len(" (Tools: "):-1]


def size_cases(folder: Path) -> list[Path]:
    """AG010's edge, written at run time (too big to keep in the repository): a file of exactly
    1,048,576 bytes (loaded) and one a byte over (skipped)."""
    files = []
    for name, size in (("size-at-limit", 1_048_576), ("size-over-limit", 1_048_577)):
        head = f"---\nname: {name}\ndescription: A file of {size} bytes.\n---\n".encode()
        path = folder / f"{name}.md"
        path.write_bytes(head + b"x" * (size - len(head) - 1) + b"\n")
        files.append(path)
    return files


def head_lines(path: Path, count: int = 8) -> str:
    """The file's first lines, for a disagreement's evidence."""
    data = path.read_bytes()[:1500].decode("utf-8", "replace")
    return "\n".join("    | " + line[:160] for line in data.splitlines()[:count])


def compare(cli: Path, files: list[Path]) -> tuple[str, list[str], int]:
    """Every disagreement between workbench and Claude Code over `files` (each with the file's
    first lines), the CLI version, and how many files both loaded."""
    ours = workbench_verdicts(files)
    names = {p: v.name if v.loaded else _probable_name(p) for p, v in ours.items()}
    version, theirs = claude_code_verdicts(cli, files, names, ours)
    problems, both = [], 0
    for path in [*files, *(p for p in theirs if p not in ours)]:
        wb, cc = ours.get(path, Verdict(False)), theirs[path]
        lines = []
        if wb.loaded != cc.loaded:
            lines.append(f"loaded: workbench {wb.loaded}, Claude Code {cc.loaded}")
        elif wb.loaded:
            both += 1
            if wb.description != cc.description:
                lines.append(f"description: workbench {wb.description!r}\n  Claude Code {cc.description!r}")
            if wb.tools != cc.tools:
                lines.append(f"tools: workbench {wb.tools!r}, Claude Code {cc.tools!r}")
        if lines:
            evidence = head_lines(path) if path.is_file() else ""
            problems.append(f"{path}:\n  " + "\n  ".join(lines) + ("\n" + evidence if evidence else ""))
    return version, problems, both


def _probable_name(path: Path) -> str | None:
    """For a file workbench skips, the `name:` line's value as written, so a file Claude Code
    loads anyway is still found in its init line (None when there is none)."""
    try:
        text = path.read_bytes()[:65536].decode("utf-8", "replace")
    except OSError:
        return None
    for line in text.splitlines()[1:60]:
        if line.startswith("name:"):
            value = line[5:].strip().strip("'\"")
            return value or None
        if line.strip() == "---":
            break
    return None
