"""Writing an agent file so that a crash or a full disk never leaves half an agent behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` (UTF-8, newlines as given) to `path` through a temporary file beside it.

    The temporary file is flushed and fsynced, then renamed over the target, so readers see the
    old file or the new one, never a mix. The target's permission bits are kept. On any failure the
    temporary file is removed and the old file is left as it was; the error propagates.
    """
    target = Path(path)
    # Write beside the real file (a symlink is followed) so the rename stays on one file system.
    real = Path(os.path.realpath(target))
    try:
        mode = real.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = _default_mode()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, real)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    _fsync_directory(real.parent)


def _default_mode() -> int:
    # mkstemp creates 0600; a new agent file should get the mode any editor would give it.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_directory(folder: Path) -> None:
    # Makes the rename itself durable; some file systems refuse to open a directory, which is fine.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
