"""An agent file parsed the way Claude Code reads it, with the text range of everything in it.

The parsing model is rules.md's: Claude Code's `---` delimiters (the frontmatter ends at the first
`---` after the opening line, anywhere; a BOM skipped), a strict YAML 1.2
parse of the frontmatter, Claude Code's quote-and-retry repair when that fails, and the `\\n` rule
for `description`. Positions of keys, values and list entries are offsets into the original text,
also after a repair (the repair only adds quotes and escapes inside single lines, so offsets map
back exactly outside those values and approximately inside them).
"""

from __future__ import annotations

import bisect
import re
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .diagnostics import LineIndex
from .toolnames import split_tools_with_offsets
from .yaml12 import AliasError, build_values, compose, hashable_key

# Claude Code's "simple line" test. Since 2.1.337 a CRLF line's `\r` stays after the quoted value
# (2.1.332 and older never matched such a line, so their repair failed on CRLF files).
_REPAIR_LINE = re.compile(r"([A-Za-z_-]+):\s+([^\r\n\u2028\u2029]+)\r?\Z")
_REPAIR_TRIGGER = re.compile(r"[{}\[\]*&#!|>%@`]|: ")
# Fields whose string form is a comma/space separated list.
_LIST_STRING_FIELDS = ("tools", "disallowedTools")
# libyaml recurses once per nesting level; deeper input than this is refused before it starts.
_MAX_NESTING = 400
_BRACKETS = re.compile(r"[\[\]{}]")
_NON_SPACE = re.compile(r"\S")
# Block indicators (and anchors or tags between them) chained on one line: each opens a level.
_INDICATOR_CHAIN = re.compile(r"(?:(?:[-?:]|[&!][^\s]*)[ \t]+){%d}" % _MAX_NESTING)

State = str  # "no_frontmatter" | "unclosed" | "strict" | "repaired" | "unrecoverable" |
#              "not_mapping" | "too_large"


class Span(NamedTuple):
    """A range of the text: `text[start:end]`."""

    start: int
    end: int


# `Span(a, b)` goes through a generated Python `__new__`; the hot loops build spans directly.
_new_tuple = tuple.__new__


class ParseProblem(NamedTuple):
    """Why a YAML parse failed, and where (an offset into the original text)."""

    message: str
    offset: int


class Repair(NamedTuple):
    """One line Claude Code's retry rewrites: the value at `span` becomes `quoted`."""

    key: str
    span: Span
    quoted: str


class AgentFileError(Exception):
    """An agent file that cannot be read as text; the message is one line for the user."""


