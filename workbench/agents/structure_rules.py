"""Rules about the file's shape: delimiters, YAML validity, line endings, keys, scalars (AG001–AG009)."""

from __future__ import annotations

import math
import re

from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .document import whole_delimiter_line
from .fields import FIELDS
from .ruletable import Report, fix
from .yaml12 import SAME, YAML11_TYPED_FIRSTS, YAML11_YN, compose, scalar_value, yaml11_reading

_STR_TAG = "tag:yaml.org,2002:str"

# A line that starts a top-level key: where a broken multi-line value ends.
_TOP_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*:(?:\s|$)")


def check_structure(report: Report) -> None:
    """AG001–AG007, AG010, AG011: size, encoding, delimiters, the strict parse, the repair, CRLF,
    a frontmatter cut short."""
    doc = report.doc
    if doc.state == "too_large":
        size = doc.byte_size or len(doc.text.encode("utf-8", "surrogatepass"))
        report.add("AG010", report.line_one(),
                   f"The file is {size:,} bytes, over Claude Code's limit of 1,048,576 (1 MiB), "
                   "so it skips it and reads none of its fields. Shorten the system prompt.")
        return
    _check_encoding(report)
    if doc.state == "no_frontmatter":
        report.add("AG001", report.line_one(),
                   "No frontmatter: the file does not start with a `---` line, so Claude Code "
                   "reads no name and skips it. Start the file with `---`, the fields, then `---`.")
        return
    _check_crlf(report)
    if doc.state == "unclosed":
        start = 1 if doc.text.startswith("\ufeff") else 0
        report.add("AG002", (start, start + 3),
                   "The frontmatter is never closed: no `---` follows the opening line, so "
                   "Claude Code reads no fields and skips the file. Add a `---` line after the "
                   "last field.")
        return
    _check_cut(report)
    if doc.state == "unrecoverable":
        _check_unrecoverable(report)
    elif doc.state == "not_mapping":
        span = doc.frontmatter_span
        chunk = doc.text[span.start : span.end]
        start = span.start + len(chunk) - len(chunk.lstrip())
        report.add("AG005", (start, span.start + len(chunk.rstrip())),
                   "The frontmatter is not a mapping of fields (it is a single value or a list), "
                   "so Claude Code reads no fields. Write `key: value` lines.")
    elif doc.state == "repaired":
        _check_repaired(report)


def _check_encoding(report: Report) -> None:
    """AG011: bytes that are not UTF-8 (read from disk), which Claude Code reads as U+FFFD."""
    doc = report.doc
    utf16 = doc.raw_kind if doc.raw_kind and doc.raw_kind.startswith("UTF-16") else None
    if doc.invalid_utf8 is None and utf16 is None:
        return
    if utf16 is not None:
        report.add("AG011", report.line_one(),
                   f"The file is {utf16} text, not UTF-8: Claude Code reads it as UTF-8 (bad "
                   "bytes as U+FFFD, `\ufffd`), so it sees no `---` and no fields. Save it as "
                   "UTF-8.")
        return
    offset, byte = doc.invalid_utf8
    line, column = doc.lines.position(offset)
    report.add("AG011", report.line_one(),
               f"The file has bytes that are not UTF-8, the first at line {line} column {column} "
               f"(byte {byte:,}): Claude Code reads each as U+FFFD (`\ufffd`), so those "
               "characters are lost. Save the file as UTF-8.")


def _check_crlf(report: Report) -> None:
    text = report.doc.text
    # A one-character search is a memchr; the two-character one scans ~30 times slower.
    if "\r" not in text or "\r\n" not in text:
        return
    # One edit from the first CRLF to the last: the same result as one edit per line ending,
    # without a million edit objects for a huge file.
    first = text.find("\r\n")
    last = text.rfind("\r\n") + 2
    report.add("AG006", report.line_one(),
               "The file uses CRLF line endings: some tools misread the delimiters, and Claude "
               "Code before 2.1.337 skips such a file when its YAML needs repair. Convert it to LF.",
               fix("Convert CRLF line endings to LF", True,
                   (first, last, text[first:last].replace("\r\n", "\n"))))


