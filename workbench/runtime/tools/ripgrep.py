"""Finding and running the `rg` binary (from the `ripgrep` PyPI package or the PATH)."""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path


class RipgrepMissing(Exception):
    """No `rg` binary could be found."""


@functools.cache
def rg_binary() -> str:
    """The `rg` next to the running Python (where pip puts the package's binary), else on PATH."""
    beside = Path(sys.executable).parent / ("rg.exe" if os.name == "nt" else "rg")
    if beside.is_file():
        return str(beside)
    found = shutil.which("rg")
    if not found:
        raise RipgrepMissing("ripgrep (`rg`) is not installed; install the `ripgrep` package")
    return found


async def run_rg(args: list[str], cwd: Path) -> tuple[int, bytes, bytes]:
    """Run rg to completion: (exit code, stdout, stderr). Cancelling kills it."""
    # Measured choices (benchmarks/bench_grep.py): the output is collected by a worker thread, not
    # by event-loop callbacks that wake on every small write; it goes through a pipe, not a file,
    # because rg checks every searched file against a file stdout (20,000 extra stats); and rg
    # stays in our session, since a new one lands in another, slower scheduler autogroup. rg
    # starts no children, so killing it alone is enough.
    proc = subprocess.Popen([rg_binary(), *args], cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = await asyncio.to_thread(proc.communicate)
    except asyncio.CancelledError:
        proc.kill()
        await asyncio.to_thread(proc.wait)
        raise
    return proc.returncode or 0, out, err
