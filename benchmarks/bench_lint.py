"""`workbench lint <corpus> --format json` as a whole process, against a floor process that only reads
the same files and parses each frontmatter with PyYAML's C loader. Target: at most 3x, aim 1.5x.

Also `Catalog.load` of the corpus as one scope, in-process with the cyclic collector on (as the app
loads it for its first "every agent listed" frame), against the floor's reading and C-loader parse
done in the same process.

And the editor's keystroke path through the catalog: `Catalog.update(path, text)` on the corpus
loaded as one scope (1,037 files, duplicates and the description budget in play), against parsing
and validating the same text alone, so the ratio is what the cross-file rules add."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 9

# The floor: start Python, import PyYAML, read every *.md and parse its frontmatter — nothing else.
# Written once: run as the floor process, and exec'd for the in-process floor of Catalog.load.
FLOOR_FUNCTION = r"""
def floor(corpus):
    import os, yaml
    loader = yaml.CSafeLoader
    for root, dirs, files in os.walk(corpus):
        for name in files:
            if not name.endswith(".md"):
                continue
            with open(os.path.join(root, name), encoding="utf-8", errors="replace") as handle:
                text = handle.read()
            if not text.startswith("---"):
                continue
            end = text.find("\n---", 3)
            if end == -1:
                continue
            try:
                yaml.load(text[4:end], Loader=loader)
            except yaml.YAMLError:
                pass
"""
FLOOR = FLOOR_FUNCTION + "\nimport sys\nfloor(sys.argv[1])\n"


def _floor_in_process(corpus: str) -> None:
    """The floor's work without its process: read every *.md, parse the frontmatter (C loader)."""
    namespace: dict = {}
    exec(FLOOR_FUNCTION, namespace)
    namespace["floor"](corpus)


def _catalog_load(corpus: Path, rounds: int = 7) -> list[str]:
    from workbench.agents.catalog import Catalog, Scope, ScopeKind

    scopes = [Scope(ScopeKind.EXTRA, corpus)]
    Catalog.load(scopes), _floor_in_process(str(corpus))  # imports, file cache
    load, floor = [], []
    for _ in range(rounds):
        started = time.process_time()
        catalog = Catalog.load(scopes)
        load.append(time.process_time() - started)
        del catalog
        started = time.process_time()
        _floor_in_process(str(corpus))
        floor.append(time.process_time() - started)
    med_load, med_floor = statistics.median(load), statistics.median(floor)
    return [
        f"Catalog.load of the corpus as one scope (in-process CPU time, collector on, {rounds} rounds)",
        f"  floor (read + PyYAML C loader): median {med_floor * 1000:.0f} ms, best {min(floor) * 1000:.0f} ms",
        f"  Catalog.load:                   median {med_load * 1000:.0f} ms, best {min(load) * 1000:.0f} ms",
        f"  ratio: {med_load / med_floor:.2f}x median, {min(load) / min(floor):.2f}x best",
    ]


def _corpus() -> Path:
    override = os.environ.get("WORKBENCH_CORPUS")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "shared" / "corpus"


def _child_env() -> dict[str, str]:
    """The environment of both processes: bytecode cached as an installed package has it. With
    PYTHONDONTWRITEBYTECODE set (as in some sandboxes) every run would compile workbench's modules
    from source, while the floor's PyYAML has its bytecode from the install; the cache goes to a
    folder of its own so the checkout is left as it is."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "workbench-bench-pycache")
    return env


def _seconds(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one whole process. CPU time is the steadier
    figure on a machine shared with other work; wall time is what a user waits."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                   env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50, p99 = ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.99) - 1]
    return f"p50 {p50 * 1000:.3f} ms, p99 {p99 * 1000:.3f} ms"


def _catalog_update(corpus: Path, keystrokes: int = 300) -> list[str]:
    from workbench.agents.catalog import Catalog, Scope, ScopeKind
    from workbench.agents.document import AgentDocument
    from workbench.agents.rules import validate

    catalog = Catalog.load([Scope(ScopeKind.EXTRA, corpus)])
    entry = max((e for e in catalog.entries if e.name), key=lambda e: len(e.document.text))
    text, path, context = entry.document.text, entry.path, catalog.context(entry.path)
    alone, update = [], []
    for i in range(keystrokes):
        typed = text + "x" * (i % 7)  # a different buffer on every keystroke
        started = time.perf_counter()
        validate(AgentDocument.parse(typed, path), context)
        alone.append(time.perf_counter() - started)
        started = time.perf_counter()
        catalog.update(path, typed)
        update.append(time.perf_counter() - started)
    ratio = statistics.median(update) / statistics.median(alone)
    return [
        f"catalog update per keystroke ({len(text):,}-character agent, {keystrokes} keystrokes)",
        f"  parse + validate alone: {_percentiles(alone)}",
        f"  Catalog.update:         {_percentiles(update)}",
        f"  ratio: {ratio:.2f}x (what the cross-file rules add; aim close to 1x)",
    ]


def run() -> list[str]:
    """Median wall and CPU time of each process over a few interleaved rounds, and their ratios;
    then the per-keystroke catalog update."""
    corpus = _corpus()
    if not corpus.is_dir():
        return [f"lint: corpus not found at {corpus} (set WORKBENCH_CORPUS)"]
    files = sum(1 for _ in corpus.rglob("*.md"))
    lint = [sys.executable, "-m", "workbench", "lint", str(corpus), "--format", "json"]
    floor = [sys.executable, "-c", FLOOR, str(corpus)]
    env = _child_env()
    _seconds(lint, env), _seconds(floor, env)  # warm the file cache and the bytecode cache
    lint_runs, floor_runs = [], []
    for _ in range(ROUNDS):
        lint_runs.append(_seconds(lint, env))
        floor_runs.append(_seconds(floor, env))
    lines = [f"lint corpus ({files} *.md files, whole process, bytecode cached, median of {ROUNDS})"]
    for label, index in (("wall", 0), ("cpu ", 1)):
        floor_s = statistics.median(run[index] for run in floor_runs)
        lint_s = statistics.median(run[index] for run in lint_runs)
        best = min(run[index] for run in lint_runs) / min(run[index] for run in floor_runs)
        lines.append(
            f"  {label}: floor (read + PyYAML C loader) {floor_s * 1000:5.0f} ms, "
            f"workbench lint --format json {lint_s * 1000:5.0f} ms, "
            f"ratio {lint_s / floor_s:.2f}x (best {best:.2f}x; target <= 3x, aim 1.5x)"
        )
    return lines + _catalog_load(corpus) + _catalog_update(corpus)
