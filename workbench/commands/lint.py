"""`workbench lint [PATH ...]`: check agent files against the rule table (shared/spec/rules.md).

Exit status: 0 no errors; 1 at least one error (or any warning with `--strict`); 2 a usage or I/O
problem (a path that does not exist, an unreadable file), each with a one-line message on stderr.
"""

from __future__ import annotations

import argparse
import gc
import os
import stat
import sys
from pathlib import Path


class UsageError(Exception):
    """A bad command line: reported in one line, exit status 2."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of `workbench lint`."""
    from workbench.agents.report import FORMATS

    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="agent files or folders (searched recursively for *.md); default: the scopes the app "
        "loads (project .claude/agents walking up, ~/.claude/agents, the bundled agents)",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    parser.add_argument(
        "--unsafe-fixes", action="store_true", help="apply unsafe fixes too (implies --fix)"
    )
    parser.add_argument(
        "--select", metavar="CODES", help="only these codes or code prefixes (comma-separated)"
    )
    parser.add_argument(
        "--ignore", metavar="CODES", help="leave out these codes or code prefixes (comma-separated)"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 on warnings too")


def run(args: argparse.Namespace) -> int:
    """Lint, print the report in the chosen format, and return the exit status."""
    try:
        codes = selected_codes(args.select, args.ignore)
    except UsageError as error:
        print(f"workbench lint: {error}", file=sys.stderr)
        return 2
    # The catalog only grows during a run and reference counting frees the rest, so the cyclic
    # collector would just rescan the documents again and again (measured: about a tenth of the run).
    collecting = gc.isenabled()
    gc.disable()
    try:
        report, problems = _lint(args, codes)
    finally:
        if collecting:
            gc.enable()
    for problem in problems:
        print(f"workbench lint: {problem}", file=sys.stderr)
    if problems:
        return 2
    counts = report.counts()
    if counts["error"] or (args.strict and counts["warning"]):
        return 1
    return 0


def _lint(args: argparse.Namespace, codes: frozenset[str]):
    """Load, fix if asked, and print the report; returns it with the one-line problems found."""
    from workbench.agents.catalog import Catalog
    from workbench.agents.report import render

    scopes, problems = _scopes(args.paths)
    catalog = Catalog.load(scopes)
    problems += [f"{p.path}: {p.message}" for p in catalog.problems]
    entries = catalog.entries  # sorted on each access: once, unless fixes change the catalog
    problems += [e.error for e in entries if e.error is not None]

    fixing = bool(args.fix or args.unsafe_fixes)
    fixed: dict[str, list] = {}
    if fixing:
        problems += _apply_fixes(catalog, codes, args.unsafe_fixes, fixed)
        entries = catalog.entries

    report = _report(catalog, codes, fixed, entries)
    rules, version = (), ""
    if args.format == "sarif":
        from workbench import __version__ as version
        from workbench.agents.rules import RULES

        rules = RULES.values()
    sys.stdout.write(
        render(report, args.format, rules=rules, version=version, include_fixed=fixing)
    )
    return report, problems


def selected_codes(select: str | None, ignore: str | None) -> frozenset[str]:
    """The codes to report: `select` (all codes when absent) minus `ignore`. Each accepts codes and
    code prefixes (`AG1` = AG100–AG192), comma- or space-separated, any case; an entry that matches
    no code is a usage error."""
    from workbench.agents.rules import RULES

    every = frozenset(RULES)
    chosen = _expand(select, every, "--select") if select else every
    return chosen - (_expand(ignore, every, "--ignore") if ignore else frozenset())


def _expand(spec: str, every: frozenset[str], option: str) -> frozenset[str]:
    found: set[str] = set()
    for token in spec.replace(",", " ").split():
        token = token.upper()
        matches = {code for code in every if code.startswith(token)}
        if token == "ALL":
            matches = set(every)
        if not matches:
            raise UsageError(f"{option}: no rule code is or starts with '{token}'")
        found |= matches
    return frozenset(found)


def _scopes(paths: list[str]) -> tuple[list, list[str]]:
    """The scopes to lint and the paths that do not exist. A folder is a scope; files named on
    their own share their folder's scope."""
    from workbench.agents.catalog import Scope, ScopeKind, default_scopes

    if not paths:
        try:
            return default_scopes(Path.cwd()), []
        except OSError as error:
            return [], [f"cannot read the working folder ({error.strerror or error})"]
    scopes: list[Scope] = []
    problems: list[str] = []
    files_by_folder: dict[str, list[Path]] = {}
    for raw in paths:
        path = Path(raw)
        try:
            info = os.stat(path)
        except FileNotFoundError:
            problems.append(f"{raw}: no such file or folder")
            continue
        except OSError as error:
            problems.append(f"{raw}: {error.strerror or error}")
            continue
        if stat.S_ISDIR(info.st_mode):
            scopes.append(Scope(ScopeKind.EXTRA, path))
        else:
            folder = os.path.abspath(path.parent)
            if folder not in files_by_folder:
                files_by_folder[folder] = []
                scopes.append(Scope(ScopeKind.EXTRA, path.parent, files=()))
            files_by_folder[folder].append(path)
    # Scopes are immutable; the file scopes get their lists once every argument is seen.
    resolved = []
    for scope in scopes:
        if scope.files is not None:
            files = tuple(files_by_folder[os.path.abspath(scope.root)])
            scope = Scope(scope.kind, scope.root, files=files)
        resolved.append(scope)
    return resolved, problems


def _apply_fixes(catalog, codes: frozenset[str], unsafe: bool, fixed: dict[str, list]) -> list[str]:
    """Apply the fixes of every file in place (atomically) and re-validate it; returns problems.
    The bundled examples of the default scopes are the package's own files: never rewritten."""
    from workbench.agents.catalog import ScopeKind
    from workbench.agents.fixes import fix_text
    from workbench.agents.writer import write_atomic

    problems = []
    for entry in catalog.entries:
        if entry.document is None or entry.scope.kind is ScopeKind.BUNDLED or not any(
            d.fix is not None and (d.fix.safe or unsafe) and d.code in codes
            for d in entry.file_diagnostics
        ):
            continue
        text = entry.document.text
        new_text, mended = fix_text(
            text, path=entry.path, unsafe=unsafe, select=codes, context=catalog.context(entry.path)
        )
        if new_text == text:
            continue
        try:
            write_atomic(entry.path, new_text)
        except OSError as error:
            problems.append(f"{entry.path}: cannot write the fixes ({error.strerror or error})")
            continue
        catalog.update(entry.path, new_text)
        fixed[_key(entry.path)] = list(mended)
    return problems


def _key(path) -> str:
    return os.path.abspath(path)


def _display(path: Path, cwd_prefix: str) -> str:
    # Paths read as found from the command line; absolute ones under the working folder (the
    # default scopes) read relative to it, like the paths in any other tool's output.
    text = str(path)
    if text.startswith(cwd_prefix):
        return text[len(cwd_prefix):]
    return text


def _report(catalog, codes: frozenset[str], fixed: dict[str, list], entries=None):
    from workbench.agents.report import FileReport, LintReport, TextPositions

    report = LintReport(skipped=len(catalog.skipped))
    cwd_prefix = os.getcwd().rstrip(os.sep) + os.sep
    every_code = len(codes) == len(_rules().RULES)  # `codes` is a subset of the table
    for entry in catalog.entries if entries is None else entries:
        if entry.document is None:
            continue
        diagnostics = entry.diagnostics
        if not every_code:
            diagnostics = [d for d in diagnostics if d.code in codes]
        report.files.append(
            FileReport(
                _display(entry.path, cwd_prefix),
                TextPositions(entry.document.text),
                list(diagnostics),
                fixed=fixed.get(_key(entry.path), ()) if fixed else (),
            )
        )
    return report


def _rules():
    from workbench.agents import rules

    return rules
