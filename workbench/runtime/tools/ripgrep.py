"""Finding and running the `rg` binary (from the `ripgrep` PyPI package or the PATH)."""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import signal
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
    proc = await asyncio.create_subprocess_exec(
        rg_binary(), *args, cwd=cwd, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, start_new_session=True)
    try:
        out, err = await proc.communicate()
    except asyncio.CancelledError:
        _kill(proc)
        await proc.wait()
        raise
    return proc.returncode or 0, out, err


def _kill(proc: asyncio.subprocess.Process) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
