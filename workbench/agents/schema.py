"""The frontmatter as a JSON Schema (draft 2020-12), generated from the field table."""

from __future__ import annotations

from .fields import FIELDS, TOP_LEVEL_HOOK_EVENTS, FieldSpec

_TOOL_LIST = {"type": "array", "items": {"type": "string"}}
# `:` and the characters NFKC normalisation turns into one (`⩴`, `︓`, `﹕`, `：`).
_COLONS = ":\u2a74\ufe13\ufe55\uff1a"


def frontmatter_schema() -> dict:
    """A JSON Schema of an agent file's frontmatter, for editors that validate YAML with one."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Claude Code subagent frontmatter",
        "type": "object",
        "required": [name for name, spec in FIELDS.items() if spec.required],
        "properties": {name: _property(spec) for name, spec in FIELDS.items()},
        "additionalProperties": True,
        # A hook event written as a top-level key makes Claude Code skip the file (AG174).
        "not": {"anyOf": [{"required": [event]} for event in TOP_LEVEL_HOOK_EVENTS]},
    }


def _property(spec: FieldSpec) -> dict:
    variants = []
    for kind in spec.types:
        if kind == "array":
            variants.append(_array(spec))
        elif kind == "string" and spec.values:
            variants.append({"type": "string", "enum": list(spec.values)})
        elif kind == "integer" and spec.name == "maxTurns":
            variants.append({"type": "integer", "minimum": 1})
        elif kind == "object" and spec.name == "hooks":
            variants.append(_hooks())
        else:
            variants.append({"type": kind})
    schema = variants[0] if len(variants) == 1 else {"anyOf": variants}
    if spec.name == "name":
        # No leading `-`, and no `:` even after NFKC normalisation (AG112).
        pattern = f"^[^-{_COLONS}][^{_COLONS}]*$"
        schema = {**schema, "minLength": 1, "maxLength": 256, "pattern": pattern}
    if spec.name == "description":
        schema = {**schema, "minLength": 1}
    return {"description": spec.description, **schema}


def _array(spec: FieldSpec) -> dict:
    if spec.name != "mcpServers":
        return _TOOL_LIST
    server = {
        "type": "object",
        "properties": {
            "type": {"enum": ["stdio", "http", "sse", "ws"]},
            "command": {"type": "string"},
            "url": {"type": "string"},
        },
    }
    inline = {
        "type": "object",
        "minProperties": 1,
        "maxProperties": 1,
        "additionalProperties": server,
    }
    return {"type": "array", "items": {"anyOf": [{"type": "string"}, inline]}}


def _hooks() -> dict:
    hook = {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"enum": ["command", "http", "mcp_tool", "prompt", "agent"]}},
        # A `command` hook without a `command` makes Claude Code skip the file (AG166).
        "if": {"properties": {"type": {"const": "command"}}},
        "then": {"required": ["command"]},
    }
    group = {
        "type": "object",
        "required": ["hooks"],
        "properties": {"matcher": {"type": "string"}, "hooks": {"type": "array", "items": hook}},
    }
    return {"type": "object", "additionalProperties": {"type": "array", "items": group}}
