"""Background shells: Bash with `run_in_background`, stopped with TaskStop.

A background command runs in its own process group like any Bash command, without a timeout; its
merged output is written, as it comes, to an output file the model reads with Read (as Claude Code
gives a subagent no BashOutput), and kept in a bounded window (the old BashOutput tool, not
offered, empties it). A run's shells live in its `ToolContext.shells`; the session kills
them when it is cancelled or closed, and a nested agent's when that agent gives its answer (as
Claude Code ends the background commands of a subagent). Should the interpreter exit with shells
still running, an exit hook kills their process groups: they run in sessions of their own and
would otherwise outlive it.
"""

from __future__ import annotations

import asyncio
import atexit
import codecs
import os
import re
import signal
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from workbench.runtime.tools.base import ToolContext, ToolResult
from workbench.runtime.tools.local_tool import LocalTool, error
from workbench.runtime.tools.process import kill_group, signal_group, spawn_shell

# What one BashOutput read returns at most; beyond it, the head and tail of the new output.
MAX_READ_CHARS = 30_000
# After a background command exits, how long to drain output still held by its children.
_GRACE_S = 1.0

ShellStatus = Literal["running", "completed", "failed", "killed"]


class _Window:
    """Output not yet read: its first and last `MAX_READ_CHARS // 2` characters and a count."""

    def __init__(self) -> None:
        self.head = ""
        self.tail = ""
        self.total = 0

    def add(self, text: str) -> None:
        keep = MAX_READ_CHARS // 2
        self.total += len(text)
        room = keep - len(self.head)
        if room > 0:
            self.head += text[:room]
            text = text[room:]
        if text:
            self.tail = (self.tail + text)[-keep:]

    def text(self) -> str:
        if self.total == len(self.head) + len(self.tail):
            return self.head + self.tail
        return (f"{self.head}\n\n... [{self.total - len(self.head) - len(self.tail)} characters of "
                f"output not shown; read more often to see everything] ...\n\n{self.tail}")


class BackgroundShell:
    """One background command: its process, status, exit code and unread output."""

    def __init__(self, shell_id: str, command: str, proc: asyncio.subprocess.Process,
                 succeeded: Callable[[int | None], bool]) -> None:
        self.id = shell_id
        self.command = command
        self.proc = proc
        self.started = time.time()
        self.status: ShellStatus = "running"
        self.exit_code: int | None = None
        self._succeeded = succeeded
        self._unread = _Window()
        self.output_path: Path | None = None
        self._output_file = None
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._reader: asyncio.Task | None = None
        self._waiter: asyncio.Task | None = None
        self._transport: asyncio.BaseTransport | None = None

    def take_output(self) -> str:
        """The output since the last call (and forget it)."""
        window, self._unread = self._unread, _Window()
        return window.text()

    @property
    def running(self) -> bool:
        return self.status == "running"

    @property
    def alive(self) -> bool:
        """Running, or exited with something it started still holding its output open."""
        return self.running or (self._reader is not None and not self._reader.done())

    async def drained(self) -> None:
        """Wait (briefly) for the output an ended command has yet to deliver."""
        if self._reader is not None and not self.running:
            await asyncio.wait([self._reader], timeout=_GRACE_S)

    def _attach(self, stream: asyncio.StreamReader, transport: asyncio.BaseTransport) -> None:
        self._transport = transport
        self._reader = asyncio.ensure_future(self._read(stream))
        self._waiter = asyncio.ensure_future(self._wait())

    async def _read(self, stream: asyncio.StreamReader) -> None:
        # Until every process holding the pipe is gone: what a command left running in the
        # background (`server &`) prints stays readable, and the shell stays to be killed.
        while chunk := await stream.read(65536):
            self._unread.add(self._decoder.decode(chunk))
            if self._output_file is not None:
                self._output_file.write(chunk)
                self._output_file.flush()
        self._unread.add(self._decoder.decode(b"", final=True))
        self._close_output()
        if self._transport is not None:
            self._transport.close()
        if not self.running or self.proc.returncode is not None:
            _LIVE.discard(self)

    async def _wait(self) -> None:
        code = await self.proc.wait()
        self.exit_code = code
        if self.status == "running":
            self.status = "completed" if self._succeeded(code) else "failed"
        if self._reader is not None and self._reader.done():
            _LIVE.discard(self)

    async def kill(self) -> None:
        """Stop the command and everything it started (SIGTERM, then SIGKILL)."""
        if self.status == "running":
            self.status = "killed"
        await kill_group(self.proc)
        self.exit_code = self.proc.returncode
        self._close_pipe()
        _LIVE.discard(self)

    def kill_now(self) -> None:
        """SIGKILL the process group at once (no waiting; for exits and second cancels)."""
        if self.status == "running":
            self.status = "killed"
        signal_group(self.proc, signal.SIGKILL)
        self._close_pipe()
        _LIVE.discard(self)

    def _close_output(self) -> None:
        if self._output_file is not None:
            self._output_file.close()
            self._output_file = None

    def _close_pipe(self) -> None:
        self._close_output()
        if self._reader is not None and not self._reader.done():
            self._reader.cancel()
        if self._transport is not None:
            self._transport.close()