class AgentDocument:
    """An agent file: frontmatter and body spans, the fields Claude Code sees, and their ranges.

    A plain class with a dataclass's constructor, equality and repr (`dataclasses` costs
    `workbench lint` more to import than the class is worth)."""

    def __init__(
        self,
        text: str,
        path: Path | None,
        state: State,
        has_frontmatter: bool,
        frontmatter_span: Span | None,
        body_span: Span,
        fields: dict | None,
        key_spans: dict[str, Span] | None = None,
        value_spans: dict[str, Span] | None = None,
        item_spans: dict[str, list[Span]] | None = None,
        value_nodes: dict | None = None,
        duplicate_keys: list[tuple[str, Span, Span]] | None = None,
        strict_error: ParseProblem | None = None,
        repair_error: ParseProblem | None = None,
        repairs: list[Repair] | None = None,
    ) -> None:
        self.text = text
        self.path = path
        self.state = state
        self.has_frontmatter = has_frontmatter
        self.frontmatter_span = frontmatter_span
        self.body_span = body_span
        self.fields = fields
        self.key_spans = {} if key_spans is None else key_spans
        self.value_spans = {} if value_spans is None else value_spans
        self.item_spans = {} if item_spans is None else item_spans
        # The YAML node of each top-level value (for style questions: quoted, block, multi-line).
        self.value_nodes = {} if value_nodes is None else value_nodes
        # (key, the overridden occurrence's key span, the winning occurrence's key span).
        self.duplicate_keys = [] if duplicate_keys is None else duplicate_keys
        self.strict_error = strict_error
        self.repair_error = repair_error
        self.repairs = [] if repairs is None else repairs
        # The runs of leading tabs the repair turned into two spaces each.
        self.tab_repairs: list[Span] = []
        # Read from bytes: (character offset, byte offset) of the first byte that is not UTF-8.
        self.invalid_utf8: tuple[int, int] | None = None
        # Read from bytes with NULs early on: "UTF-16LE"/"UTF-16BE", or "binary".
        self.raw_kind: str | None = None
        # The file's size in bytes when read from disk and over the limit (AG010).
        self.byte_size: int | None = None
        # Maps an index into the YAML that was parsed (strict or repaired) to an offset of `text`.
        self._to_text = None
        # The split entries of a `tools`/`disallowedTools` string, kept from the parse.
        self._split: dict = {}

    # What equality and repr look at (not the nodes, nor the private helpers).
    _COMPARED = (
        "text", "path", "state", "has_frontmatter", "frontmatter_span", "body_span", "fields",
        "key_spans", "value_spans", "item_spans", "duplicate_keys", "strict_error",
        "repair_error", "repairs",
    )

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self._COMPARED)

    __hash__ = None  # mutable, compared by value

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._COMPARED)
        return f"{type(self).__name__}({shown})"

    @classmethod
    def parse(cls, text: str, path: str | Path | None = None) -> AgentDocument:
        """Parse an agent file's text. Never raises: problems show up in `state` and the errors."""
        return _parse(text, path if path is None or isinstance(path, Path) else Path(path))

    @cached_property
    def lines(self) -> LineIndex:
        """Offset <-> (line, column) for this text; built on first use (most keystrokes need none)."""
        return LineIndex(self.text)

    @property
    def body(self) -> str:
        """The system prompt: everything after the frontmatter, trimmed."""
        return self.text[self.body_span.start : self.body_span.end]

    @property
    def frontmatter(self) -> str | None:
        """The YAML text between the delimiter lines, or None."""
        span = self.frontmatter_span
        return None if span is None else self.text[span.start : span.end]

    def field_value(self, key: str, default=None):
        """The value of a field as Claude Code sees it, or `default`."""
        return default if self.fields is None else self.fields.get(key, default)

    @property
    def name(self):
        """The `name` value as parsed (any YAML type), or None."""
        return self.field_value("name")

    @property
    def description(self) -> str | None:
        """The description as text (numbers and booleans as Claude Code reads them), or None."""
        value = self.field_value("description")
        if value is None or isinstance(value, (list, dict)):
            return None
        return scalar_text(value)

    @property
    def tools(self) -> list[str] | None:
        """The `tools` entries Claude Code reads (split string or string items), or None."""
        entries = self.tool_entries("tools")
        return None if entries is None else [entry for entry, _ in entries]

    @property
    def disallowed_tools(self) -> list[str] | None:
        """The `disallowedTools` entries, like `tools`."""
        entries = self.tool_entries("disallowedTools")
        return None if entries is None else [entry for entry, _ in entries]

    @property
    def model(self):
        """The `model` value as parsed, or None."""
        return self.field_value("model")

    @property
    def color(self):
        """The `color` value as parsed, or None."""
        return self.field_value("color")

    @property
    def permission_mode(self):
        """The `permissionMode` value as parsed, or None."""
        return self.field_value("permissionMode")

    @property
    def max_turns(self):
        """The `maxTurns` value as parsed, or None."""
        return self.field_value("maxTurns")

    def tool_entries(self, key: str) -> list[tuple[str, Span]] | None:
        """The entries of `tools`/`disallowedTools` with their ranges: split from a string, or the
        string items of a list (Claude Code drops other items). None when absent or another type."""
        if self.fields is None or key not in self.fields:
            return None
        value = self.fields[key]
        spans = self.item_spans.get(key, [])
        if isinstance(value, str):
            entries = self._split.get(key)
            return list(zip(entries if entries is not None else _split_values(value), spans))
        if isinstance(value, list):
            return [(item, span) for item, span in zip(value, spans) if isinstance(item, str)]
        if value is None:
            return []
        return None

    def text_offset(self, yaml_index: int) -> int:
        """The offset in `text` of an index into the parsed YAML (strict or repaired)."""
        return self._to_text(yaml_index) if self._to_text else yaml_index


