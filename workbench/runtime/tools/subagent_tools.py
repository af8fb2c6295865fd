"""The tools Claude Code gives a subagent that have no older workbench counterpart: TaskStop (was
KillShell), Skill, ToolSearch and WebSearch. Descriptions are workbench's own words; the input
schemas carry Claude Code's property names and types (claude-code-runs.md §1).
"""

from __future__ import annotations

import os
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from workbench.runtime.tools.base import ToolContext, ToolResult
from workbench.runtime.tools.local_tool import LocalTool, error


class TaskStopTool(LocalTool):
    """Stop a background task (a Bash command started with run_in_background)."""

    name = "TaskStop"
    kind = "other"
    description = ("Stops a background task (a Bash command run with run_in_background) and every "
                   "process it started. task_id is the id Bash returned; shell_id is its old name.")
    input_schema = {"type": "object", "properties": {
        "task_id": {"type": "string", "description": "The id of the background task to stop"},
        "shell_id": {"type": "string", "description": "Old name of task_id"}},
        "additionalProperties": False}

    def extra_checks(self, tool_input: dict) -> str | None:
        if not (tool_input.get("task_id") or tool_input.get("shell_id")):
            return "`task_id` is required"
        return None

    def permission_summary(self, tool_input: dict, ctx: ToolContext) -> str:
        return f"Stop {tool_input.get('task_id') or tool_input.get('shell_id', '')}"

    async def run(self, tool_input: dict, ctx: ToolContext) -> ToolResult:
        task_id = tool_input.get("task_id") or tool_input["shell_id"]
        shell = ctx.shells.get(task_id)
        if shell is None:
            return error(f"No task found with ID: {task_id}")
        if not shell.running:
            return error(f"Task {task_id} is not running (status: {shell.status})",
                         task_id=task_id, status=shell.status)
        await shell.kill()
        message = f"Stopped task {task_id} ({shell.command})"
        return ToolResult(message, detail={"message": message, "task_id": task_id,
                                           "command": shell.command})


# -- skills ---------------------------------------------------------------------------------------

