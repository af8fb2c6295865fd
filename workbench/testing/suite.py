"""Parsing a suite file (`.claude/agent-tests/*.yaml`): the contract in issue 16.

Every unknown key and bad value is a `SuiteError` naming the file, line and column (from yaml's
node marks), raised before anything runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUITE_KEYS = ("agent", "repeat", "pass_rate", "permission_mode", "allow", "cases")
CASE_KEYS = ("name", "prompt", "workspace", "files", "assert", "repeat", "pass_rate", "permission_mode", "allow")
# assertion kind -> the shape of its value
ASSERTION_KINDS = {
    "tool_called": "tool", "tool_not_called": "str",
    "output_contains": "str", "output_matches": "regex", "output_not_contains": "str",
    "file_contains": "file_text", "file_exists": "path", "file_unchanged": "path",
    "command": "str",
    "max_tool_calls": "int", "max_turns": "int", "max_cost_usd": "number", "max_duration_s": "number",
    "judge": "str", "delegates_to": "str",
}
NOT_SUPPORTED: tuple[str, ...] = ()


class SuiteError(Exception):
    """A suite file that cannot run; the message starts with `file:line:column:`."""


@dataclass(frozen=True)
class Assertion:
    kind: str
    value: Any
    options: dict[str, Any] = field(default_factory=dict)  # tool_called's `with`

    def label(self) -> str:
        return f"{self.kind}: {self.value}"


@dataclass
class Case:
    name: str
    prompt: str
    assertions: list[Assertion]
    repeat: int
    pass_rate: float
    permission_mode: str
    allow: list[str]
    workspace: Path | None = None
    files: dict[str, str] = field(default_factory=dict)


@dataclass
class Suite:
    path: Path
    agent: str
    cases: list[Case]


def _where(path: Path, node: Any) -> str:
    mark = node.start_mark
    return f"{path}:{mark.line + 1}:{mark.column + 1}"


class _Reader:
    def __init__(self, path: Path):
        self.path = path

    def fail(self, node: Any, message: str) -> SuiteError:
        return SuiteError(f"{_where(self.path, node)}: {message}")

    def mapping(self, node: Any, what: str) -> list[tuple[str, Any, Any]]:
        from yaml import MappingNode, ScalarNode

        if not isinstance(node, MappingNode):
            raise self.fail(node, f"{what} must be a mapping")
        out, seen = [], set()
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                raise self.fail(key, f"{what}: keys must be plain names")
            if key.value in seen:
                raise self.fail(key, f"{what}: {key.value!r} given twice")
            seen.add(key.value)
            out.append((key.value, key, value))
        return out

    def scalar(self, node: Any, what: str) -> Any:
        from yaml import ScalarNode
        import yaml

        if not isinstance(node, ScalarNode):
            raise self.fail(node, f"{what} must be a single value")
        # The composed node has its resolved tag already: construct it (serialising each value
        # and parsing it again cost more than composing the whole file).
        return yaml.constructor.SafeConstructor().construct_object(node)

    def string(self, node: Any, what: str) -> str:
        value = self.scalar(node, what)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(node, f"{what} must be a non-empty string")
        return value

    def integer(self, node: Any, what: str, minimum: int) -> int:
        value = self.scalar(node, what)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(node, f"{what} must be a whole number of at least {minimum}")
        return value

    def number(self, node: Any, what: str) -> float:
        value = self.scalar(node, what)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise self.fail(node, f"{what} must be a number of at least 0")
        return float(value)

    def rate(self, node: Any) -> float:
        value = self.number(node, "pass_rate")
        if value > 1:
            raise self.fail(node, "pass_rate must be between 0 and 1")
        return value

    def mode(self, node: Any) -> str:
        from workbench.runtime.permissions import normalise_mode

        try:
            return normalise_mode(self.string(node, "permission_mode"))
        except ValueError as exc:
            raise self.fail(node, str(exc)) from None

    def rules(self, node: Any) -> list[str]:
        from yaml import SequenceNode

        from workbench.runtime.permissions import parse_rule

        if not isinstance(node, SequenceNode):
            raise self.fail(node, "allow must be a list of rules")
        rules = []
        for item in node.value:
            rule = self.string(item, "an allow rule")
            try:
                parse_rule(rule)
            except ValueError as exc:
                raise self.fail(item, str(exc)) from None
            rules.append(rule)
        return rules

    def regex(self, node: Any, what: str) -> str:
        value = self.string(node, what)
        try:
            re.compile(value)
        except re.error as exc:
            raise self.fail(node, f"{what}: bad regular expression ({exc})") from None
        return value


def load_suite(path: str | Path) -> Suite:
    """Read and check one suite file; SuiteError for anything wrong in it."""
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SuiteError(f"{path}: cannot read ({exc})") from None
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: 5x faster
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise SuiteError(f"{where}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    if root is None:
        raise SuiteError(f"{path}: empty suite file")
    r = _Reader(path)
    agent = None
    defaults: dict[str, Any] = {"repeat": 3, "pass_rate": 1.0, "permission_mode": "acceptEdits", "allow": []}
    cases_node = None
    for key, key_node, value in r.mapping(root, "the suite"):
        if key == "agent":
            agent = r.string(value, "agent")
        elif key == "cases":
            cases_node = value
        elif not _setting(r, key, value, defaults):
            raise r.fail(key_node, f"unknown key {key!r}; expected one of {', '.join(SUITE_KEYS)}")
    if agent is None:
        raise r.fail(root, "the suite has no `agent`")
    from yaml import SequenceNode

    if cases_node is None:
        raise r.fail(root, "the suite has no `cases`")
    if not isinstance(cases_node, SequenceNode) or not cases_node.value:
        raise r.fail(cases_node, "cases must be a non-empty list")
    cases, names = [], set()
    for node in cases_node.value:
        case = _case(r, node, defaults)
        if case.name in names:
            raise r.fail(node, f"case name {case.name!r} used twice")
        names.add(case.name)
        cases.append(case)
    return Suite(path, agent, cases)


def _setting(r: _Reader, key: str, value: Any, into: dict[str, Any]) -> bool:
    """Read a key a suite sets for its cases and a case may override (repeat, pass_rate,
    permission_mode, allow) into `into`; False for any other key."""
    if key == "repeat":
        into["repeat"] = r.integer(value, "repeat", 1)
    elif key == "pass_rate":
        into["pass_rate"] = r.rate(value)
    elif key == "permission_mode":
        into["permission_mode"] = r.mode(value)
    elif key == "allow":
        into["allow"] = r.rules(value)
    else:
        return False
    return True


def _case(r: _Reader, node: Any, defaults: dict[str, Any]) -> Case:
    from yaml import SequenceNode

    values = dict(defaults)
    name = prompt = None
    workspace = None
    files: dict[str, str] = {}
    assertions: list[Assertion] | None = None
    for key, key_node, value in r.mapping(node, "a case"):
        if key == "name":
            name = r.string(value, "name")
        elif key == "prompt":
            prompt = r.string(value, "prompt")
        elif key == "workspace":
            folder = (r.path.parent / r.string(value, "workspace")).resolve()
            if not folder.is_dir():
                raise r.fail(value, f"workspace {folder}: not a folder")
            workspace = folder
        elif key == "files":
            for fkey, fkey_node, fvalue in r.mapping(value, "files"):
                _relative(r, fkey_node, fkey)
                content = r.scalar(fvalue, f"files[{fkey}]")
                if not isinstance(content, str):
                    raise r.fail(fvalue, f"files[{fkey}] must be text")
                files[fkey] = content
        elif key == "assert":
            if not isinstance(value, SequenceNode):
                raise r.fail(value, "assert must be a list of assertions")
            assertions = [_assertion(r, item) for item in value.value]
            _routing_alone(r, value.value, assertions)
        elif not _setting(r, key, value, values):
            raise r.fail(key_node, f"unknown key {key!r} in a case; expected one of {', '.join(CASE_KEYS)}")
    if name is None:
        raise r.fail(node, "a case needs a `name`")
    if prompt is None:
        raise r.fail(node, f"case {name!r} needs a `prompt`")
    if not assertions:
        raise r.fail(node, f"case {name!r} needs at least one assertion under `assert`")
    return Case(name, prompt, assertions, values["repeat"], values["pass_rate"], values["permission_mode"],
                list(values["allow"]), workspace, files)


def _relative(r: _Reader, node: Any, text: str) -> str:
    p = Path(text)
    if not text.strip() or p.is_absolute() or ".." in p.parts:
        raise r.fail(node, f"{text!r}: must be a path inside the workspace")
    return text


def _assertion(r: _Reader, node: Any) -> Assertion:
    items = r.mapping(node, "an assertion")
    kind, key_node, value = items[0] if items else (None, node, None)
    if kind in NOT_SUPPORTED:
        raise r.fail(key_node, f"{kind}: not supported yet")
    if kind not in ASSERTION_KINDS:
        raise r.fail(key_node, f"unknown assertion {kind!r}; expected one of "
                               f"{', '.join([*ASSERTION_KINDS, *NOT_SUPPORTED])}")
    shape = ASSERTION_KINDS[kind]
    options: dict[str, Any] = {}
    extra = items[1:]
    if shape == "tool":
        for okey, okey_node, ovalue in extra:
            if okey != "with":
                raise r.fail(okey_node, f"unknown key {okey!r} beside tool_called; expected with")
            options["with"] = {k: r.regex(v, f"with.{k}") for k, _, v in r.mapping(ovalue, "with")}
        return Assertion(kind, r.string(value, kind), options)
    if extra:
        raise r.fail(extra[0][1], f"unknown key {extra[0][0]!r}: one assertion per list item")
    if kind == "delegates_to":  # checked against the catalog before anything runs: keep its place
        return Assertion(kind, r.string(value, kind), {"where": _where(r.path, value)})
    if shape == "str":
        return Assertion(kind, r.string(value, kind))
    if shape == "regex":
        return Assertion(kind, r.regex(value, kind))
    if shape == "path":
        return Assertion(kind, _relative(r, value, r.string(value, kind)))
    if shape == "int":
        return Assertion(kind, r.integer(value, kind, 0))
    if shape == "number":
        return Assertion(kind, r.number(value, kind))
    # file_contains: {path, text}
    parts = {k: (kn, v) for k, kn, v in r.mapping(value, kind)}
    for k, (kn, _) in parts.items():
        if k not in ("path", "text"):
            raise r.fail(kn, f"unknown key {k!r} in {kind}; expected path, text")
    if "path" not in parts or "text" not in parts:
        raise r.fail(value, f"{kind} needs `path` and `text`")
    fpath = _relative(r, parts["path"][1], r.string(parts["path"][1], f"{kind}.path"))
    return Assertion(kind, {"path": fpath, "text": r.string(parts["text"][1], f"{kind}.text")})


def _routing_alone(r: _Reader, nodes: list[Any], assertions: list[Assertion]) -> None:
    """A `delegates_to` case runs no agent (one routing request), so nothing else can be checked
    in it: its only assertion is that one."""
    if len(assertions) > 1 and any(a.kind == "delegates_to" for a in assertions):
        other = next(i for i, a in enumerate(assertions) if a.kind != "delegates_to" or i > 0)
        raise r.fail(nodes[other], "a case with delegates_to runs no agent and checks only where the task "
                                   "is sent: delegates_to must be its only assertion (put other checks "
                                   "in a case of their own)")
