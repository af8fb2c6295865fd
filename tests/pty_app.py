"""The real app in a pseudo-terminal, as a person launches it (for the quit tests)."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import sys
import termios
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def launch_app(project: Path, home: Path, columns: int = 120, lines: int = 36, **env: str | None) -> tuple[int, int]:
    """Start `python -m workbench` in `project` with `home` as HOME (plus `env`; a value of None
    removes that variable) in a new pseudo-terminal; its pid and the terminal's fd."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "PYTEST"))}
    environ.update(HOME=str(home), TERM="xterm-256color", COLUMNS=str(columns), LINES=str(lines),
                   PYTHONPATH=str(REPO) + os.pathsep + environ.get("PYTHONPATH", ""))
    for key, value in env.items():
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value
    pid, fd = pty.fork()
    if pid == 0:  # the child: the app, in the pseudo-terminal
        try:
            os.chdir(project)
            os.execvpe(sys.executable, [sys.executable, "-m", "workbench"], environ)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    # Before the app puts the terminal in raw mode, the line discipline would take ctrl+q as XON
    # and never pass it on; the app is to see the key whenever it comes.
    attrs = termios.tcgetattr(fd)
    attrs[0] &= ~termios.IXON
    termios.tcsetattr(fd, termios.TCSANOW, attrs)
    return pid, fd