def scalar_text(value) -> str:
    """A scalar as JavaScript's String() would print it (how Claude Code reads a number name)."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return str(value)


# Claude Code skips an agent file larger than this many bytes (AG010).
MAX_AGENT_FILE_BYTES = 1_048_576


def read_agent_file(path: str | Path) -> AgentDocument:
    """Read and parse an agent file as Claude Code reads it: bytes that are not UTF-8 become
    U+FFFD (AG011), a file over 1 MiB is not parsed (AG010). Raises `AgentFileError` with a
    one-line reason only when the file cannot be read at all (an I/O failure)."""
    path = path if isinstance(path, Path) else Path(path)
    try:
        # Plain `open`: `Path.read_bytes` makes a second path object per file.
        with open(path, "rb") as handle:
            data = handle.read()
    except IsADirectoryError:
        raise AgentFileError(f"{path}: is a folder, not a file") from None
    except FileNotFoundError:
        raise AgentFileError(f"{path}: no such file") from None
    except PermissionError:
        raise AgentFileError(f"{path}: permission denied") from None
    except OSError as exc:
        raise AgentFileError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return document_from_bytes(data, path)


def document_from_bytes(data: bytes, path: Path | None = None) -> AgentDocument:
    """Decode as Claude Code does (UTF-8, U+FFFD for bad bytes) and parse; the document records
    where the first bad byte was, and whether the bytes look like UTF-16 or binary."""
    invalid = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", "replace")
        # The prefix before the first bad byte is valid, so its length in characters is exact.
        invalid = (len(data[: exc.start].decode("utf-8")), exc.start)
    kind = None
    if data.find(b"\x00", 0, 8192) != -1:
        # UTF-16 text (what some Windows editors save) is full of NUL bytes too, but it is text.
        kind = _utf16_variant(data) or "binary"
    document = _parse(text, path, len(data))
    document.invalid_utf8 = invalid
    document.raw_kind = kind
    return document


def _utf16_variant(data: bytes) -> str | None:
    """"UTF-16" (with its byte order) when `data` looks like UTF-16 text, by its BOM or, without
    one, by NUL bytes in every other place of mostly-ASCII text; else None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16LE" if data[:2] == b"\xff\xfe" else "UTF-16BE"
    sample = data[:8192]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) == 0:
        return "UTF-16LE"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) == 0:
        return "UTF-16BE"
    return None


def _split_values(value: str) -> list[str]:
    return [entry for entry, _, _ in split_tools_with_offsets(value)]


def _parse(text: str, path: Path | None, size: int | None = None) -> AgentDocument:
    start = 1 if text.startswith("\ufeff") else 0
    first_end = text.find("\n", start)
    first_line = text[start : first_end if first_end != -1 else len(text)]
    opened = first_line.rstrip(" \t\r") == "---"
    if _over_size_limit(text, size):
        document = AgentDocument(text, path, "too_large", opened, None, Span(0, 0), None)
        document.byte_size = size
        return document
    if not opened:
        return AgentDocument(text, path, "no_frontmatter", False, None,
                             _trimmed(text, start, len(text)), None)
    # Claude Code's pattern `^---\s*\n([\s\S]*?)---\s*\n?`: the frontmatter ends at the first
    # `---` after the opening line, wherever it is (inside a value, or the start of a `-----`).
    close_start = text.find("---", first_end + 1) if first_end != -1 else -1
    if close_start == -1:
        return AgentDocument(text, path, "unclosed", True, None,
                             _trimmed(text, start, len(text)), None)
    fm = Span(first_end + 1, close_start)
    document = AgentDocument(text, path, "strict", True, fm,
                             _trimmed(text, close_start + 3, len(text)), None)
    _read_frontmatter(document, text[fm.start : fm.end], fm.start)
    return document


def _over_size_limit(text: str, size: int | None) -> bool:
    """Whether the file is over Claude Code's 1 MiB limit: `size` bytes when read from disk,
    else the text's UTF-8 length (measured only when it could be over: a character is at most
    four bytes)."""
    if size is not None:
        return size > MAX_AGENT_FILE_BYTES
    if len(text) * 4 <= MAX_AGENT_FILE_BYTES:
        return False
    return len(text) > MAX_AGENT_FILE_BYTES or (
        len(text.encode("utf-8", "surrogatepass")) > MAX_AGENT_FILE_BYTES)


def whole_delimiter_line(text: str, at: int) -> bool:
    """Whether the `---` at `at` is a whole line: at a line start, followed only by blanks."""
    if at > 0 and text[at - 1] != "\n":
        return False
    end = at + 3
    length = len(text)
    while end < length and text[end] in " \t\r":
        end += 1
    return end == length or text[end] == "\n"


