"""An agent's MCP servers (`mcpServers`), as Claude Code gives them to a subagent: the inline
definitions and the servers it names from the project's `.mcp.json`, started for the run with the
`mcp` SDK (stdio and http), their tools offered as `mcp__<server>__<tool>`, calls routed to them,
and the servers stopped when the run ends. `mcp` is imported only when an agent has servers.
"""

from __future__ import annotations

import json
import os
import re
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

from workbench.runtime.tools.base import ToolContext, ToolResult

CONNECT_TIMEOUT_S = 30.0


def server_configs(value: Any, cwd: Path) -> tuple[dict[str, dict], list[str]]:
    """The servers an agent's `mcpServers` value names (a mapping of name to definition, or a list
    of names from `.mcp.json` and one-entry mappings), and the problems found."""
    problems: list[str] = []
    found: dict[str, dict] = {}
    project = _project_servers(cwd, problems)
    items: list[Any] = list(value.items()) if isinstance(value, dict) else list(value or []) \
        if isinstance(value, list) else []
    for item in items:
        if isinstance(item, str):
            if item in project:
                found[item] = project[item]
            else:
                problems.append(f"MCP server {item!r} is not defined in .mcp.json")
        elif isinstance(item, dict):
            for name, config in item.items():
                _add(found, problems, str(name), config)
        elif isinstance(item, tuple):
            _add(found, problems, str(item[0]), item[1])
    return found, problems


def _add(found: dict, problems: list[str], name: str, config: Any) -> None:
    if isinstance(config, dict) and (config.get("command") or config.get("url")):
        found[name] = config
    else:
        problems.append(f"MCP server {name!r} has neither a command nor a url")


def _project_servers(cwd: Path, problems: list[str]) -> dict[str, dict]:
    path = cwd / ".mcp.json"
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problems.append(f"{path}: {exc}")
        return {}
    servers = data.get("mcpServers") if isinstance(data, dict) else None
    return servers if isinstance(servers, dict) else {}


def tool_name(server: str, tool: str) -> str:
    """Claude Code's name for a server's tool (characters outside [A-Za-z0-9_-] become _)."""
    clean = lambda text: re.sub(r"[^A-Za-z0-9_-]", "_", text)  # noqa: E731
    return f"mcp__{clean(server)}__{clean(tool)}"


class McpTool:
    """One tool of a connected server, called through its client."""

    kind = "execute"  # it may do anything: asked like a command, refused in plan mode
    concurrency_safe = False

    def __init__(self, name: str, tool: Any, client: Any) -> None:
        self.name = name
        self.remote_name = tool.name
        self.description = tool.description or f"The {tool.name} tool of an MCP server."
        self.input_schema = dict(tool.input_schema or {"type": "object", "properties": {}})
        self._client = client

    def validate(self, tool_input: dict) -> str | None:
        from workbench.runtime.tools.schema_check import check_input

        return check_input({k: v for k, v in self.input_schema.items() if k != "additionalProperties"},
                           tool_input)

    def permission_summary(self, tool_input: dict, ctx: ToolContext) -> str:
        return f"{self.name} {json.dumps(tool_input, ensure_ascii=False)}"

    async def run(self, tool_input: dict, ctx: ToolContext) -> ToolResult:
        try:
            result = await self._client.call_tool(self.remote_name, tool_input)
        except Exception as exc:  # noqa: BLE001 - a server failure is the call's error result
            return ToolResult(f"Error calling {self.name}: {exc}", is_error=True)
        blocks = []
        for item in result.content or []:
            data = item.model_dump(mode="json", exclude_none=True)
            if data.get("type") == "text":
                blocks.append({"type": "text", "text": data.get("text", "")})
            elif data.get("type") == "image":
                blocks.append({"type": "image", "source": {"type": "base64", "media_type": data.get("mime_type")
                               or data.get("mimeType"), "data": data.get("data", "")}})
            else:
                blocks.append({"type": "text", "text": json.dumps(data)})
        content: str | list[dict] = blocks if any(b["type"] != "text" for b in blocks) else \
            "\n".join(b["text"] for b in blocks)
        return ToolResult(content, is_error=bool(result.is_error), detail={"server_tool": self.remote_name})


class McpServers:
    """The servers of one run: `start` connects them and lists their tools, `aclose` stops them
    (both in the run's own task, as the SDK's clients require)."""

    def __init__(self) -> None:
        self._stack = AsyncExitStack()
        self.tools: dict[str, McpTool] = {}
        self.problems: list[str] = []

    async def start(self, configs: dict[str, dict], cwd: Path) -> None:
        import asyncio

        from mcp import Client, StdioServerParameters

        for server, config in configs.items():
            try:
                if config.get("url") and config.get("type", "http") in ("http", "streamable-http", "sse"):
                    target: Any = str(config["url"])
                else:
                    target = StdioServerParameters(
                        command=str(config["command"]), args=[str(a) for a in config.get("args") or []],
                        env={**os.environ, **{str(k): str(v) for k, v in (config.get("env") or {}).items()}},
                        cwd=str(cwd))
                client = await asyncio.wait_for(self._stack.enter_async_context(Client(target)),
                                                CONNECT_TIMEOUT_S)
                listed = await client.list_tools()
            except Exception as exc:  # noqa: BLE001 - a server that fails to start is named, not fatal
                self.problems.append(f"MCP server {server!r} did not start: {type(exc).__name__}: {exc}")
                continue
            for tool in listed.tools:
                name = tool_name(server, tool.name)
                self.tools[name] = McpTool(name, tool, client)

    async def aclose(self) -> None:
        try:
            await self._stack.aclose()
        except Exception:  # noqa: BLE001 - a server that dies on the way out is already stopped
            pass
