"""Finding and running the `rg` binary (from the `ripgrep` PyPI package or the PATH)."""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import sys
import tempfile
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
    # rg writes into unlinked temporary files rather than pipes: a pipe would wake the event loop
    # for every small write, and that Python work is most of the tool's overhead over bare rg.
    # rg starts no children, so no process group of its own is needed to stop it; and a new
    # session would put it in another scheduler autogroup, measurably slowing it on a busy machine.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = await asyncio.create_subprocess_exec(
            rg_binary(), *args, cwd=cwd, stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=err)
        try:
            await proc.wait()
        except asyncio.CancelledError:
            if proc.returncode is None:
                proc.kill()
            await proc.wait()
            raise
        out.seek(0)
        err.seek(0)
        return proc.returncode or 0, out.read(), err.read()
