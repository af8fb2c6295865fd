"""Child processes of the shell tools: a pipe read as a stream, and killing a whole process group.

Each command runs in its own session (`start_new_session=True`), so its process group id is its pid
and a kill reaches everything it started.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
from pathlib import Path


async def spawn_shell(
    command: str, cwd: Path, env: dict[str, str]
) -> tuple[asyncio.subprocess.Process, asyncio.StreamReader, asyncio.BaseTransport]:
    """Start `command` with bash (else sh) in its own session, stdout and stderr merged into one
    pipe read through the returned stream. Raises OSError when it cannot start."""
    shell = shutil.which("bash") or "/bin/sh"
    # Our own pipe, not asyncio's: asyncio's wait() also waits for the pipe to close, which a
    # background child (`server &`) can hold open long after the command itself has finished.
    read_fd, write_fd = os.pipe()
    try:
        proc = await asyncio.create_subprocess_exec(
            shell, "-c", command, cwd=cwd, env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=write_fd, stderr=write_fd, start_new_session=True)
    except BaseException:
        os.close(read_fd)
        raise
    finally:
        os.close(write_fd)
    try:
        stream, transport = await open_reader(read_fd)
    except BaseException:
        await kill_group(proc)
        raise
    return proc, stream, transport


async def open_reader(fd: int) -> tuple[asyncio.StreamReader, asyncio.BaseTransport]:
    """A stream over the read end of the command's pipe; the fd is closed if this fails."""
    pipe = os.fdopen(fd, "rb", buffering=0)
    stream = asyncio.StreamReader(limit=2**20)
    try:
        transport, _ = await asyncio.get_running_loop().connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(stream), pipe)
    except BaseException:
        pipe.close()
        raise
    return stream, transport


def signal_group(proc: asyncio.subprocess.Process, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass  # everything in the group has already exited


async def kill_group(proc: asyncio.subprocess.Process) -> None:
    """SIGTERM the whole process group, then SIGKILL whatever is left after a moment."""
    signal_group(proc, signal.SIGTERM)
    try:
        await asyncio.wait_for(asyncio.shield(proc.wait()), 0.5)
    except TimeoutError:
        pass
    # Children that ignore SIGTERM (or outlive the shell) share its group id.
    signal_group(proc, signal.SIGKILL)
    await proc.wait()
