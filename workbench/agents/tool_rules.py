"""Rules about `tools` and `disallowedTools` (AG130–AG141, AG177)."""

from __future__ import annotations

from . import toolnames as tn
from .fields import MEMORY_SCOPES
from .ruletable import Report, fix

_LISTS = ("tools", "disallowedTools")
# Entries that are exactly a tool a subagent gets: no rule but the duplicate check has anything to
# say about them (they are most entries, so they skip the rest).
_PLAIN_OK = (tn.CURRENT_TOOLS | set(tn.ALIASES) | tn.INTERNAL_TOOLS) - tn.UNAVAILABLE_TO_SUBAGENTS - {
    "ExitPlanMode"
}


def check_tools(report: Report) -> None:
    """AG130–AG141 and AG177 over both tool lists (AG133, AG135–AG137, AG141 and AG177 over
    `tools` only)."""
    doc = report.doc
    entries = {}
    for key in _LISTS:
        if key in doc.fields and _check_type(report, key):
            entries[key] = doc.tool_entries(key)
    for key, items in entries.items():
        _check_entries(report, key, items)
    if "tools" in entries:
        _check_tools_only(report, entries["tools"])
        denied = {tn.canonical(tn.base_name(e)[0]) for e, _ in entries.get("disallowedTools", ())}
        _check_search_tools(report, entries["tools"], denied)
        _check_memory_tools(report, entries["tools"])
        if "disallowedTools" in entries:
            for entry, span in entries["tools"]:
                name = tn.canonical(tn.base_name(entry)[0])
                if name in denied:
                    report.add("AG138", span,
                               f"`{entry}` is also in `disallowedTools`, which wins: the agent "
                               "does not get it. Remove it from one of the lists.")


def _check_search_tools(report: Report, items: list, denied: set) -> None:
    """AG141: Glob and Grep are not offered to an agent that is granted Bash."""
    names = [tn.base_name(entry)[0] for entry, _ in items]
    if "Bash" not in names or "Bash" in denied:
        return
    for (entry, span), name in zip(items, names):
        if name in tn.SEARCH_TOOLS:
            report.add("AG141", span,
                       f"Claude Code does not offer `{name}` to an agent that has `Bash`: it "
                       f"searches through Bash instead (`find`, `grep`). Remove `{name}`, or "
                       "deny `Bash` to get it.")


def _check_memory_tools(report: Report, items: list) -> None:
    """AG177: with `memory`, Claude Code adds Read, Write and Edit to an explicit list."""
    doc = report.doc
    memory = doc.fields.get("memory")
    if not (isinstance(memory, str) and memory in MEMORY_SCOPES):
        return
    names = {tn.base_name(entry)[0] for entry, _ in items}
    if "*" in names:
        return
    added = [tool for tool in tn.MEMORY_TOOLS if tool not in names]
    if not added:
        return
    listed = ", ".join(f"`{tool}`" for tool in added)
    report.add("AG177", doc.value_spans["tools"],
               f"With `memory: {memory}`, Claude Code adds {listed} to these tools, so the "
               "agent can keep its memory files. List them to make that visible.")


def _check_type(report: Report, key: str) -> bool:
    doc = report.doc
    value = doc.fields[key]
    if value is None or isinstance(value, str):
        return True
    if isinstance(value, list):
        spans = doc.item_spans.get(key, [])
        ok = True
        for item, span in zip(value, spans):
            if not isinstance(item, str):
                ok = False
                report.add("AG130", span,
                           f"`{key}` items must be tool names (text); Claude Code drops this "
                           f"{type(item).__name__} item. Write the tool's name.")
        return ok or any(isinstance(item, str) for item in value)
    effect = "the agent gets all tools" if key == "tools" else "nothing is denied"
    report.add("AG130", doc.value_spans[key],
               f"`{key}` must be a comma-separated string or a list of tool names, not "
               f"{_kind(value)}; Claude Code ignores the value, so {effect}. Write e.g. "
               f"`{key}: Read, Grep`.")
    return False


def _kind(value) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _check_entries(report: Report, key: str, items: list) -> None:
    seen: dict[str, int] = {}
    removable = _removable(report.doc, key, items)
    for index, (entry, span) in enumerate(items):
        if entry in seen:
            report.add("AG139", span,
                       f"`{entry}` is listed twice in `{key}`. Remove the second.",
                       _remove_fix(report, key, items, index, "Remove the duplicate entry",
                                   removable))
        seen.setdefault(entry, index)
        if entry in _PLAIN_OK:
            continue
        name, specifier = tn.base_name(entry)
        if name.startswith("mcp__"):
            valid = tn.MCP_PATTERN.match(name) or (key == "disallowedTools" and name == "mcp__*")
            if not valid:
                report.add("AG140", span,
                           f"`{name}` is not a well-formed MCP tool name, so it matches nothing. "
                           "Write `mcp__<server>`, `mcp__<server>__<tool>` or `mcp__<server>__*`.")
            continue
        if name in tn.DEPRECATED_TOOLS:
            _deprecated(report, key, items, index, name, span, removable)
        elif not tn.is_known(name):
            _unknown(report, key, name, span)
        if specifier is not None and tn.canonical(name) != "Agent":
            effect = "denies all of" if key == "disallowedTools" else "grants all of"
            report.add("AG134", span,
                       f"Claude Code ignores the `({specifier})` specifier in an agent file and "
                       f"{effect} `{name}`. Restrict it with a PreToolUse hook instead, or write "
                       f"`{name}`.")


