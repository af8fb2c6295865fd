"""Building agent texts for the rule tests; «» marks the range a finding must cover."""

from __future__ import annotations

from workbench.agents.diagnostics import LineIndex

NAME = "name: code-reviewer"
DESC = "description: Reviews code for quality. Use proactively after code changes."
BODY = "You are a code reviewer. Read the diff, then report problems by severity.\n"
GOOD = f"---\n{NAME}\n{DESC}\ntools: Read, Grep, Glob\nmodel: sonnet\n---\n\n{BODY}"


def fm(*lines: str, body: str = BODY) -> str:
    """An agent file with these frontmatter lines and a body."""
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body


def unmark(marked: str) -> tuple[str, tuple[int, int] | None]:
    """The text without «», and the (start, end) offsets they enclosed."""
    if "«" not in marked:
        return marked, None
    start = marked.index("«")
    end = marked.index("»") - 1
    return marked.replace("«", "", 1).replace("»", "", 1), (start, end)


def positions(text: str, start: int, end: int) -> tuple[int, int, int, int]:
    """(line, column, end_line, end_column) as rules.md and `lint --format json` give them."""
    lines = LineIndex(text)
    return (*lines.position(start), *lines.position(end))