def _trimmed(text: str, start: int, end: int) -> Span:
    """`text[start:end]` without surrounding whitespace (as `str.strip` sees it), found without
    copying the body: the leading run by a search, the trailing one (a line end or two, in
    practice) by stepping back, or by `rstrip` when it is long."""
    found = _NON_SPACE.search(text, start, end)
    if found is None:
        return Span(end, end)
    begin = found.start()
    stop = end
    while text[stop - 1].isspace():  # text[begin] is not whitespace: the loop stops there
        stop -= 1
        if end - stop > 64:
            return Span(begin, begin + len(text[begin:end].rstrip()))
    return Span(begin, stop)


def _read_frontmatter(document: AgentDocument, yaml_text: str, base: int) -> None:
    def shift(index: int) -> int:
        return base + index

    try:
        node, values = _strict_parse(yaml_text)
        document._to_text = shift
    except _ParseFailure as failure:
        document.strict_error = ParseProblem(failure.message, base + failure.index)
        repairs, tabs, repaired_text, to_original = _simulate_repair(yaml_text, base)
        document.repairs = repairs
        document.tab_repairs = tabs
        if not repairs and not tabs:
            document.repair_error = document.strict_error
            document.state = "unrecoverable"
            return
        try:
            node, values = _strict_parse(repaired_text)
        except _ParseFailure as again:
            document.repair_error = ParseProblem(again.message, to_original(again.index))
            document.state = "unrecoverable"
            return
        document._to_text = to_original
        document.state = "repaired"
    if node is None:
        document.fields = {}
        return
    if not isinstance(node, MappingNode):
        document.state = "not_mapping"
        return
    _collect_fields(document, node, values)


class _ParseFailure(Exception):
    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.message = message
        self.index = index


def _strict_parse(yaml_text: str):
    """Compose and build; returns (root node, {id(value node): value}) or raises _ParseFailure."""
    if _too_deep(yaml_text):
        raise _ParseFailure(f"the YAML nests more than {_MAX_NESTING} levels deep", 0)
    try:
        node = compose(yaml_text)
        if not isinstance(node, MappingNode):
            return node, {}
        nodes = [v for _, v in node.value]
        return node, dict(zip(map(id, nodes), build_values(nodes)))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(filter(None, [exc.context, exc.problem]))
        raise _ParseFailure(message or "invalid YAML", mark.index if mark else 0) from None
    except yaml.reader.ReaderError as exc:
        raise _ParseFailure(f"{exc.reason} (character {exc.character!r})", exc.position) from None
    except AliasError as exc:
        raise _ParseFailure(str(exc), 0) from None
    except RecursionError:
        raise _ParseFailure("the YAML nests too deeply", 0) from None
    except (yaml.YAMLError, UnicodeError, ValueError, OverflowError) as exc:
        raise _ParseFailure(str(exc).splitlines()[0] if str(exc) else "invalid YAML", 0) from None


def _too_deep(yaml_text: str) -> bool:
    """Flow brackets, or block indicators chained on one line (`- - ? - …`), nested deeper than
    libyaml's recursive composer survives. Indentation alone cannot nest that deep in a file of a
    few megabytes (each level needs a longer line)."""
    count = yaml_text.count
    if count("[") + count("{") < _MAX_NESTING and count("- ") + count("? ") + count(": ") < _MAX_NESTING:
        return False
    depth = deepest = 0
    for match in _BRACKETS.finditer(yaml_text):
        depth = depth + 1 if match.group() in "[{" else max(0, depth - 1)
        deepest = max(deepest, depth)
    return deepest > _MAX_NESTING or _INDICATOR_CHAIN.search(yaml_text) is not None