_FRONTMATTER = re.compile(r"\A---\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


def skill_folders(cwd: Path, home: Path | None = None) -> list[Path]:
    """Where skills are found, first wins: `.claude/skills` of the project (cwd and the folders
    above it, nearest first), then the user's `~/.claude/skills`."""
    home = home or Path(os.environ.get("HOME") or Path.home())
    found = [folder / ".claude" / "skills" for folder in (cwd, *cwd.parents)]
    found.append(home / ".claude" / "skills")
    seen: list[Path] = []
    for folder in found:
        if folder not in seen and folder.is_dir():
            seen.append(folder)
    return seen


def find_skills(cwd: Path, home: Path | None = None) -> dict[str, tuple[str, Path]]:
    """name -> (description, SKILL.md path) for every `<folder>/<name>/SKILL.md`."""
    skills: dict[str, tuple[str, Path]] = {}
    for folder in skill_folders(cwd, home):
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            path = entry / "SKILL.md"
            if not path.is_file():
                continue
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            meta = _frontmatter(text)
            name = str(meta.get("name") or entry.name)
            skills.setdefault(name, (str(meta.get("description") or ""), path))
    return skills


def _frontmatter(text: str) -> dict:
    match = _FRONTMATTER.match(text)
    if not match:
        return {}
    from workbench.agents.document import AgentDocument  # the same YAML reading as agent files

    value = AgentDocument.parse(text).fields
    return value if isinstance(value, dict) else {}


def skill_body(path: Path) -> str:
    """A SKILL.md without its frontmatter."""
    text = path.read_text(encoding="utf-8", errors="replace")
    match = _FRONTMATTER.match(text)
    return (text[match.end():] if match else text).strip()


def skills_listing(skills: dict[str, tuple[str, Path]]) -> str:
    """The skills the Skill tool can load, one line each."""
    return "\n".join(f"- {name}: {desc}" if desc else f"- {name}" for name, (desc, _) in skills.items())


class SkillTool(LocalTool):
    """Load a skill's instructions (`.claude/skills/<name>/SKILL.md`) into the conversation."""

    name = "Skill"
    kind = "read"
    concurrency_safe = True
    description = ("Loads the instructions of one of the skills listed for this session and returns "
                   "them, to follow from here on. Only use a name from that list.")
    input_schema = {"type": "object", "required": ["skill"], "properties": {
        "skill": {"type": "string", "description": "The skill's name, as listed"},
        "args": {"type": "string", "description": "Arguments for the skill, if any"}},
        "additionalProperties": False}

    def permission_summary(self, tool_input: dict, ctx: ToolContext) -> str:
        return f"Load skill {tool_input.get('skill', '')}"

    async def run(self, tool_input: dict, ctx: ToolContext) -> ToolResult:
        wanted = tool_input["skill"].strip().lstrip("/")
        skills = find_skills(ctx.cwd)
        if wanted not in skills:
            known = ", ".join(skills) or "none"
            return error(f"Unknown skill: {wanted} (available: {known})")
        _, path = skills[wanted]
        try:
            body = skill_body(path)
        except OSError as exc:
            return error(f"cannot read {path}: {exc.strerror or exc}")
        text = f"Skill {wanted} (from {path.parent}):\n\n{body}"
        if tool_input.get("args"):
            text += f"\n\nArguments: {tool_input['args']}"
        return ToolResult(text, detail={"success": True, "commandName": wanted})


# -- ToolSearch -----------------------------------------------------------------------------------

class ToolSearchTool(LocalTool):
    """Load deferred tools: `select:A,B` by name, or keywords matched against names and
    descriptions. The result is `tool_reference` blocks; the session then sends those tools'
    definitions (`ToolContext.load_tools`)."""

    name = "ToolSearch"
    kind = "read"
    concurrency_safe = True
    description = ("Loads the definitions of deferred tools (listed by name in this session) so "
                   "they can be called. Use \"select:Name1,Name2\" to load tools by name, or give "
                   "keywords to search their names and descriptions.")
    input_schema = {"type": "object", "required": ["query"], "properties": {
        "query": {"type": "string", "description": "\"select:<names>\" or keywords"},
        "max_results": {"type": "number", "description": "At most this many tools (default 5)",
                        "default": 5}},
        "additionalProperties": False}

    def permission_summary(self, tool_input: dict, ctx: ToolContext) -> str:
        return f"Search tools: {tool_input.get('query', '')}"

    async def run(self, tool_input: dict, ctx: ToolContext) -> ToolResult:
        deferred = dict(ctx.deferred_tools)
        query = tool_input["query"].strip()
        limit = max(1, int(tool_input.get("max_results") or 5))
        if query.lower().startswith("select:"):
            wanted = [n.strip() for n in query[7:].split(",") if n.strip()]
            names = [n for n in wanted if n in deferred]
        else:
            words = [w.lower() for w in query.split() if w]
            scored = []
            for name, text in deferred.items():
                score = sum(2 if w in name.lower() else 1 if w in text.lower() else 0 for w in words)
                if score:
                    scored.append((-score, name))
            names = [n for _, n in sorted(scored)][:limit]
        if not names:
            return ToolResult(f"No deferred tool matches {query!r}. Deferred tools: "
                              + (", ".join(deferred) or "none"),
                              detail={"matches": [], "query": query})
        if ctx.load_tools is not None:
            ctx.load_tools(names)
        return ToolResult([{"type": "tool_reference", "tool_name": n} for n in names],
                          detail={"matches": names, "query": query,
                                  "total_deferred_tools": len(deferred)})


# -- WebSearch ------------------------------------------------------------------------------------

WebSearchCall = Callable[[dict], Awaitable[ToolResult]]


class WebSearchTool(LocalTool):
    """Search the web: one Messages API call with the server-side web search tool
    (`ToolContext.web_search`, run by the session); its results are the tool result."""

    name = "WebSearch"
    kind = "web"
    concurrency_safe = True
    description = ("Searches the web and returns the results (titles, links and a summary) for "
                   "up-to-date information. allowed_domains / blocked_domains narrow the sources.")
    input_schema = {"type": "object", "required": ["query"], "properties": {
        "query": {"type": "string", "minLength": 2, "description": "What to search for"},
        "allowed_domains": {"type": "array", "items": {"type": "string"},
                            "description": "Only results from these domains"},
        "blocked_domains": {"type": "array", "items": {"type": "string"},
                            "description": "No results from these domains"}},
        "additionalProperties": False}

    def extra_checks(self, tool_input: dict) -> str | None:
        if len(tool_input["query"].strip()) < 2:
            return "`query` must be at least 2 characters"
        if tool_input.get("allowed_domains") and tool_input.get("blocked_domains"):
            return "give allowed_domains or blocked_domains, not both"
        return None

    def permission_summary(self, tool_input: dict, ctx: ToolContext) -> str:
        return f"Search the web for {tool_input.get('query', '')!r}"

    async def run(self, tool_input: dict, ctx: ToolContext) -> ToolResult:
        if ctx.web_search is None:
            return error("Web search is not available here.")
        return await ctx.web_search(tool_input)


def web_search_result(query: str, message: dict) -> ToolResult:
    """The tool result of a web search response: its text and the links it found."""
    lines = [f'Web search results for query: "{query}"', ""]
    links: list[dict] = []
    texts: list[str] = []
    for block in message.get("content") or []:
        kind = block.get("type")
        if kind == "web_search_tool_result":
            content = block.get("content")
            if isinstance(content, dict) and content.get("type") == "web_search_tool_result_error":
                return error(f"Web search failed: {content.get('error_code', 'unknown error')}")
            for item in content or []:
                if isinstance(item, dict) and item.get("url"):
                    links.append({"title": item.get("title", ""), "url": item["url"]})
        elif kind == "text" and block.get("text"):
            texts.append(block["text"])
    if links:
        lines.append("Links:")
        lines += [f"- {link['title']}: {link['url']}" for link in links]
        lines.append("")
    if texts:
        lines.append("".join(texts).strip())
    return ToolResult("\n".join(lines).rstrip(), detail={"query": query, "results": links})


class ExitPlanModeTool(LocalTool):
    """Offered only in plan mode: the agent says its plan is ready. workbench has no approval step
    for a subagent, so the result tells it to give the plan as its final answer."""

    name = "ExitPlanMode"
    kind = "other"
    description = ("Call when you are in plan mode and your plan is ready: you will be told to give "
                   "the plan as your final answer for approval, without making changes.")
    input_schema = {"type": "object", "properties": {
        "allowedPrompts": {"type": "array", "description": "No longer used.", "items": {
            "type": "object", "required": ["tool", "prompt"], "additionalProperties": False,
            "properties": {"tool": {"type": "string", "enum": ["Bash"]}, "prompt": {"type": "string"}}}}},
        # Open, as Claude Code's is.
        "additionalProperties": {}}

    def permission_summary(self, tool_input: dict, ctx: ToolContext) -> str:
        return "Leave plan mode"

    async def run(self, tool_input: dict, ctx: ToolContext) -> ToolResult:
        message = ("The plan goes to the user for approval. Do not change anything: give the whole "
                   "plan as your final answer now.")
        return ToolResult(message, detail={"message": message})
