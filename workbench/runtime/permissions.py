"""The permission policy: which tool calls run, which ask the person, which are refused.

Modes (the agent's `permissionMode`, the settings file, `--permission-mode`):

| mode | reads | file edits | Bash, WebFetch |
|---|---|---|---|
| `default` (alias `manual`) | run | ask | ask |
| `acceptEdits` | run | run (inside the workspace) | ask |
| `plan` | run | refused | refused |
| `bypassPermissions` | run | run | run |
| `dontAsk` | run | refused unless a rule allows | refused unless a rule allows |
| `auto` | run | run | ask (workbench has no safety classifier, so it is `acceptEdits`) |

Always-allow rules turn an "ask" into "run" (never a `plan` refusal): `Tool` (the whole tool),
`Bash(git status:*)` (prefix, on a word boundary), `Bash(npm run *)` (wildcard), `Bash(npm run test)`
(exact), `WebFetch(domain:example.com)` (`*.example.com` for subdomains), `Edit(src/**)` (path glob;
`Edit` rules cover Edit, Write, MultiEdit and NotebookEdit, as in Claude Code). A compound command
(`a && b`, `a; b`, `a | b`) is allowed only when every part is; a command with a substitution or a
file redirection is never allowed by a Bash pattern rule. Confinement to the workspace applies in
every mode, `bypassPermissions` included.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from workbench.runtime.tools.base import Tool, ToolContext
from workbench.runtime.tools.confine import OutsideWorkspace, resolve_in_roots
from workbench.runtime.tools.globs import glob_regex
from workbench.runtime.tools.shellwords import split_command

MODES = ("default", "acceptEdits", "plan", "bypassPermissions", "dontAsk", "auto")
_MODE_ALIASES = {"manual": "default"}
EDIT_TOOLS = ("Edit", "Write", "MultiEdit", "NotebookEdit")
# Tools whose second word names the real action (`git push`, `npm install`): suggest both words.
_TWO_WORD_COMMANDS = {"git", "npm", "pnpm", "yarn", "cargo", "go", "docker", "kubectl", "pip",
                      "pip3", "uv", "poetry", "make", "gh", "bun", "deno", "dotnet", "mvn", "gradle"}
_RULE_RE = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*(?:\((.*)\))?\s*$", re.S)

Decision = Literal["allow", "ask", "deny"]


@dataclass(frozen=True)
class Verdict:
    """What to do with one call. `by` is `mode`, `rule` or `sandbox`; `rule_suggestion` is the rule
    that "always allow" would add when the decision is `ask`."""

    decision: Decision
    reason: str = ""
    by: str = "mode"
    rule_suggestion: str = ""


@dataclass(frozen=True)
class Rule:
    """An always-allow rule: a tool name and an optional specifier."""

    tool: str
    specifier: str | None = None

    def __str__(self) -> str:
        return self.tool if self.specifier is None else f"{self.tool}({self.specifier})"


def normalise_mode(mode: str | None) -> str:
    """The canonical mode name (`manual` -> `default`); ValueError naming the valid ones."""
    if mode is None:
        return "default"
    mode = _MODE_ALIASES.get(mode, mode)
    if mode not in MODES:
        raise ValueError(f"unknown permission mode {mode!r}; use one of {', '.join(MODES)}, manual")
    return mode


def parse_rule(text: str) -> Rule:
    """`Tool` or `Tool(specifier)`; ValueError with a one-line reason for anything else."""
    match = _RULE_RE.match(text)
    if not match:
        raise ValueError(f"bad permission rule {text!r}: expected Tool or Tool(specifier)")
    tool, spec = match.group(1), match.group(2)
    if spec is not None:
        spec = spec.strip()
        if spec in ("", "*"):
            spec = None
    if tool == "WebFetch" and spec is not None and not spec.startswith("domain:"):
        raise ValueError(f"bad permission rule {text!r}: WebFetch rules look like WebFetch(domain:host)")
    return Rule(tool, spec)


class PermissionPolicy:
    """Decides each call from the mode and the always-allow rules."""

    def __init__(self, mode: str | None = "default", allow_rules=()):
        """`mode` must be valid (ValueError otherwise); a malformed rule is skipped and its
        message kept in `problems`, so one bad line in the settings file does not stop a run."""
        self.mode = normalise_mode(mode)
        self.rules: list[Rule] = []
        self.problems: list[str] = []
        for rule in allow_rules:
            try:
                self.allow_always(rule)
            except ValueError as exc:
                self.problems.append(str(exc))

    def allow_always(self, rule: str | Rule) -> None:
        """Add a rule for the rest of the session (the "always allow" answer)."""
        parsed = rule if isinstance(rule, Rule) else parse_rule(rule)
        if parsed not in self.rules:
            self.rules.append(parsed)

    def check(self, tool: Tool, tool_input: dict, ctx: ToolContext) -> Verdict:
        """The verdict for one validated call."""
        kind = tool.kind
        if kind in ("edit", "read"):
            outside = _outside_workspace(tool_input, ctx)
            if outside:
                return Verdict("deny", outside, by="sandbox")
        if kind in ("read", "agent", "other"):
            return Verdict("allow", by="mode")
        if self.mode == "bypassPermissions":
            return Verdict("allow", by="mode")
        if self.mode == "plan":
            does = {"edit": "edits files", "execute": "runs commands"}.get(kind, "fetches from the web")
            return Verdict("deny", f"plan mode is read-only, and {tool.name} {does}")
        if kind == "edit" and self.mode in ("acceptEdits", "auto"):
            return Verdict("allow", by="mode")
        if self._rules_allow(tool.name, tool_input, ctx):
            return Verdict("allow", by="rule")
        if self.mode == "dontAsk":
            return Verdict("deny", f"{tool.name} is not pre-approved by a rule (dontAsk mode)")
        return Verdict("ask", f"{tool.name} needs permission",
                       rule_suggestion=suggest_rule(tool.name, self._still_to_allow(tool.name, tool_input)))

    def _still_to_allow(self, name: str, tool_input: dict) -> dict:
        """For Bash, the first part of a compound command that no rule allows yet (the one a
        suggested rule should cover); other tools' input unchanged."""
        if name != "Bash":
            return tool_input
        rules = [r for r in self.rules if r.tool == "Bash" and r.specifier]
        parts = split_command(str(tool_input.get("command", ""))).parts
        pending = [p for p in parts if not any(_command_matches(r.specifier, p) for r in rules)]
        return {**tool_input, "command": pending[0]} if pending else tool_input

    def _rules_allow(self, name: str, tool_input: dict, ctx: ToolContext) -> bool:
        rules = [r for r in self.rules if _covers(r.tool, name)]
        if not rules:
            return False
        if any(r.specifier is None for r in rules):
            return True
        if name == "Bash":
            return _bash_allowed(str(tool_input.get("command", "")), rules)
        if name == "WebFetch":
            host = (urlsplit(str(tool_input.get("url", ""))).hostname or "").lower()
            return any(_domain_matches(r.specifier, host) for r in rules)
        if name in EDIT_TOOLS:
            raw = tool_input.get("file_path") or tool_input.get("notebook_path") or ""
            return any(_path_matches(r.specifier, str(raw), ctx) for r in rules)
        return False


