"""Shape checks for the structured fields `mcpServers` (AG165) and `hooks` (AG166).

They walk the YAML nodes rather than the values, so each finding points at the offending item.
"""

from __future__ import annotations

from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .fields import CHECKED_HOOK_EVENTS, HOOK_TYPES, MCP_SERVER_TYPES
from .ruletable import Report
from .yaml12 import scalar_value


def _span(doc, node) -> tuple[int, int]:
    start = doc.text_offset(node.start_mark.index)
    end = max(start, doc.text_offset(node.end_mark.index))
    while end > start and doc.text[end - 1] in " \t\r\n":
        end -= 1
    return start, end


def _text(node) -> str | None:
    if isinstance(node, ScalarNode):
        value = scalar_value(node)
        return value if isinstance(value, str) else None
    return None


def _entries(node: MappingNode) -> dict:
    return {_text(k): v for k, v in node.value if _text(k) is not None}


def check_mcp_servers(report: Report) -> None:
    """AG165: a list of server names or one-key mappings to a server config."""
    doc = report.doc
    node = doc.value_nodes["mcpServers"]
    if not isinstance(node, SequenceNode):
        report.add("AG165", doc.key_spans["mcpServers"],
                   "`mcpServers` must be a list (`- name` or `- name: {config}`); Claude Code "
                   "ignores a mapping or a single value. Put each server on a `- ` line.")
        return
    for item in node.value:
        problem = _server_problem(item)
        if problem:
            report.add("AG165", _span(doc, item),
                       f"This `mcpServers` item {problem}; Claude Code drops it.")


def _server_problem(item) -> str | None:
    if isinstance(item, ScalarNode):
        return None if _text(item) else "is not a server name"
    if not isinstance(item, MappingNode) or len(item.value) != 1:
        return "is neither a server name nor a one-key mapping `name: {config}`"
    config = item.value[0][1]
    if not isinstance(config, MappingNode):
        return "maps its name to something other than a server config"
    fields = _entries(config)
    kind = _text(fields["type"]) if "type" in fields else "stdio"
    if kind not in MCP_SERVER_TYPES:
        return f"has `type` {kind!r}, not one of {', '.join(MCP_SERVER_TYPES)}"
    needed = "command" if kind == "stdio" else "url"
    if needed not in fields or _text(fields[needed]) is None:
        return f"is a {kind} server without `{needed}`"
    return None


def check_hooks(report: Report) -> None:
    """AG166: `hooks` is not a mapping, or its `PreToolUse`/`PermissionRequest` entry is not a
    list of `{matcher?, hooks: [{type, ...}]}` (Claude Code checks those two events, and skips
    the file; measured on 2.1.332 and 2.1.337, it loads bad shapes under any other event);
    AG173: `once`."""
    doc = report.doc
    node = doc.value_nodes["hooks"]
    if _is_null(node):
        return
    if not isinstance(node, MappingNode):
        report.add("AG166", doc.key_spans["hooks"],
                   "`hooks` must map hook events (PreToolUse, PostToolUse, Stop, …) to lists of "
                   "matcher groups; Claude Code skips the whole file when it is not.")
        return
    for event, groups in node.value:
        checked = _text(event) in CHECKED_HOOK_EVENTS
        problems: list[tuple[object, str]] = []
        if _is_null(groups):
            continue
        if not isinstance(groups, SequenceNode):
            problems.append((groups, f"the `{_text(event)}` event must hold a list of matcher "
                                     "groups"))
        else:
            for group in groups.value:
                _check_group(report, group, problems)
        if checked:
            for problem_node, problem in problems:
                _bad(report, problem_node, problem)


def _is_null(node) -> bool:
    return isinstance(node, ScalarNode) and scalar_value(node) is None


def _check_group(report: Report, group, problems: list) -> None:
    if not isinstance(group, MappingNode):
        problems.append((group, "a matcher group must be a mapping with `hooks:` (and `matcher:`)"))
        return
    fields = _entries(group)
    if "matcher" in fields and _text(fields["matcher"]) is None:
        problems.append((fields["matcher"], "`matcher` must be text (a regular expression)"))
    hooks = fields.get("hooks")
    if not isinstance(hooks, SequenceNode):
        problems.append((hooks or group, "a matcher group needs a `hooks:` list"))
        return
    for hook in hooks.value:
        if not isinstance(hook, MappingNode):
            problems.append((hook, "each hook must be a mapping with a `type`"))
            continue
        entries = _entries(hook)
        kind = _text(entries["type"]) if "type" in entries else None
        if kind not in HOOK_TYPES:
            problems.append((entries.get("type", hook),
                             f"a hook's `type` must be one of {', '.join(HOOK_TYPES)}"))
        elif kind == "command" and "command" not in entries:
            problems.append((hook, "a `command` hook needs a `command`"))
        for key_node, _ in hook.value:
            if _text(key_node) == "once":
                report.add("AG173", _span(report.doc, key_node),
                           "`once` is ignored in agent files: the hook runs every time. "
                           "Remove it.")


def _bad(report: Report, node, problem: str) -> None:
    report.add("AG166", _span(report.doc, node),
               f"In `hooks`, {problem}; Claude Code skips the whole file.")
