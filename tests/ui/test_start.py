"""Starting the app: command-line paths, and what the start path must never import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.ui.conftest import CLEAN_AGENT
from workbench.commands.app import resolve_paths
from workbench.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_a_folder_adds_a_scope_and_a_file_adds_its_folder_and_opens(tmp_path):
    folder = tmp_path / "agents"
    folder.mkdir()
    agent = folder / "a.md"
    agent.write_text(CLEAN_AGENT)
    other = tmp_path / "more"
    other.mkdir()
    folders, open_path, problems = resolve_paths([str(agent), str(other), str(folder)])
    assert folders == [folder, other]
    assert open_path == agent
    assert problems == []


def test_a_path_that_does_not_exist_is_a_clear_error(tmp_path, capsys):
    assert main([str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_the_app_starts_shows_the_agents_and_never_imports_anthropic(tmp_path, fixed_settings):
    folder = tmp_path / "agents"
    folder.mkdir()
    (folder / "code-reviewer.md").write_text(CLEAN_AGENT)
    code = (
        "import sys\n"
        "from workbench.cli import main\n"
        f"rc = main([{str(folder)!r}, '--exit-after-load'])\n"
        "assert rc == 0, rc\n"
        "print('anthropic' in sys.modules, 'watchfiles' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["False", "False"]


def test_the_app_paints_at_up_to_120_frames_a_second_unless_the_person_says_otherwise():
    code = "import workbench.ui.app, textual.constants as c; print(c.MAX_FPS)"
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    env["PYTHONPATH"] = str(REPO)
    ours = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    theirs = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**env, "TEXTUAL_FPS": "30"}, timeout=60)
    assert (ours.stdout.strip(), theirs.stdout.strip()) == ("120", "30"), ours.stderr + theirs.stderr
