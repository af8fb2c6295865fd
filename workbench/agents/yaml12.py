"""YAML 1.2 core-schema reading with PyYAML: a loader, node-to-value conversion, 1.1 comparison.

PyYAML resolves plain scalars with YAML 1.1 rules (`yes` is a boolean, `1:30` a number, `012`
octal). Claude Code's parsers (Bun.YAML, the npm `yaml` package) use the 1.2 core schema, so the
loader here swaps the implicit resolvers and converts nodes itself. Values are built from the
composed node graph with a budget, so recursive or exploding aliases end in a clean error.
"""

from __future__ import annotations

import math
import re

import yaml
from yaml.nodes import ScalarNode, SequenceNode

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


class Yaml12Loader(_BaseLoader):
    """The C safe loader (when built) with YAML 1.2 core-schema implicit resolvers."""

    # The parser calls these back for every node; PyYAML's versions are general (path resolvers,
    # wildcard resolvers), and there are none here, so these do only what is needed.
    def resolve(self, kind, value, implicit):
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is SequenceNode else _MAP

    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass


Yaml12Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    (_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    (_NULL, r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (_INT, r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        _FLOAT,
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
):
    Yaml12Loader.add_implicit_resolver(_tag, re.compile(_pattern), _first)
# First character ('' for an empty value) -> the resolvers to try, in order.
_IMPLICIT = {first: tuple(pairs) for first, pairs in Yaml12Loader.yaml_implicit_resolvers.items()}
assert not Yaml12Loader.yaml_path_resolvers and None not in _IMPLICIT

_YAML11 = yaml.resolver.Resolver()
# Plain scalars whose first character starts no YAML 1.1 implicit type are text there too (y/n
# aside, which `yaml11_reading` treats as booleans).
YAML11_TYPED_FIRSTS = frozenset(_YAML11.yaml_implicit_resolvers)


class AliasError(Exception):
    """The node graph cannot become plain values (recursive or exploding aliases)."""


# Values reached again through aliases; real frontmatter reuses a handful, alias bombs billions.
ALIAS_BUDGET = 100_000


def compose(text: str):
    """Compose YAML text into a node (or None for an empty document) with 1.2 resolution."""
    return _Composer(text).get_single_node()


if _BaseLoader is getattr(yaml, "CSafeLoader", None):

    class _Composer(Yaml12Loader):
        """Yaml12Loader for composing only: the C parser without the constructor's and resolver's
        state, which a node graph does not use (and which costs a few calls per document)."""

        def __init__(self, stream) -> None:
            yaml.cyaml.CParser.__init__(self, stream)

else:
    _Composer = Yaml12Loader


def scalar_value(node: ScalarNode):
    """The 1.2 core-schema value of a scalar node."""
    tag, value = node.tag, node.value
    if tag == _STR:
        return value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return value in ("true", "True", "TRUE")
    if tag == _INT:
        if value.startswith("0o"):
            return int(value[2:], 8)
        if value.startswith("0x"):
            return int(value[2:], 16)
        return int(value)
    if tag == _FLOAT:
        low = value.lower()
        if low.endswith(".inf"):
            return -math.inf if low.startswith("-") else math.inf
        if low == ".nan":
            return math.nan
        return float(value)
    # Explicit tags (`!!binary`, `!custom`): Claude Code's parsers keep the text.
    return value


class _Builder:
    __slots__ = ("budget", "active", "seen")

    def __init__(self) -> None:
        self.budget = ALIAS_BUDGET
        self.active: set[int] = set()
        self.seen: set[int] = set()

    def build(self, node):
        key = id(node)
        # Only a node reached again (through an alias) costs: a long honest list is never refused.
        if key in self.seen:
            self.budget -= 1
            if self.budget < 0:
                raise AliasError("the YAML's aliases expand to too many values (an alias bomb)")
        else:
            self.seen.add(key)
        if isinstance(node, ScalarNode):
            return scalar_value(node)
        if key in self.active:
            raise AliasError("the YAML refers to itself through an alias")
        self.active.add(key)
        try:
            if isinstance(node, SequenceNode):
                return [self.build(item) for item in node.value]
            result: dict = {}
            # No merge keys: in YAML 1.2 `<<` is an ordinary key, as in Claude Code's parsers.
            for k, v in node.value:
                result[hashable_key(self.build(k))] = self.build(v)
            return result
        finally:
            self.active.discard(key)


def build_values(nodes) -> list:
    """Plain Python values of some nodes, with one budget for all of them; raises `AliasError`
    on recursive or exploding aliases."""
    builder = _Builder()
    seen = builder.seen
    values = []
    for node in nodes:
        # A scalar met for the first time is what `build` would make of it, without the call.
        if node.__class__ is ScalarNode and id(node) not in seen:
            seen.add(id(node))
            values.append(scalar_value(node))
        else:
            values.append(builder.build(node))
    return values


def hashable_key(key) -> object:
    """A mapping key as JavaScript would hold it: a string for anything not already a string."""
    if isinstance(key, str):
        return key
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


# What `yaml11_reading` returns when YAML 1.1 agrees with 1.2.
SAME = object()
YAML11_YN = frozenset({"y", "Y", "n", "N"})


def yaml11_reading(node: ScalarNode) -> object:
    """How YAML 1.1 (PyYAML's default, many other tools) would read a plain scalar, or a sentinel
    `SAME` when it reads it as 1.2 does."""
    if node.value in YAML11_YN:
        # YAML 1.1's boolean set includes y/n, which PyYAML's resolver leaves out.
        return node.value in ("y", "Y")
    if node.tag == _STR and node.value[:1] not in YAML11_TYPED_FIRSTS:
        return SAME
    tag11 = _YAML11.resolve(ScalarNode, node.value, (True, False))
    if tag11 == node.tag:
        if tag11 == _INT and _int11(node.value) != scalar_value(node):
            return _int11(node.value)
        return SAME
    if tag11 == _BOOL:
        return node.value.lower() in ("yes", "true", "on", "y")
    if tag11 == _INT:
        return _int11(node.value)
    if tag11 == _FLOAT:
        return "a number"
    if tag11 == "tag:yaml.org,2002:timestamp":
        return "a date"
    if tag11 == _NULL:
        return None
    return "a string"


def _int11(value: str):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_int(
            _YAML11_CONSTRUCTOR, ScalarNode(_INT, value)
        )
    except (ValueError, TypeError):
        return value


_YAML11_CONSTRUCTOR = yaml.constructor.SafeConstructor()
