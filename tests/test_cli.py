"""The `workbench` command's own surface: --help, --version."""

import subprocess
import sys

from workbench import __version__


def _workbench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args], capture_output=True, text=True, timeout=60
    )


def test_version_prints_the_package_version():
    result = _workbench("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"workbench {__version__}"


def test_help_lists_every_sub_command():
    result = _workbench("--help")
    assert result.returncode == 0
    for name in ("lint", "schema", "run", "transcript"):
        assert name in result.stdout