def _simulate_repair(yaml_text: str, base: int):
    """Claude Code's retry: each line's leading tabs become two spaces each, and simple top-level
    values that need it are double-quoted (flow lists left alone). Returns (quote repairs, the
    leading-tab runs rewritten, rewritten YAML, index -> text offset)."""
    repairs: list[Repair] = []
    tabs: list[Span] = []
    out: list[str] = []
    # (repaired start, original start, repaired end, original end, kind): kind "q" is a quoted
    # value (one quote added before it), "t" a run of tabs (each became two spaces).
    segments: list[tuple[int, int, int, int, str]] = []
    shift = 0
    offset = 0
    for line in yaml_text.split("\n"):
        if line.startswith("\t"):
            count = len(line) - len(line.lstrip("\t"))
            tabs.append(Span(base + offset, base + offset + count))
            r_start = offset + shift
            segments.append((r_start, offset, r_start + 2 * count, offset + count, "t"))
            shift += count
            out.append("  " * count + line[count:])
        else:
            match = _REPAIR_LINE.match(line)
            value = match.group(2) if match else None
            if (value and not _is_quoted(value) and _REPAIR_TRIGGER.search(value)
                    and not _is_flow_list(value)):
                quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
                v_start = offset + match.start(2)
                v_end = offset + match.end(2)
                repairs.append(Repair(match.group(1), Span(base + v_start, base + v_end), quoted))
                r_start = v_start + shift
                segments.append((r_start, v_start, r_start + len(quoted), v_end, "q"))
                shift += len(quoted) - len(value)
                out.append(line[: match.start(2)] + quoted + line[match.end(2):])
            else:
                out.append(line)
        offset += len(line) + 1
    starts = [seg[0] for seg in segments]

    def to_original(index: int) -> int:
        pos = bisect.bisect_right(starts, index) - 1
        if pos < 0:
            return base + index
        r_start, o_start, r_end, o_end, kind = segments[pos]
        if index >= r_end:
            return base + index - (r_end - o_end)
        if kind == "t":
            return base + o_start + (index - r_start) // 2
        return base + min(o_start + max(0, index - r_start - 1), o_end)

    return repairs, tabs, "\n".join(out), to_original


def _is_flow_list(value: str) -> bool:
    """A value the repair leaves alone: `[`…`]` that YAML reads as a sequence on its own."""
    if not (value.startswith("[") and value.endswith("]")) or _too_deep(value):
        return False
    try:
        return isinstance(compose(value), SequenceNode)
    except Exception:  # noqa: BLE001 - anything that does not parse is no flow list
        return False


def _is_quoted(value: str) -> bool:
    return value[0] == value[-1] == '"' or value[0] == value[-1] == "'"


def _collect_fields(document: AgentDocument, root: MappingNode, values: dict) -> None:
    text = document.text
    # A strict parse maps by a constant shift; only a repaired one needs the mapping function.
    base = document.frontmatter_span.start if document.state == "strict" else None
    to_text = document.text_offset
    fields: dict = {}
    key_spans = document.key_spans
    value_spans = document.value_spans
    value_nodes = document.value_nodes
    item_spans = document.item_spans

    def span_of(node) -> Span:
        if base is not None:
            start = base + node.start_mark.index
            end = base + node.end_mark.index
        else:
            start = to_text(node.start_mark.index)
            end = to_text(node.end_mark.index)
            if end < start:
                end = start
        while end > start and text[end - 1] in " \t\r\n":
            end -= 1
        return _new_tuple(Span, (start, end))

    for key_node, value_node in root.value:
        if isinstance(key_node, ScalarNode):
            key = values.get(id(key_node), key_node.value)
            if key.__class__ is not str:
                key = hashable_key(key)
            key_span = span_of(key_node)
        else:
            key_span = span_of(key_node)
            key = text[key_span.start : key_span.end]
        if key in key_spans:
            document.duplicate_keys.append((key, key_spans[key], key_span))
            item_spans.pop(key, None)  # the earlier occurrence's items must not linger
            document._split.pop(key, None)
        value = values[id(value_node)]
        if key == "description" and isinstance(value, str):
            value = value.replace("\\n", "\n")
        fields[key] = value
        key_spans[key] = key_span
        value_span = span_of(value_node)
        if isinstance(value_node, ScalarNode) and value_node.value == "" and not value_node.style:
            # An empty value: point just after the colon rather than at the next line.
            colon = text.find(":", key_span.end, value_span.start + 1)
            value_span = Span(colon + 1, colon + 1) if colon != -1 else Span(key_span.end, key_span.end)
        if isinstance(value_node, SequenceNode):
            item_spans[key] = [span_of(item) for item in value_node.value]
        elif key in _LIST_STRING_FIELDS and isinstance(value, str):
            entries = _split_values(value)
            document._split[key] = entries
            item_spans[key] = _entry_spans(text, entries, value_span)
        value_spans[key] = value_span
        value_nodes[key] = value_node
    document.fields = fields


def _entry_spans(text: str, entries: list[str], value_span: Span) -> list[Span]:
    """Each split entry's range: found in the source in order (exact for plain and simply
    quoted values); the whole value when escapes or folding hide it."""
    source = text[value_span.start : value_span.end]
    spans = []
    cursor = 0
    for entry in entries:
        found = source.find(entry, cursor)
        if found == -1:
            spans.append(value_span)
            continue
        start = value_span.start + found
        spans.append(_new_tuple(Span, (start, start + len(entry))))
        cursor = found + len(entry)
    return spans