def _deprecated(report: Report, key, items, index, name, span, removable) -> None:
    replacement = tn.DEPRECATED_TOOLS[name]
    if replacement:
        start = report.doc.text.find(name, span.start, span.end)
        if name in tn.GRANTED_AS:
            granted = "grants" if key == "tools" else "denies"
            message = (f"`{name}` is an old name: Claude Code {granted} it as `{replacement}`. "
                       f"Write `{replacement}`.")
        else:
            message = (f"`{name}` is no longer offered and Claude Code drops it (it does not "
                       f"grant `{replacement}` instead); its replacement is `{replacement}`.")
        edit = fix(f"Replace {name} with {replacement}", True,
                   (start, start + len(name), replacement)) if start != -1 else None
    else:
        message = (f"`{name}` is no longer offered and Claude Code drops it "
                   f"({tn.DEPRECATED_ADVICE[name]}). Remove it.")
        edit = _remove_fix(report, key, items, index, f"Remove {name}", removable)
    report.add("AG132", span, message, edit)


def _unknown(report: Report, key, name, span) -> None:
    suggestions = tn.suggest(name)
    hint = " Fix the name or remove it."
    if "mcp" in name.lower():
        hint = " MCP tools are named `mcp__<server>` or `mcp__<server>__<tool>`."
    edit = None
    if suggestions:
        hint = " Did you mean " + " or ".join(f"`{s}`" for s in suggestions) + "?"
        start = report.doc.text.find(name, span.start, span.end)
        if len(suggestions) == 1 and start != -1:
            edit = fix(f"Replace with {suggestions[0]}", True,
                       (start, start + len(name), suggestions[0]))
    report.add("AG131", span,
               f"`{name}` is not a Claude Code tool, so it is dropped from `{key}`.{hint}", edit)


def _check_tools_only(report: Report, items: list) -> None:
    doc = report.doc
    mode = doc.fields.get("permissionMode")
    agent_entries = []
    plain_ok = False
    for entry, span in items:
        if entry in _PLAIN_OK:
            plain_ok = True
            continue
        name, specifier = tn.base_name(entry)
        if name in tn.UNAVAILABLE_TO_SUBAGENTS or (name == "ExitPlanMode" and mode != "plan"):
            why = " without `permissionMode: plan`" if name == "ExitPlanMode" else ""
            report.add("AG133", span,
                       f"Subagents never get `{name}`{why}; Claude Code removes it. Remove it "
                       "from `tools`.")
        if specifier is not None and tn.canonical(name) == "Agent":
            agent_entries.append((entry, span))
    for entry, span in agent_entries[:-1]:
        report.add("AG135", span,
                   f"Only the last `Agent(...)`/`Task(...)` entry counts, so `{entry}` is "
                   "ignored. Merge them into one entry, e.g. `Agent(worker, researcher)`.")
    if not items:
        report.add("AG136", doc.key_spans["tools"],
                   "`tools` is present but empty: the agent gets no tools at all. List the "
                   "tools it needs, or remove the key to inherit every tool.")
        return
    if plain_ok:
        return  # that entry resolves, so AG137 cannot apply
    resolved, unknown, unavailable = tn.resolve_tools([e for e, _ in items], mode)
    if not resolved:
        parts = []
        if unknown:
            parts.append("unrecognized " + ", ".join(unknown))
        if unavailable:
            parts.append("not available to subagents " + ", ".join(unavailable))
        report.add("AG137", doc.value_spans["tools"],
                   "No entry of `tools` resolves to a tool a subagent can use ("
                   + "; ".join(parts) + "), so Claude Code refuses to spawn this agent. "
                   "Fix the names or remove the key.")


def _removable(doc, key: str, items: list) -> bool:
    """Whether entries can be cut out: not when there is only one (an empty list means no tools,
    not what Claude Code does now), nor when an entry hidden by escapes or folding has only the
    whole value's range."""
    if len(items) < 2:
        return False
    whole = doc.value_spans[key]
    return all(span != whole for _, span in items)


def _remove_fix(report: Report, key: str, items: list, index: int, description: str,
                removable: bool):
    """Edits that delete one entry with its separator, when the list allows it."""
    if not removable:
        return None
    text = report.doc.text
    span = items[index][1]
    if isinstance(report.doc.fields[key], list):
        line_start = _block_item_line_start(text, span.start)
        if line_start is not None:
            line_end = text.find("\n", span.end)
            end = len(text) if line_end == -1 else line_end + 1
            return fix(description, True, (line_start, end, ""))
    if index + 1 < len(items):
        return fix(description, True, (span.start, items[index + 1][1].start, ""))
    return fix(description, True, (items[index - 1][1].end, span.end, ""))


def _block_item_line_start(text: str, start: int) -> int | None:
    """The start of the line when the item at `start` is a block entry (`  - item`), else None;
    it looks back only over the indentation, so long flow lines cost nothing."""
    pos = start - 1
    while pos >= 0 and text[pos] in " \t":
        pos -= 1
    if pos < 0 or text[pos] != "-":
        return None
    pos -= 1
    while pos >= 0 and text[pos] in " \t":
        pos -= 1
    return pos + 1 if pos < 0 or text[pos] == "\n" else None