def _check_cut(report: Report) -> None:
    """AG007: the frontmatter ended at a `---` that is not a whole `---` line."""
    doc = report.doc
    text = doc.text
    at = doc.frontmatter_span.end
    if whole_delimiter_line(text, at):
        return
    line_start = text.rfind("\n", 0, at) + 1
    key = _TOP_KEY.match(text, line_start)
    if at == line_start:
        where = "a `---` that starts a longer line"
    elif key is not None:
        where = f"`---` inside the value of `{key.group().split(':')[0]}`, which is cut short there"
    else:
        where = "`---` inside a value, which is cut short there"
    # The keys between the cut and the `---` line the author meant as the end become body text.
    lost = []
    pos = _next_line(text, at, len(text))
    while pos < len(text):
        if text.startswith("---", pos) and whole_delimiter_line(text, pos):
            break
        match = _TOP_KEY.match(text, pos)
        if match is not None:
            lost.append(f"`{match.group().split(':')[0]}`")
        pos = _next_line(text, pos, len(text))
    if pos >= len(text):
        lost = []  # no `---` line follows: nothing shows where the fields were meant to end
    keys = (f" The keys after it ({', '.join(dict.fromkeys(lost))}) become part of the body, "
            "so Claude Code does not read them." if lost else "")
    report.add("AG007", (at, at + 3),
               f"Claude Code ends the frontmatter at the first `---`, here: {where}; it reads "
               f"only the text before it as fields and the rest as the system prompt.{keys} "
               "Strict parsers and GitHub end it at a `---` line instead. Reword the text "
               "without `---`.")


