"""Checking a tool call's input against the tool's JSON Schema, with a message naming the field.

Only the schema features the tool definitions use: `type`, `required`, `properties`, `enum`,
`items`, `minItems` and `additionalProperties: false` (a field the schema does not name is then an
error, as Claude Code's closed schemas make it).
"""

from __future__ import annotations

_TYPE_CHECKS = {
    "string": lambda v: isinstance(v, str),
    # bool is an int subclass in Python but never a JSON number.
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}

_JSON_NAMES = {str: "string", bool: "boolean", int: "number", float: "number", list: "array",
               dict: "object", type(None): "null"}


def check_input(schema: dict, value: object, where: str = "") -> str | None:
    """The first problem with `value` against `schema` (e.g. "`file_path` is required"), or None."""
    expected = schema.get("type")
    label = f"`{where}`" if where else "the input"
    if expected and not _TYPE_CHECKS[expected](value):
        got = _JSON_NAMES.get(type(value), type(value).__name__)
        return f"{label} must be a{'n' if expected[0] in 'aeio' else ''} {expected}, got {got}"
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(repr(v) for v in schema["enum"])
        return f"{label} must be one of {allowed}, got {value!r}"
    if expected == "object":
        for name in schema.get("required", ()):
            if name not in value:
                return f"`{_join(where, name)}` is required"
        if schema.get("additionalProperties") is False:
            unknown = [name for name in value if name not in schema.get("properties", {})]
            if unknown:
                return f"`{_join(where, unknown[0])}` is not a parameter of this tool"
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                problem = check_input(sub, value[name], _join(where, name))
                if problem:
                    return problem
    if expected == "array":
        if len(value) < schema.get("minItems", 0):
            return f"{label} must have at least {schema['minItems']} item(s)"
        items = schema.get("items")
        if items:
            for index, item in enumerate(value):
                problem = check_input(items, item, f"{where}[{index}]")
                if problem:
                    return problem
    return None


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name
