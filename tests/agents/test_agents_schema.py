"""The JSON Schema of the frontmatter is valid draft 2020-12 and agrees with the field table."""

from __future__ import annotations

import jsonschema

from workbench.agents.fields import FIELDS
from workbench.agents.schema import frontmatter_schema


def test_schema_is_valid_draft_2020_12_and_lists_every_field():
    schema = frontmatter_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert set(schema["properties"]) == set(FIELDS)
    assert schema["required"] == ["name", "description"]


def test_schema_accepts_a_good_frontmatter_and_rejects_bad_values():
    validator = jsonschema.Draft202012Validator(frontmatter_schema())
    good = {"name": "code-reviewer", "description": "Use when reviewing.", "tools": "Read, Grep",
            "color": "cyan", "maxTurns": 5, "mcpServers": ["github", {"pw": {"command": "npx"}}],
            "hooks": {"Stop": [{"hooks": [{"type": "command", "command": "./x"}]}]}}
    assert list(validator.iter_errors(good)) == []
    for key, bad in (("color", "magenta"), ("maxTurns", 0), ("permissionMode", "ask"),
                     ("tools", 5), ("name", "a:b"), ("name", "a\uff1ab"), ("name", "a" * 257),
                     ("description", 42), ("PreToolUse", []), ("PermissionRequest", {}),
                     ("hooks", {"Stop": [{"hooks": [{"type": "command"}]}]})):
        assert list(validator.iter_errors({**good, key: bad})), key
    assert list(validator.iter_errors({**good, "name": "a" * 256, "PostToolUse": []})) == []
