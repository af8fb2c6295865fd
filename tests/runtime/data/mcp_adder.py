"""A small stdio MCP server for the tests: one tool, add(a, b)."""

import os

from mcp.server.mcpserver import MCPServer

server = MCPServer("adder")


@server.tool()
def add(a: int, b: int) -> str:
    """Add two numbers."""
    return f"sum={a + b}"


if __name__ == "__main__":
    if os.environ.get("ADDER_PID_FILE"):  # lets a test see that the server was stopped
        with open(os.environ["ADDER_PID_FILE"], "w") as handle:
            handle.write(str(os.getpid()))
    server.run()
