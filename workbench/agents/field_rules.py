"""Rules about the fields other than the tool lists, and the body (AG100–AG124, AG150–AG181)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from yaml.nodes import ScalarNode

from . import fields as f
from .document import scalar_text
from .ruletable import Report, fix
from .value_shapes import check_hooks, check_mcp_servers
from .yaml12 import compose, scalar_value

_NAME_STYLE = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$")
_TRIGGERS = ("use when", "use this agent", "proactively", "must be used", "<example>", "when ")
_MODEL_ID = re.compile(
    r"^(?:claude-[a-z0-9.-]+(?:\[1m\])?"
    r"|claude-[a-z0-9.-]+@[0-9]+"
    r"|(?:[a-z]{2,4}\.)?anthropic\.claude-[A-Za-z0-9.:-]+"
    r"|arn:aws[a-z-]*:bedrock:[A-Za-z0-9:/._-]+)$"
)
# Characters that cannot start plain text in YAML (they open syntax: flow, anchor, tag, …).
_INDICATORS = tuple("[]{}>|*&!%@`#,")
_LOWER_FIELDS = {name.lower(): name for name in f.FIELDS}


def check_keys(report: Report) -> None:
    """AG100 (a key that means a field), AG101 (any other unknown key) and AG174 (a hook event
    written as a top-level key)."""
    doc = report.doc
    for key, span in doc.key_spans.items():
        if key in f.FIELDS:
            continue
        if key in f.TOP_LEVEL_HOOK_EVENTS and doc.fields[key] not in (None, []):
            report.add("AG174", span,
                       f"`{key}` is a hook event, not a field: it belongs under `hooks:`. Claude "
                       "Code skips a file with it at the top level. Move it under `hooks:`.")
            continue
        meant = _meant_field(key)
        if meant is None:
            report.add("AG101", span,
                       f"`{key}` is not a field Claude Code reads; it is ignored. Remove it, "
                       "or keep it if another tool reads it.")
            continue
        edit = None
        if meant not in doc.fields:
            source = doc.text[span.start : span.end]
            if source == key:
                edit = fix(f"Rename `{key}` to `{meant}`", True, (span.start, span.end, meant))
        advice = (f"`{meant}` is already set, so remove this one." if meant in doc.fields
                  else f"Did you mean `{meant}`?")
        report.add("AG100", span,
                   f"`{key}` is not a field, so Claude Code ignores it silently. {advice}", edit)


@lru_cache(maxsize=1024)
def _meant_field(key: str) -> str | None:
    if key in f.KNOWN_MISTAKES:
        return f.KNOWN_MISTAKES[key]
    folded = key.replace("-", "").replace("_", "").lower()
    if folded in _LOWER_FIELDS:
        return _LOWER_FIELDS[folded]
    close = difflib.get_close_matches(key, list(f.FIELDS), n=1, cutoff=0.8)
    return close[0] if close else None


def check_name(report: Report, context) -> None:
    """AG110–AG115."""
    doc = report.doc
    if "name" not in doc.fields:
        report.add("AG110", report.line_one(),
                   "No `name`: Claude Code skips this file. Add `name: <lowercase-with-hyphens>`.")
        return
    value = doc.fields["name"]
    span = doc.value_spans["name"]
    if not isinstance(value, str):
        node = doc.value_nodes["name"]
        edit = None
        if isinstance(node, ScalarNode) and value is not None:
            escaped = node.value.replace("\\", "\\\\").replace('"', '\\"')
            edit = fix("Quote the name", True, (span.start, span.end, f'"{escaped}"'))
        report.add("AG111", span,
                   f"`name` is {_kind(value)}, not text, so Claude Code skips this file. "
                   "Quote it.", edit)
        return
    why = _name_invalid(value)
    if why:
        report.add("AG112", span,
                   f"`name` {why}, so Claude Code skips this file. Use lowercase letters, digits "
                   "and hyphens.")
        return
    if not _NAME_STYLE.match(value) or not 3 <= len(value) <= 50:
        suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
        hint = f" e.g. `{suggestion}`" if _NAME_STYLE.match(suggestion or "") else ""
        report.add("AG113", span,
                   f"`{value}` loads, but names should be 3–50 lowercase letters, digits and "
                   f"hyphens, starting and ending with a letter or digit{hint}.")
    if doc.path is not None:
        file_name = doc.path.name
        dot = file_name.rfind(".")
        stem = file_name[:dot] if 0 < dot < len(file_name) - 1 else file_name  # Path.stem
        folder = doc.path.parent.name if file_name.lower() == "agent.md" else None
        if value not in (stem, folder):
            report.add("AG114", span,
                       f"The agent is called `{value}` but the file is `{file_name}`; "
                       "Claude Code goes by `name` only. Rename one to match.")
    if value in f.BUILTIN_AGENT_NAMES:
        report.add("AG115", span,
                   f"`{value}` is a built-in agent's name: this file replaces the built-in one. "
                   "Rename it unless that is what you want.")


def _name_invalid(value: str) -> str | None:
    """Why Claude Code refuses a text name (empty, over 256 characters, a leading `-`, a `:`
    after NFKC normalisation), or None."""
    if not value.strip():
        return "is empty"
    if len(value) > 256:
        return f"is {len(value):,} characters long, over Claude Code's limit of 256"
    if value.startswith("-"):
        return "starts with `-`"
    if ":" in value:
        return "contains `:`"
    if not value.isascii() and ":" in unicodedata.normalize("NFKC", value):
        colon = next((ch for ch in value if ":" in unicodedata.normalize("NFKC", ch)), None)
        return (f"contains `{colon}`, which Unicode normalisation (NFKC) turns into `:`"
                if colon else "contains `:` after Unicode normalisation (NFKC)")
    return None


def _kind(value) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "not text"


def check_description(report: Report) -> None:
    """AG120–AG124."""
    doc = report.doc
    if "description" not in doc.fields:
        report.add("AG120", report.line_one(),
                   "No `description`: Claude Code skips this agent. Add one saying when to use it.")
        return
    value = doc.fields["description"]
    span = doc.value_spans["description"]
    if not isinstance(value, str) or value == "":
        what = "empty" if value is None or value == "" else f"{_kind(value)}, not text"
        quote = (" Quote it to keep it as text, or write"
                 if isinstance(value, (bool, int, float)) else " Write")
        report.add("AG121", span,
                   f"`description` is {what}, so Claude Code skips this agent.{quote} one line "
                   "of text saying when to use it.")
        return
    text = value
    if not 10 <= len(text) <= 5000 or not text.strip():
        if not text.strip():
            report.add("AG122", span,
                       "The description is only whitespace: Claude Code loads the agent but "
                       "has nothing to delegate on. Say what it does and when to use it.")
            return
        which = "shorter than 10" if len(text) < 10 else "longer than 5,000"
        report.add("AG122", span,
                   f"The description is {which} characters ({len(text):,}); Claude Code "
                   "delegates on it, and the whole text goes into every turn's context. "
                   "Aim for a sentence or two, plus examples if needed.")
    _check_fragile(report, span)
    low = text.lower()
    for trigger in _TRIGGERS:
        if trigger in low:
            break
    else:
        report.add("AG124", span,
                   "The description does not say when to use the agent, so Claude rarely "
                   "delegates to it. Add e.g. \"Use when …\" or \"Use proactively after …\".")


def _check_fragile(report: Report, span) -> None:
    doc = report.doc
    text = doc.text
    node = doc.value_nodes["description"]
    first = text[span.start : span.start + 1]
    repaired = bool(doc.repairs) and any(r.key == "description" for r in doc.repairs)
    if not isinstance(node, ScalarNode) or (node.style and not repaired):
        return
    line_end = text.find("\n", span.end)
    line_end = len(text) if line_end == -1 else line_end
    trailing = text[span.end : line_end]
    if not repaired and re.match(r"[ \t]+#", trailing):
        whole = text[span.start : line_end].rstrip(" \t\r")
        escaped = whole.replace("\\", "\\\\").replace('"', '\\"')
        report.add("AG123", (span.start, span.start + len(whole)),
                   "The ` #` starts a YAML comment: everything after it is cut from the "
                   "description. Quote the whole text to keep it.",
                   fix("Quote the whole description", False,
                       (span.start, span.start + len(whole), f'"{escaped}"')))
    elif first in _INDICATORS:
        report.add("AG123", span,
                   f"The description starts with `{first}`, a YAML indicator: strict parsers "
                   "read it as syntax, not text. Quote it.")
    elif not node.style and node.start_mark.line != node.end_mark.line:
        report.add("AG123", span,
                   "The description is a plain value continued over several lines: some "
                   "tools misread it. Make it a `>-` block.", _folded_fix(doc, span, node))


def _folded_fix(doc, span, node):
    """The same value as a `>-` block; offered only when it parses back to the same text."""
    source = doc.text[span.start : span.end]
    eol = "\r\n" if "\r\n" in source else "\n"  # keep the file's line endings
    lines = [line.strip() for line in source.split("\n")]
    block = ">-" + eol + eol.join(("  " + line) if line else "" for line in lines)
    try:
        parsed = compose("description: " + block + "\n")
        same = scalar_value(parsed.value[0][1]) == node.value
    except Exception:  # noqa: BLE001 - a rewrite that does not parse is not offered
        same = False
    return fix("Rewrite as a `>-` block", True, (span.start, span.end, block)) if same else None


def check_values(report: Report, context) -> None:
    """AG150–AG172: model, permissionMode, plugin-ignored keys and the smaller fields."""
    doc = report.doc
    flds = doc.fields
    vs = doc.value_spans
    if "model" in flds:
        model = flds["model"]
        if not _model_ok(model):
            shown = "empty" if model in (None, "") else f"`{scalar_text(model)}`"
            close = difflib.get_close_matches(str(model), f.MODEL_ALIASES + ("inherit",), n=1)
            hint = f" Did you mean `{close[0]}`?" if close else ""
            report.add("AG150", vs["model"],
                       f"The model {shown} is neither an alias (sonnet, opus, haiku, fable, "
                       f"inherit, …) nor a model id: spawning the agent will fail.{hint}")
    if "permissionMode" in flds:
        mode = flds["permissionMode"]
        if mode not in f.PERMISSION_MODES or not isinstance(mode, str):
            close = difflib.get_close_matches(str(mode), f.PERMISSION_MODES, n=1)
            hint = f" Did you mean `{close[0]}`?" if close else ""
            report.add("AG160", vs["permissionMode"],
                       f"`{scalar_text(mode)}` is not a permission mode; Claude Code ignores it "
                       f"and the agent uses the parent's mode.{hint}")
        elif mode == "bypassPermissions":
            report.add("AG161", vs["permissionMode"],
                       "`bypassPermissions`: this agent's tools run without asking. Use "
                       "`acceptEdits` or `default` unless that is intended.")
    if _in_plugin(doc, context):
        for key in ("hooks", "mcpServers", "permissionMode"):
            if key in flds:
                report.add("AG162", doc.key_spans[key],
                           f"Claude Code ignores `{key}` in a plugin's agents (for security). "
                           "Move it to the user's settings or remove it.")
    if "maxTurns" in flds and not _positive_int(flds["maxTurns"]):
        report.add("AG163", vs["maxTurns"],
                   "`maxTurns` must be a positive whole number; Claude Code ignores this value.")
    if "skills" in flds:
        _check_string_or_list(report, "skills", "AG164", "skill names")
    if "mcpServers" in flds:
        check_mcp_servers(report)
    if "hooks" in flds:
        check_hooks(report)
    _check_choice(report, "memory", "AG167", f.MEMORY_SCOPES, "the agent gets no memory")
    if "background" in flds and flds["background"] not in (True, False, "true", "false"):
        report.add("AG168", vs["background"],
                   "`background` must be `true` or `false`; Claude Code treats this as false.")
    if "effort" in flds:
        effort = flds["effort"]
        if not (effort in f.EFFORT_LEVELS and isinstance(effort, str)) and not (
            isinstance(effort, int) and not isinstance(effort, bool)
        ):
            report.add("AG169", vs["effort"],
                       "`effort` must be low, medium, high, xhigh, max or a number; Claude Code "
                       "ignores this value.")
    _check_choice(report, "isolation", "AG170", ("worktree",), "the agent runs in place")
    _check_color(report)
    if "initialPrompt" in flds and not isinstance(flds["initialPrompt"], str):
        report.add("AG172", vs["initialPrompt"],
                   "`initialPrompt` must be text; Claude Code ignores this value.")


def _model_ok(model) -> bool:
    if not isinstance(model, str):
        return False
    model = model.strip()
    return model in f.MODEL_ALIASES or model.lower() == "inherit" or bool(_MODEL_ID.match(model))


def _positive_int(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value > 0
    if isinstance(value, float):
        return value.is_integer() and value > 0
    return isinstance(value, str) and value.strip().isdigit() and int(value.strip()) > 0


def _check_string_or_list(report: Report, key: str, code: str, what: str) -> None:
    doc = report.doc
    value = doc.fields[key]
    if isinstance(value, str):
        return
    if isinstance(value, list):
        for item, span in zip(value, doc.item_spans.get(key, [])):
            if not isinstance(item, str):
                report.add(code, span, f"`{key}` items must be {what} (text); Claude Code "
                           "drops this one.")
        return
    report.add(code, doc.key_spans[key],
               f"`{key}` must be a comma-separated string or a list of {what}; Claude Code "
               "ignores this value.")


def _check_choice(report: Report, key, code, allowed, effect) -> None:
    doc = report.doc
    if key not in doc.fields:
        return
    value = doc.fields[key]
    if isinstance(value, str) and value in allowed:
        return
    close = difflib.get_close_matches(str(value), allowed, n=1)
    hint = f" Did you mean `{close[0]}`?" if close else ""
    report.add(code, doc.value_spans[key],
               f"`{key}` must be one of {', '.join(allowed)}; Claude Code ignores "
               f"`{scalar_text(value)}` and {effect}.{hint}")


def _check_color(report: Report) -> None:
    doc = report.doc
    if "color" not in doc.fields:
        return
    value = doc.fields["color"]
    if isinstance(value, str) and value in f.COLORS:
        return
    span = doc.value_spans["color"]
    edit = None
    if isinstance(value, str) and value.lower() in f.COLORS:
        source = doc.text[span.start : span.end]
        edit = fix(f"Write `{value.lower()}`", True, (span.start, span.end, source.lower()))
    report.add("AG171", span,
               f"`{scalar_text(value)}` is not one of Claude Code's colours "
               f"({', '.join(f.COLORS)}), so it is dropped silently.", edit)


def _in_plugin(doc, context) -> bool:
    if context is not None and context.in_plugin is not None:
        return context.in_plugin
    return doc.path is not None and _plugin_root_above(doc.path.resolve().parent)


@lru_cache(maxsize=256)
def _plugin_root_above(folder: Path) -> bool:
    for parent in (folder, *folder.parents):
        if (parent / ".claude-plugin" / "plugin.json").is_file():
            return True
    return False


def check_body(report: Report) -> None:
    """AG180 and AG181."""
    doc = report.doc
    body = doc.body
    span = doc.body_span
    if len(body) < 20:
        where = span if body else report.line_one()
        report.add("AG180", where,
                   f"The system prompt (the body) is {'empty' if not body else 'very short'}: "
                   "the agent gets almost no instructions. Describe its role, steps and output.")
    elif len(body) > 10_000:
        first_line_end = doc.text.find("\n", span.start, span.end)
        end = span.end if first_line_end == -1 else first_line_end
        report.add("AG181", (span.start, end),
                   f"The system prompt is {len(body):,} characters (about {len(body) // 4:,} "
                   "tokens), sent on every turn of this agent. Consider trimming it.")

