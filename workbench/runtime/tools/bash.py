"""Bash: one command in a new shell, in the working directory, with a timeout and output caps.

The command runs in its own process group so a timeout or a cancel kills everything it started,
and with the API credentials removed from its environment so an agent cannot read or spend them.
With `run_in_background` it becomes a background shell of the run (`background.py`): the call
returns at once with its id and output file (read with Read); TaskStop stops it. A command still running at
its timeout is moved to the background the same way, as Claude Code does, except those Claude Code
stops: commands starting with `sleep`, commands that run git, and compound commands it cannot parse
(here: several commands with a command or process substitution among them).
"""

from __future__ import annotations

import asyncio
import os
import time

from workbench.runtime.tools.base import ToolContext, ToolResult
from workbench.runtime.tools.local_tool import LocalTool, error
from workbench.runtime.tools.process import kill_group, spawn_shell
from workbench.runtime.tools.shellwords import leading_words, split_command

DEFAULT_TIMEOUT_MS = 120_000
MAX_TIMEOUT_MS = 600_000
MAX_OUTPUT_CHARS = 30_000
MAX_FAILURE_CHARS = 10_000
_KEEP_BYTES = 4 * MAX_OUTPUT_CHARS  # head and tail kept while reading (UTF-8 is at most 4 bytes)
_GRACE_S = 1.0  # after the shell exits, how long to drain output still held by its children
# Exit 1 from these means "no match" / "files differ", not failure (as in Claude Code).
_EXIT_ONE_OK = {"grep", "rg", "egrep", "fgrep", "find", "diff", "test", "["}
_SUBSTITUTIONS = ("$(", "`", "<(", ">(")
_CREDENTIALS = {"ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN",
                "AWS_BEARER_TOKEN_BEDROCK"}


def scrub_env(env: dict[str, str]) -> dict[str, str]:
    """A copy of `env` without API credentials (any ANTHROPIC_* or CLAUDE_* key, token or secret)."""
    def is_credential(name: str) -> bool:
        if name in _CREDENTIALS:
            return True
        upper = name.upper()
        return upper.startswith(("ANTHROPIC_", "CLAUDE_")) and any(
            word in upper for word in ("KEY", "TOKEN", "SECRET"))
    return {k: v for k, v in env.items() if not is_credential(k)}


class BashTool(LocalTool):
    """Claude Code's Bash, in the foreground or (`run_in_background`) as a background shell."""

    name = "Bash"
    kind = "execute"
    description = (
        "Runs a shell command with bash in the working directory and returns its output (stdout "
        "and stderr merged). Each call is a new shell: `cd` and variables do not carry over. "
        f"timeout is in milliseconds: default {DEFAULT_TIMEOUT_MS}, at most {MAX_TIMEOUT_MS}; a "
        "command still running at the timeout is moved to the background (its output file is "
        "named; stop it with TaskStop), except commands starting with sleep, git commands "
        "and compound commands with $(...) or backquotes, which are killed. Output beyond "
        f"{MAX_OUTPUT_CHARS} characters ({MAX_FAILURE_CHARS} when the command fails) is cut to its "
        "head and tail. A non-zero exit is an error, except exit 1 from grep, rg, find, diff and "
        "test. With run_in_background: true the command starts in the background (no timeout) and "
        "the call returns at once with a task id and an output file: read the file with Read, stop "
        "the task with TaskStop; background commands are killed when the session ends. Give a short "
        "description of what the command does. Use Read and Edit instead of cat and sed where you "
        "can."
    )
    input_schema = {"type": "object", "required": ["command"], "properties": {
        "command": {"type": "string"}, "timeout": {"type": "number", "maximum": MAX_TIMEOUT_MS},
        "description": {"type": "string"}, "run_in_background": {"type": "boolean"},
        "dangerouslyDisableSandbox": {"type": "boolean",
                                      "description": "No effect: workbench runs commands without a sandbox"}}}

    def extra_checks(self, tool_input: dict) -> str | None:
        if not tool_input["command"].strip():
            return "`command` is empty"
        if "timeout" in tool_input and tool_input["timeout"] <= 0:
            return "`timeout` must be a positive number of milliseconds"
        return None

    def permission_summary(self, tool_input: dict, ctx: ToolContext) -> str:
        described = tool_input.get("description")
        return tool_input.get("command", "") + (f"\n# {described}" if described else "")

    async def run(self, tool_input: dict, ctx: ToolContext) -> ToolResult:
        command = tool_input["command"]
        env = scrub_env(ctx.env or dict(os.environ))
        if tool_input.get("run_in_background"):
            return await ctx.shells.start(command, ctx.cwd, env, succeeded=lambda code: _succeeded(command, code))
        timeout_ms = min(int(tool_input.get("timeout", DEFAULT_TIMEOUT_MS)), MAX_TIMEOUT_MS)
        try:
            proc, stream, transport = await spawn_shell(command, ctx.cwd, env)
        except OSError as exc:
            return error(f"cannot run the command in {ctx.cwd}: {exc.strerror or exc}")
        output = _BoundedOutput()
        started = time.monotonic()
        timed_out = False
        reader = asyncio.ensure_future(output.read_from(stream))
        moved = False
        try:
            try:
                await asyncio.wait_for(proc.wait(), timeout_ms / 1000)
            except TimeoutError:
                timed_out = True
                if ctx.shells is not None and moves_to_background(command):
                    # A cancelled read leaves what it had not taken in the stream: the shell
                    # reads on from there.
                    reader.cancel()
                    await asyncio.wait([reader])
                    shell = ctx.shells.adopt(command, proc, stream, transport,
                                             succeeded=lambda code: _succeeded(command, code))
                    moved = True
                    return _moved(output, timeout_ms, shell.id, shell.output_path)
                await kill_group(proc)
            # Children left in the background may hold the pipe open; do not wait on them long.
            await asyncio.wait([reader], timeout=_GRACE_S)
        except asyncio.CancelledError:
            await kill_group(proc)
            raise
        finally:
            if not moved:
                reader.cancel()
                transport.close()
        return _result(command, proc.returncode, output, timed_out, timeout_ms,
                       int((time.monotonic() - started) * 1000))