class BackgroundShells:
    """The background shells of one run, by id (`bash_1`, `bash_2`, …)."""

    def __init__(self) -> None:
        self._shells: dict[str, BackgroundShell] = {}
        self._count = 0
        self._folder: Path | None = None

    @property
    def folder(self) -> Path | None:
        """Where the output files are (made with the first shell), or None."""
        return self._folder

    def _open_output(self, shell: BackgroundShell) -> None:
        """Give `shell` its output file, `<folder>/<id>.output`."""
        if self._folder is None:
            import tempfile

            self._folder = Path(tempfile.mkdtemp(prefix="workbench-tasks-")).resolve()
        shell.output_path = self._folder / f"{shell.id}.output"
        shell._output_file = open(shell.output_path, "wb")  # noqa: SIM115 - closed at the stream's end

    def get(self, shell_id: str) -> BackgroundShell | None:
        return self._shells.get(shell_id)

    def __iter__(self):
        return iter(list(self._shells.values()))

    async def start(self, command: str, cwd: Path, env: dict[str, str], *,
                    succeeded: Callable[[int | None], bool]) -> ToolResult:
        """Start `command` in the background; the result names its shell id."""
        try:
            proc, stream, transport = await spawn_shell(command, cwd, env)
        except OSError as exc:
            return error(f"cannot run the command in {cwd}: {exc.strerror or exc}")
        self._count += 1
        shell = BackgroundShell(f"bash_{self._count}", command, proc, succeeded)
        self._open_output(shell)
        shell._attach(stream, transport)
        self._shells[shell.id] = shell
        _LIVE.add(shell)
        return ToolResult(
            f"Command running in background with ID: {shell.id}. Its output is written to "
            f"{shell.output_path} (read it with Read); stop it with TaskStop (task_id \"{shell.id}\").",
            detail={"stdout": "", "stderr": "", "interrupted": False, "isImage": False,
                    "backgroundTaskId": shell.id, "outputPath": str(shell.output_path)})

    def adopt(self, command: str, proc: asyncio.subprocess.Process, stream: asyncio.StreamReader,
              transport: asyncio.BaseTransport, *,
              succeeded: Callable[[int | None], bool]) -> BackgroundShell:
        """Make a running foreground command a background shell (Bash at its timeout): its output
        from now on is read from `stream` (the caller stopped reading it)."""
        self._count += 1
        shell = BackgroundShell(f"bash_{self._count}", command, proc, succeeded)
        self._open_output(shell)
        shell._attach(stream, transport)
        self._shells[shell.id] = shell
        _LIVE.add(shell)
        return shell

    async def close(self) -> None:
        """Kill every shell still alive (interrupted by a cancel, it SIGKILLs them at once)."""
        try:
            await asyncio.gather(*(s.kill() for s in self if s.alive))
        except asyncio.CancelledError:
            self.kill_now()
            raise

    def kill_now(self) -> None:
        """SIGKILL every shell still alive, without waiting."""
        for shell in self:
            if shell.alive:
                shell.kill_now()


# Shells whose process group may still be alive, for the exit hook (held strongly: a session
# dropped without being closed must not take its shells' pids with it).
_LIVE: set[BackgroundShell] = set()


@atexit.register
def _kill_leftovers() -> None:
    for shell in list(_LIVE):
        try:
            os.killpg(shell.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