def _covers(rule_tool: str, name: str) -> bool:
    if rule_tool == name:
        return True
    return rule_tool == "Edit" and name in EDIT_TOOLS


def _outside_workspace(tool_input: dict, ctx: ToolContext) -> str:
    for key in ("file_path", "notebook_path", "path"):
        raw = tool_input.get(key)
        if isinstance(raw, str) and raw:
            try:
                resolve_in_roots(raw, ctx)
            except OutsideWorkspace as exc:
                return str(exc)
    return ""


def _bash_allowed(command: str, rules: list[Rule]) -> bool:
    split = split_command(command)
    exact = {r.specifier for r in rules if not _is_pattern(r.specifier)}
    if command.strip() in exact:
        return True
    if split.opaque or not split.parts:
        return False
    return all(any(_command_matches(r.specifier, part) for r in rules) for part in split.parts)


def _is_pattern(spec: str) -> bool:
    return spec.endswith(":*") or "*" in spec


def _command_matches(spec: str, part: str) -> bool:
    part = " ".join(part.split())
    if spec.endswith(":*"):
        prefix = " ".join(spec[:-2].split())
        return part == prefix or part.startswith(prefix + " ")
    if "*" in spec:
        pattern = re.escape(" ".join(spec.split())).replace(r"\*", ".*")
        # `npm run *` also covers plain `npm run`, as Claude Code's trailing wildcard does.
        if pattern.endswith(r"\ .*"):
            pattern = pattern[:-4] + r"(\ .*)?"
        return re.fullmatch(pattern, part, re.S) is not None
    return part == " ".join(spec.split())


def _domain_matches(spec: str, host: str) -> bool:
    domain = spec.removeprefix("domain:").strip().lower()
    if domain.startswith("*."):
        return host.endswith(domain[1:])
    return host == domain


def _path_matches(spec: str, raw: str, ctx: ToolContext) -> bool:
    try:
        target = resolve_in_roots(raw, ctx)
    except OutsideWorkspace:
        return False
    if spec.startswith("//"):
        base, pattern = Path("/"), spec[2:]
    elif spec.startswith("~/"):
        base, pattern = Path(os.path.expanduser("~")), spec[2:]
    else:
        # `/src/**` and `src/**` are both relative to the workspace, as in Claude Code's settings.
        base, pattern = ctx.cwd, spec.lstrip("/")
    try:
        relative = target.relative_to(base.resolve()).as_posix()
    except ValueError:
        return False
    return glob_regex(pattern).fullmatch(relative) is not None


def suggest_rule(name: str, tool_input: dict) -> str:
    """The rule "always allow" would add: a prefix rule for Bash, a domain rule for WebFetch."""
    if name == "Bash":
        command = str(tool_input.get("command", ""))
        parts = split_command(command).parts
        words = parts[0].split() if parts else []
        if not words:
            return "Bash"
        if "=" in words[0]:
            # `VAR=x cmd` changes what cmd does, so only the exact command is a safe rule.
            return f"Bash({command.strip()})"
        keep = words[:1]
        if words[0] in _TWO_WORD_COMMANDS and len(words) > 1 and not words[1].startswith("-"):
            keep = words[:2]
            if words[1] == "run" and len(words) > 2 and not words[2].startswith("-"):
                keep = words[:3]
        return f"Bash({' '.join(keep)}:*)"
    if name == "WebFetch":
        host = urlsplit(str(tool_input.get("url", ""))).hostname
        return f"WebFetch(domain:{host})" if host else "WebFetch"
    if name in EDIT_TOOLS:
        return "Edit"
    return name
