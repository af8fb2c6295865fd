"""`workbench transcript show|browse|export|stats|list`: read, share and total runs and sessions.

    workbench transcript show FILE [--text]      (the viewer in a terminal; text when piped)
    workbench transcript browse
    workbench transcript export FILE --format markdown|html|json [-o OUT]
    workbench transcript stats FILE|FOLDER… [--project DIR] [--all] [--by session|day|model|agent]
    workbench transcript list [--project TEXT] [--format text|json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXPORT_SUFFIX = {"markdown": ".md", "html": ".html", "json": ".json"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `transcript` sub-commands and their options."""
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    show = sub.add_parser("show", help="open a transcript in the viewer (text when piped)")
    show.add_argument("file", type=Path, help="a workbench run or a Claude Code session (.jsonl)")
    show.add_argument("--text", action="store_true", help="print a text rendering instead")

    sub.add_parser("browse", help="browse every run and session, with filter and search")

    export = sub.add_parser("export", help="export a transcript to share it")
    export.add_argument("file", type=Path)
    export.add_argument("--format", choices=sorted(EXPORT_SUFFIX), default="markdown")
    export.add_argument("-o", "--output", type=Path, help="write here instead of standard output")
    export.add_argument(
        "--max-result-chars", type=int, default=4000, metavar="N",
        help="cut tool results longer than N characters (default 4000)",
    )

    stats = sub.add_parser(
        "stats", help="token, cost, tool-call and error totals of one session or of many")
    stats.add_argument("files", type=Path, nargs="*", metavar="FILE|FOLDER",
                       help="sessions or runs (.jsonl), or folders holding them")
    stats.add_argument("--project", type=Path, metavar="DIR",
                       help="every session Claude Code and workbench recorded in project DIR")
    stats.add_argument("--all", action="store_true",
                       help="every session Claude Code and workbench recorded")
    stats.add_argument("--by", choices=["session", "day", "model", "agent"],
                       help="one row per session, day, model or agent (main or a subagent's name)")
    stats.add_argument("--format", choices=["text", "json"], default="text")

    listing = sub.add_parser("list", help="list workbench runs and Claude Code sessions")
    listing.add_argument("--project", default="", help="only projects whose name contains TEXT")
    listing.add_argument("--format", choices=["text", "json"], default="text")


def run(args: argparse.Namespace) -> int:
    """Run the chosen action; a file that cannot be read, is empty or is not a transcript is
    reported in one line (exit 2)."""
    from workbench.transcripts.reader import TranscriptError

    try:
        if getattr(args, "file", None) is not None:
            from workbench.transcripts.reader import check_transcript

            check_transcript(args.file)
        return _ACTIONS[args.action](args)
    except TranscriptError as exc:
        print(f"workbench transcript: {exc}", file=sys.stderr)
        return 2


def _prices() -> dict[str, dict[str, float]]:
    from workbench.settings import load_settings

    return load_settings().prices


def _show(args: argparse.Namespace) -> int:
    if not args.text and sys.stdout.isatty():
        from workbench.ui.transcripts_app import TranscriptsApp

        return _after_viewer(TranscriptsApp(args.file).run())
    from workbench.transcripts.reader import read_transcript
    from workbench.transcripts.stats import compute_stats
    from workbench.transcripts.text import render_text

    tx = read_transcript(args.file)
    _write(render_text(tx, compute_stats(args.file, prices=_prices())), None)
    return 0


def _export(args: argparse.Namespace) -> int:
    from workbench.transcripts import export
    from workbench.transcripts.reader import read_transcript
    from workbench.transcripts.stats import compute_stats

    if args.max_result_chars < 1:
        print("workbench transcript: --max-result-chars must be at least 1", file=sys.stderr)
        return 2
    tx = read_transcript(args.file)
    stats = compute_stats(args.file, prices=_prices())
    if args.format == "markdown":
        text = export.to_markdown(tx, stats, args.max_result_chars)
    elif args.format == "html":
        text = export.to_html(tx, stats, args.max_result_chars)
    else:
        text = json.dumps(export.to_json(tx, stats), indent=2, ensure_ascii=False) + "\n"
    return _write(text, args.output)


def _stats(args: argparse.Namespace) -> int:
    from workbench.transcripts.reader import check_transcript
    from workbench.transcripts.stats import compute_stats, stats_text

    many = args.all or args.project is not None or args.by or len(args.files) != 1 or (
        args.files[0].is_dir())
    if not many:
        check_transcript(args.files[0])
        stats = compute_stats(args.files[0], prices=_prices())
        if args.format == "json":
            return _write(json.dumps(stats.to_dict(), indent=2) + "\n", None)
        return _write(stats_text(stats) + "\n", None)
    return _stats_of_many(args)


def _stats_of_many(args: argparse.Namespace) -> int:
    from workbench.transcripts import totals
    from workbench.transcripts.reader import TranscriptError, check_transcript
    from workbench.transcripts.stats import stats_text

    for path in args.files:
        if not path.is_dir():
            check_transcript(path)
        elif not totals.sessions_in([path]):
            raise TranscriptError(f"{path}: is a folder with no transcript in it")
    sessions = totals.sessions_in(args.files)
    if args.project is not None:
        if not args.project.is_dir():
            raise TranscriptError(f"{args.project}: no such project folder")
        sessions += totals.project_sessions(args.project)
    if args.all:
        sessions += totals.all_sessions()
    seen: set[Path] = set()
    sessions = [s for s in sessions if not (s.path in seen or seen.add(s.path))]
    if not sessions:
        print("workbench transcript: no sessions found", file=sys.stderr)
        return 2
    stats, rows = totals.compute_totals(sessions, by=args.by, prices=_prices())
    if args.format == "json":
        data = {**stats.to_dict(), "sessions": stats.sessions, "responses": stats.responses}
        if args.by:
            data["by"] = args.by
            data["rows"] = [r.to_dict() for r in rows]
        return _write(json.dumps(data, indent=2) + "\n", None)
    text = stats_text(stats)
    if args.by:
        text += "\n\n" + totals.rows_text(rows, args.by)
    return _write(text + "\n", None)


def _browse(args: argparse.Namespace) -> int:
    from workbench.ui.transcripts_app import TranscriptsApp

    return _after_viewer(TranscriptsApp().run())


def _after_viewer(origin) -> int:
    """After "re-run with today's definition" in the viewer: the full app on that agent, running
    the run's first prompt; else nothing more to do."""
    if origin is None:
        return 0
    from workbench.ui.transcript_rerun import launch_rerun

    problem = launch_rerun(origin, Path.cwd())
    if problem:
        print(f"workbench transcript: {problem}", file=sys.stderr)
        return 2
    return 0


def _list(args: argparse.Namespace) -> int:
    from workbench.transcripts.discovery import discover, listing_text

    runs = [r for r in discover() if args.project.lower() in r.project.lower()]
    if args.format == "json":
        return _write(json.dumps([r.to_dict() for r in runs], indent=2) + "\n", None)
    return _write(listing_text(runs) + "\n", None)


def _write(text: str, output: Path | None) -> int:
    if output is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            # `| head` closed the pipe: not an error worth a traceback.
            sys.stderr.close()
        return 0
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"workbench transcript: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"wrote {output}", file=sys.stderr)
    return 0


_ACTIONS = {"show": _show, "browse": _browse, "export": _export, "stats": _stats, "list": _list}
