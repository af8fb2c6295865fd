"""Glob, Grep and LS: what they find, in which order, with which limits."""

from __future__ import annotations

import os

import pytest

from workbench.runtime.tools import REGISTRY
from workbench.runtime.tools import glob as glob_tool
from workbench.runtime.tools.grep import rg_arguments


@pytest.fixture
def tree(workspace):
    files = {
        "src/app.py": "def main():\n    return helper()\n\n\ndef helper():\n    return 42\n",
        "src/util.py": "import os\nHELPER = 'x'\n",
        "src/web/page.ts": "const helper = () => 1;\n",
        "docs/readme.md": "# helper docs\nnothing else\n",
        "config.json": "{}\n",
        "config.yaml": "a: 1\n",
        ".hidden/secret.py": "helper = 1\n",
        "ignored/skip.py": "helper = 2\n",
        ".gitignore": "ignored/\n",
    }
    for name, text in files.items():
        path = workspace / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (workspace / ".git").mkdir()
    (workspace / ".git" / "HEAD").write_text("helper\n")
    for age, name in enumerate(sorted(files)):
        os.utime(workspace / name, (1_000_000 + age, 1_000_000 + age))
    return workspace


def names(paths, root):
    return [os.path.relpath(p, root) for p in paths]


async def test_glob_matches_across_folders_newest_first(tree, call):
    result = await call("Glob", pattern="**/*.py")
    found = names(result.detail["filenames"], tree)
    assert sorted(found) == [".hidden/secret.py", "ignored/skip.py", "src/app.py", "src/util.py"]
    assert found == ["src/util.py", "src/app.py", "ignored/skip.py", ".hidden/secret.py"]
    assert result.content.splitlines()[0] == str(tree / "src/util.py")


async def test_glob_star_stays_in_one_folder_and_braces_alternate(tree, call):
    top = await call("Glob", pattern="*.{json,yaml}")
    nested = await call("Glob", pattern="*.py", path=str(tree / "src"))
    assert sorted(names(top.detail["filenames"], tree)) == ["config.json", "config.yaml"]
    assert sorted(names(nested.detail["filenames"], tree)) == ["src/app.py", "src/util.py"]


async def test_glob_caps_results_and_flags_truncation(workspace, call):
    for i in range(glob_tool.MAX_FILES + 5):
        (workspace / f"f{i}.txt").write_text("")
    result = await call("Glob", pattern="*.txt")
    assert result.detail["numFiles"] == glob_tool.MAX_FILES and result.detail["truncated"] is True
    assert result.detail["totalMatches"] == glob_tool.MAX_FILES + 5
    assert "Results are truncated" in result.content


async def test_glob_with_no_match_says_so(tree, call):
    result = await call("Glob", pattern="**/*.rs")
    assert result.content == "No files found" and not result.is_error


async def test_grep_lists_matching_files_respecting_gitignore(tree, call):
    result = await call("Grep", pattern="helper")
    found = names(result.detail["filenames"], tree)
    assert found == [".hidden/secret.py", "docs/readme.md", "src/app.py", "src/web/page.ts"]
    assert result.content.startswith("Found 4 files\n")


async def test_grep_content_mode_with_line_numbers_and_context(tree, call):
    result = await call("Grep", pattern="return 42", output_mode="content", path=str(tree / "src"), **{"-B": 1})
    assert result.content == f"{tree}/src/app.py-5-def helper():\n{tree}/src/app.py:6:    return 42"
    assert result.detail["numLines"] == 2


async def test_grep_case_insensitive_glob_and_type_filters(tree, call):
    insensitive = await call("Grep", pattern="HELPER", **{"-i": True}, glob="*.py", path=str(tree / "src"))
    typed = await call("Grep", pattern="helper", type="ts")
    assert names(insensitive.detail["filenames"], tree) == ["src/app.py", "src/util.py"]
    assert names(typed.detail["filenames"], tree) == ["src/web/page.ts"]


async def test_grep_count_mode_gives_per_file_counts_and_a_total(tree, call):
    result = await call("Grep", pattern="helper", output_mode="count", path=str(tree / "src"))
    assert result.content.splitlines()[:2] == [f"{tree}/src/app.py:2", f"{tree}/src/web/page.ts:1"]
    assert result.content.endswith("Found 3 total occurrences across 2 files.")
    assert result.detail["numMatches"] == 3