def _line_span(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    end = len(text) if end == -1 else end
    if end > start and text[end - 1] == "\r":
        end -= 1
    return start, end


def _check_unrecoverable(report: Report) -> None:
    doc = report.doc
    problem = doc.repair_error or doc.strict_error
    crlf = "\r\n" in doc.text[doc.frontmatter_span.start : doc.frontmatter_span.end]
    why = (" Its repair (quoting simple values) does not work with CRLF line endings."
           if crlf else "")
    line, column = doc.lines.position(problem.offset)
    report.add("AG003", _line_span(doc.text, problem.offset),
               f"The frontmatter is not valid YAML ({problem.message}, line {line} column "
               f"{column}) and Claude Code's repair "
               f"fails too, so it reads no fields and skips the agent.{why} Quote the value, or "
               "make a multi-line value a `|` block with indented lines.",
               _block_scalar_fix(doc, problem.offset))


def _block_scalar_fix(doc, offset: int):
    """Rewrite the field value broken over unindented lines as a `|` block, when that makes the
    frontmatter parse: the value runs from the field line at or above the error to the next line
    that starts a known field."""
    span = doc.frontmatter_span
    text = doc.text
    key_line = None
    pos = span.start
    while pos < span.end and pos <= offset:
        if _field_at(text, pos):
            key_line = pos
        pos = _next_line(text, pos, span.end)
    if key_line is None:
        return None
    first_end = _next_line(text, key_line, span.end) - 1
    end = first_end + 1
    while end < span.end and not _field_at(text, end):
        end = _next_line(text, end, span.end)
    colon = text.index(":", key_line)
    first_value = text[colon + 1 : first_end].strip()
    rest = text[first_end + 1 : end].rstrip("\r\n").split("\n")
    if first_value[:1] in ("|", ">") or end <= first_end + 1:
        return None
    lines = ([first_value] if first_value else []) + [line.rstrip("\r") for line in rest]
    eol = "\r\n" if text[first_end - 1 : first_end] == "\r" else "\n"  # keep the file's endings
    block = " |" + eol + eol.join(("  " + line) if line.strip() else "" for line in lines) + eol
    candidate = text[span.start : colon + 1] + block + text[end : span.end]
    try:
        if not isinstance(compose(candidate), MappingNode):
            return None
    except Exception:  # noqa: BLE001 - any parse failure means the rewrite does not help
        return None
    return fix("Rewrite the value as a `|` block scalar", False, (colon + 1, end, block))


def _field_at(text: str, pos: int) -> bool:
    match = _TOP_KEY.match(text, pos)
    return match is not None and match.group().split(":")[0] in FIELDS


def _next_line(text: str, pos: int, limit: int) -> int:
    nl = text.find("\n", pos, limit)
    return limit if nl == -1 else nl + 1


def _check_repaired(report: Report) -> None:
    doc = report.doc
    problem_line = _line_span(doc.text, doc.strict_error.offset)
    spans = [r.span for r in doc.repairs] + list(doc.tab_repairs)
    target = next((span for span in spans if problem_line[0] <= span.start <= problem_line[1]),
                  min(spans))
    done = []
    if doc.repairs:
        done.append("quoting " + ", ".join(dict.fromkeys(f"`{r.key}`" for r in doc.repairs)))
    if doc.tab_repairs:
        done.append("turning leading tabs into spaces")
    line, column = doc.lines.position(doc.strict_error.offset)
    edits = [(r.span.start, r.span.end, r.quoted) for r in doc.repairs]
    edits += [(span.start, span.end, "  " * (span.end - span.start)) for span in doc.tab_repairs]
    edits.sort()
    advice = "Quote the value" if doc.repairs else "Indent with spaces"
    report.add("AG004", target,
               f"Not valid YAML ({doc.strict_error.message}, line {line} column {column}): Claude "
               f"Code loads it only by {' and '.join(done)} itself, and GitHub and other tools "
               f"reject it. {advice}.",
               fix("Rewrite it as Claude Code reads it", True, *edits))


def check_keys_and_scalars(report: Report) -> None:
    """AG008 (duplicate keys) and AG009 (scalars YAML 1.1 reads differently)."""
    doc = report.doc
    for key, lost, kept in doc.duplicate_keys:
        line, _ = doc.lines.position(kept.start)
        report.add("AG008", lost,
                   f"`{key}` appears again on line {line}; that one wins and this one is ignored. "
                   "Remove one of them.")
    seen: set[int] = set()
    stack = list(doc.value_nodes.values())
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            if node.style:
                continue
            value = node.value
            # Most plain values are text that YAML 1.1 cannot read as anything else.
            if (node.tag == _STR_TAG and value[:1] not in YAML11_TYPED_FIRSTS
                    and value not in YAML11_YN):
                continue
            _check_scalar(report, node)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            stack.extend(v for _, v in node.value)


def _check_scalar(report: Report, node: ScalarNode) -> None:
    other = yaml11_reading(node)
    if other is SAME:
        return
    doc = report.doc
    start = doc.text_offset(node.start_mark.index)
    end = doc.text_offset(node.end_mark.index)
    value = node.value
    number = scalar_value(node) if node.tag.endswith((":int", ":float")) else None
    if number is not None:
        replacement = repr(number)
        reads = f"the number {replacement}"
        # Writing out an overflowing float would turn it into text; offer nothing then.
        edit = (fix(f"Write it as {replacement}", True, (start, end, replacement))
                if math.isfinite(number) else None)
    else:
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        reads = "text" if node.tag.endswith(":str") else f"`{value}`"
        edit = fix("Quote it", True, (start, end, f'"{escaped}"'))
    described = other if isinstance(other, str) and other.startswith("a ") else repr(other)
    if isinstance(other, bool):
        described = "true" if other else "false"
    report.add("AG009", (start, end),
               f"`{value}` is {reads} to Claude Code (YAML 1.2) but {described} to YAML 1.1 "
               "parsers such as PyYAML. Quote it so every tool reads the same.",
               edit)
