"""`workbench run --engine` and the `engine` setting: the built-in engine or the real Claude Code
(its bundled CLI against the scripted API server, fresh HOME, fresh git project)."""

from __future__ import annotations

import json
import re
import os
import subprocess
import sys

import pytest
from claude_code_support import AGENT, git_project, serve_claude_code
from fake_api import text_reply

from workbench.cli import main
from workbench.settings import load_settings


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench", "run", *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120, env={**os.environ, **env})


@pytest.fixture
def project(tmp_path, fake_api, monkeypatch):
    serve_claude_code(fake_api)
    monkeypatch.setenv("CLAUDE_CODE_MAX_RETRIES", "1")
    folder = git_project(tmp_path / "project")
    (tmp_path / "helper.md").write_text(AGENT, encoding="utf-8")
    return folder


def test_claude_code_engine_runs_the_agent_and_says_its_version_first(fake_api, project, tmp_path):
    pytest.importorskip("claude_agent_sdk")
    fake_api.add(text_reply("msg_1", "Hello from ", "Claude Code."))
    done = _run([str(tmp_path / "helper.md"), "greet me", "--cwd", str(project), "--engine", "claude-code",
                 "--run-as", "main"])
    assert done.returncode == 0, done.stderr
    assert "Hello from Claude Code." in done.stdout
    first = done.stderr.splitlines()[0]
    assert re.fullmatch(r"engine: Claude Code \d+\.\d+\.\d+ \(main\)", first), first
    assert "You are the helper agent. BODY-MARKER-1." in json.dumps(fake_api.bodies())


def test_jsonl_output_names_the_engine_and_version_in_run_started(fake_api, project, tmp_path):
    pytest.importorskip("claude_agent_sdk")
    fake_api.add(text_reply("msg_1", "ok"))
    # No --engine: the settings' engine picks Claude Code.
    settings = tmp_path / "settings.toml"
    settings.write_text('engine = "claude-code"\nrun_as = "main"\n', encoding="utf-8")
    env = dict(os.environ, WORKBENCH_SETTINGS=str(settings))
    env.pop("WORKBENCH_ENGINE")
    done = subprocess.run([sys.executable, "-m", "workbench", "run", str(tmp_path / "helper.md"), "hi",
                           "--cwd", str(project), "--output", "jsonl"], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    first = json.loads(done.stdout.splitlines()[0])
    assert first["event"] == "run_started"
    assert first["engine"] == "claude-code" and first["engine_version"].count(".") == 2


def test_builtin_engine_is_named_on_stderr(fake_api, project, tmp_path):
    fake_api.add(text_reply("msg_1", "built-in reply"))
    done = _run([str(tmp_path / "helper.md"), "hi", "--cwd", str(project), "--engine", "builtin"])
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == "engine: built-in"
    assert "built-in reply" in done.stdout


def test_claude_code_without_the_sdk_says_how_to_install_it(project, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "claude_agent_sdk", None)  # as if it were not installed
    code = main(["run", str(tmp_path / "helper.md"), "hi", "--cwd", str(project), "--engine", "claude-code"])
    assert code == 2
    assert "pip install 'workbench[claude-code]'" in capsys.readouterr().err


def test_auto_picks_claude_code_only_when_the_sdk_is_installed(monkeypatch):
    from workbench.runtime.engines import choose_engine

    monkeypatch.delenv("WORKBENCH_ENGINE")
    monkeypatch.setitem(sys.modules, "claude_agent_sdk", None)
    assert choose_engine(None, load_settings()).name == "builtin"
    monkeypatch.delitem(sys.modules, "claude_agent_sdk")
    try:
        import claude_agent_sdk  # noqa: F401
    except ImportError:
        return
    chosen = choose_engine(None, load_settings())
    assert chosen.name == "claude-code" and chosen.label.startswith("Claude Code 2.")


def test_a_bad_engine_setting_is_a_problem_and_falls_back(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('engine = "claude"\nrun_as = "main"\n', encoding="utf-8")
    settings = load_settings(path)
    assert settings.engine == "auto" and settings.run_as == "main"
    assert any("engine" in problem for problem in settings.problems)


def test_as_a_subagent_run_prints_the_agents_reply(fake_api, project, tmp_path):
    pytest.importorskip("claude_agent_sdk")
    from claude_code_support import delegate

    fake_api.add(delegate("msg_main"), text_reply("msg_sub", "The agent's own answer."))
    done = _run([str(tmp_path / "helper.md"), "answer me", "--cwd", str(project), "--engine", "claude-code"])
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0].endswith("(subagent)")
    assert "The agent's own answer." in done.stdout
    assert "Agent(helper)" in done.stdout