async def test_grep_head_limit_and_offset_page_the_entries(tree, call):
    first = await call("Grep", pattern="helper", head_limit=2)
    second = await call("Grep", pattern="helper", head_limit=2, offset=2)
    assert len(first.detail["filenames"]) == 2 and len(second.detail["filenames"]) == 2
    assert set(first.detail["filenames"]).isdisjoint(second.detail["filenames"])
    assert first.detail["totalFiles"] == 4 and second.detail["appliedOffset"] == 2
    past = await call("Grep", pattern="helper", output_mode="content", offset=99)
    assert past.content == "No entries at this offset"


async def test_grep_multiline_lets_a_pattern_span_lines(tree, call):
    single = await call("Grep", pattern=r"main\(\):\n\s+return", path=str(tree / "src"))
    multi = await call("Grep", pattern=r"main\(\):\n\s+return", multiline=True, path=str(tree / "src"))
    assert single.is_error or single.content == "No files found"
    assert names(multi.detail["filenames"], tree) == ["src/app.py"]


async def test_grep_only_matching_and_a_pattern_starting_with_a_dash(tree, call):
    (tree / "flags.txt").write_text("use --verbose here\n")
    only = await call("Grep", pattern="ret[a-z]+", output_mode="content", **{"-o": True}, path=str(tree / "src/app.py"))
    dash = await call("Grep", pattern="--verbose", output_mode="content", path=str(tree / "flags.txt"))
    assert only.content.splitlines() == [f"{tree}/src/app.py:2:return", f"{tree}/src/app.py:6:return"]
    assert dash.content.endswith(":1:use --verbose here")


async def test_grep_reports_ripgreps_diagnostic_for_a_bad_regex(tree, call):
    result = await call("Grep", pattern="interface{")
    assert result.is_error and result.content.startswith("ripgrep:") and "regex" in result.content


async def test_grep_no_match_is_not_an_error(tree, call):
    result = await call("Grep", pattern="zzz-not-there")
    assert not result.is_error and result.content == "No files found"


def test_rg_arguments_put_the_pattern_after_e_and_the_path_after_a_double_dash():
    args = rg_arguments({"pattern": "-x", "output_mode": "content", "-C": 2}, "/w")
    assert args[-4:] == ["-e", "-x", "--", "/w"] and "-C" in args and "-n" in args


def test_search_tools_are_read_tools():
    assert {REGISTRY[n].kind for n in ("Glob", "Grep", "Read")} == {"read"}


async def test_cancelling_a_search_kills_ripgrep(workspace, monkeypatch):
    import asyncio
    import subprocess

    from workbench.runtime.tools import ripgrep

    started = []
    real_popen = subprocess.Popen

    def recording_popen(*args, **kwargs):
        proc = real_popen(*args, **kwargs)
        started.append(proc)
        return proc

    monkeypatch.setattr(ripgrep.subprocess, "Popen", recording_popen)
    # rg reading a FIFO with no writer blocks until it is killed.
    os.mkfifo(workspace / "pipe")
    task = asyncio.ensure_future(ripgrep.run_rg(["x", str(workspace / "pipe")], workspace))
    while not started:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert started[0].returncode is not None


def test_several_globs_in_one_field_become_several_rg_globs():
    from workbench.runtime.tools.grep import split_globs

    assert split_globs("*.ts *.tsx") == ["*.ts", "*.tsx"]
    assert split_globs("*.py,*.md") == ["*.py", "*.md"]
    assert split_globs("**/*.{ts,tsx}") == ["**/*.{ts,tsx}"]


async def test_grep_with_two_globs_searches_both_kinds_of_file(tree, call):
    result = await call("Grep", pattern="helper", glob="*.ts *.md")
    assert names(result.detail["filenames"], tree) == ["docs/readme.md", "src/web/page.ts"]


async def test_glob_with_a_literal_folder_prefix_searches_only_that_folder(tree, call):
    nested = await call("Glob", pattern="src/**/*.ts")
    missing = await call("Glob", pattern="nowhere/**/*.ts")
    assert names(nested.detail["filenames"], tree) == ["src/web/page.ts"]
    assert missing.content == "No files found" and not missing.is_error