class _BoundedOutput:
    """The head and tail of a stream, so a flood of output never fills memory."""

    def __init__(self) -> None:
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    async def read_from(self, stream: asyncio.StreamReader) -> None:
        while chunk := await stream.read(65536):
            self.total += len(chunk)
            room = _KEEP_BYTES - len(self.head)
            if room > 0:
                self.head += chunk[:room]
                chunk = chunk[room:]
            if chunk:
                self.tail += chunk
                del self.tail[:-_KEEP_BYTES]

    def text(self, cap: int) -> str:
        """The output, or its first and last `cap // 2` characters with a note of the cut."""
        complete = self.total == len(self.head) + len(self.tail)
        whole = (self.head + self.tail).decode(errors="replace") if complete else None
        if whole is not None and len(whole) <= cap:
            return whole
        half = cap // 2
        first = whole[:half] if whole is not None else self.head.decode(errors="replace")[:half]
        last = whole[-half:] if whole is not None else self.tail.decode(errors="replace")[-half:]
        return (f"{first}\n\n... [output cut: {self.total} bytes in all; showing the first and "
                f"last {half} characters] ...\n\n{last}")


def _result(command: str, code: int | None, output: _BoundedOutput, timed_out: bool,
            timeout_ms: int, duration_ms: int) -> ToolResult:
    failed = timed_out or not _succeeded(command, code)
    text = output.text(MAX_FAILURE_CHARS if failed else MAX_OUTPUT_CHARS)
    detail = {"stdout": text, "stderr": "", "interrupted": timed_out, "isImage": False,
              "exit_code": code, "durationMs": duration_ms}
    if timed_out:
        detail["timedOutAfterMs"] = timeout_ms
        return ToolResult(f"{text}\nCommand timed out after {timeout_ms} ms and was killed"
                          .lstrip("\n"), is_error=True, detail=detail)
    if failed:
        # As Claude Code: the exit code first, then the output.
        return ToolResult(f"Exit code {code}\n{text}".rstrip("\n"), is_error=True, detail=detail)
    return ToolResult(text if text.strip() else "(no output)", detail=detail)


def moves_to_background(command: str) -> bool:
    """Whether `command`, still running at its timeout, goes on in the background (else it is
    killed): not when it starts with `sleep`, runs git, or is several commands with a command or
    process substitution among them (Claude Code stops the compound commands it cannot parse; a
    substitution is where this splitter stops seeing commands)."""
    parts = split_command(command).parts
    words = [leading_words(part) for part in parts]
    if not words or not words[0] or words[0][0] == "sleep":
        return False
    if any(w and w[0] == "git" for w in words):
        return False
    return not (len(parts) > 1 and any(mark in command for mark in _SUBSTITUTIONS))


def _moved(output: _BoundedOutput, timeout_ms: int, shell_id: str, output_path: object) -> ToolResult:
    text = output.text(MAX_OUTPUT_CHARS)
    note = (f"Command did not complete within its {timeout_ms / 1000:g}s timeout and was moved to "
            f"the background with ID: {shell_id}. Its output is written to {output_path} (read it "
            f"with Read); stop it with TaskStop (task_id \"{shell_id}\").")
    detail = {"stdout": text, "stderr": "", "interrupted": False, "isImage": False,
              "backgroundTaskId": shell_id, "timedOutAfterMs": timeout_ms, "outputPath": str(output_path)}
    return ToolResult(f"{text}\n{note}".lstrip("\n"), detail=detail)


def _succeeded(command: str, code: int | None) -> bool:
    """Exit 0, or exit 1 from a command for which 1 means "no match" / "files differ"."""
    return code == 0 or (code == 1 and _exit_one_ok(command))


def _exit_one_ok(command: str) -> bool:
    parts = split_command(command).parts
    words = leading_words(parts[-1]) if parts else []
    if not words:
        return False
    return words[0] in _EXIT_ONE_OK or (words[0] == "git" and words[1:2] in (["diff"], ["grep"]))
