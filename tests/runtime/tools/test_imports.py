"""The tools and the permission policy stay light: no Textual, no SDK, no HTTP client at import."""

import json
import subprocess
import sys


def test_importing_the_tools_loads_neither_textual_nor_the_sdk_nor_httpx():
    code = ("import json, sys, workbench.runtime.tools, workbench.runtime.permissions; "
            "print(json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout)
    for heavy in ("textual", "anthropic", "httpx2", "httpx"):
        assert not any(m == heavy or m.startswith(heavy + ".") for m in loaded), heavy


def test_every_registered_tool_has_a_valid_api_definition():
    from workbench.runtime.tools import REGISTRY

    for name, tool in REGISTRY.items():
        assert tool.name == name and len(tool.description) > 40
        assert tool.input_schema["type"] == "object" and tool.input_schema["properties"]
        # Only TaskStop (task_id or its old name shell_id) and ExitPlanMode require nothing by schema.
        assert tool.input_schema.get("required") or name in ("TaskStop", "ExitPlanMode")
        assert tool.kind in ("read", "edit", "execute", "web", "agent", "other")
