"""The suites of one agent: what the app's Tests view lists for the agent open in the editor.

A suite belongs to an agent when its `agent` is the agent's name or a path to its file. Suites are
looked for in the `.claude/agent-tests/` of the agent's project and of the working folder, and in
`tests/` beside the bundled agents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from workbench.testing.suite import Suite, SuiteError, load_suite

SUITE_FOLDER = Path(".claude") / "agent-tests"
# The `agent:` line of a suite file that does not load, to tell whose suite it is.
_AGENT_LINE = re.compile(r"""^agent:[ \t]*["']?([^"'#\n]*?)["']?[ \t]*(?:#.*)?$""", re.MULTILINE)


@dataclass(frozen=True)
class FoundSuite:
    """A suite file of the agent: loaded, or the error (`file:line:column: message`) it gave."""

    path: Path
    suite: Suite | None
    error: str = ""


def suite_folders(agent_path: Path | None, cwd: Path) -> list[Path]:
    """Where the agent's suites may be, nearest first, each folder once (existing or not)."""
    from workbench.paths import bundled_agents_dir

    folders: list[Path] = []
    if agent_path is not None:
        claude = next((p for p in Path(agent_path).absolute().parents if p.name == ".claude"), None)
        if claude is not None:
            folders.append(claude / "agent-tests")
    folders += [Path(cwd).absolute() / SUITE_FOLDER, bundled_agents_dir() / "tests"]
    unique: list[Path] = []
    for folder in folders:
        if folder.resolve() not in [u.resolve() for u in unique]:
            unique.append(folder)
    return unique


def suite_is_for(agent: str, suite_path: Path, names: set[str], agent_path: Path | None) -> bool:
    """Whether a suite's `agent` value names this agent (by name, or by a path to its file)."""
    if agent in names:
        return True
    if agent_path is None:
        return False
    target = Path(agent_path).resolve()
    return any(candidate.resolve() == target
               for candidate in (suite_path.parent / agent, Path(agent).expanduser()))


def find_agent_suites(names: set[str], agent_path: Path | None, cwd: Path) -> list[FoundSuite]:
    """The agent's suites, in folder then file order. A file that does not load is listed with its
    error when it names this agent or names none that can be read."""
    found: list[FoundSuite] = []
    for folder in suite_folders(agent_path, cwd):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            try:
                suite = load_suite(path)
            except SuiteError as exc:
                declared = _declared_agent(path)
                if not declared or suite_is_for(declared, path, names, agent_path):
                    found.append(FoundSuite(path, None, str(exc)))
                continue
            if suite_is_for(suite.agent, path, names, agent_path):
                found.append(FoundSuite(path, suite))
    return found


def suite_files_named(name: str, cwd: Path) -> list[Path]:
    """`workbench test NAME`: the suites in the working folder's `.claude/agent-tests/` whose agent
    is NAME (by name, a path to `NAME.md`, or a file called `NAME.yaml`), then those shipped beside a
    bundled agent of that name. A suite that does not load counts when its `agent:` line names NAME,
    so running it reports its error rather than "no suite"."""
    from workbench.paths import bundled_agents_dir

    folders = [Path(cwd) / SUITE_FOLDER]
    if (bundled_agents_dir() / f"{name}.md").is_file():
        folders.append(bundled_agents_dir() / "tests")
    found: list[Path] = []
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            try:
                agent: str | None = load_suite(path).agent
            except SuiteError:
                agent = _declared_agent(path)
            if path.stem == name or (agent and (Path(agent).stem if agent.endswith(".md") else agent) == name):
                found.append(path)
    return found


def _declared_agent(path: Path) -> str | None:
    try:
        match = _AGENT_LINE.search(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    return match.group(1).strip(" []{}") if match else None
