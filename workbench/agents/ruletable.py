"""The rule table of rules.md (code, name, severity) and the collector the checks report into."""

from __future__ import annotations

from typing import NamedTuple

from .diagnostics import Diagnostic, Fix, Severity, TextEdit

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO


class Rule(NamedTuple):
    """One row of the rule table: a stable code, a kebab-case name and what Claude Code does."""

    code: str
    name: str
    severity: Severity


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule("AG001", "no-frontmatter", E),
        Rule("AG002", "unclosed-frontmatter", E),
        Rule("AG003", "yaml-unrecoverable", E),
        Rule("AG004", "yaml-strict-invalid", W),
        Rule("AG005", "frontmatter-not-mapping", E),
        Rule("AG006", "crlf-line-endings", W),
        Rule("AG007", "frontmatter-cut", W),
        Rule("AG008", "duplicate-key", W),
        Rule("AG009", "ambiguous-scalar", W),
        Rule("AG010", "file-too-large", E),
        Rule("AG011", "invalid-utf8", W),
        Rule("AG100", "unknown-field", W),
        Rule("AG101", "extra-field", I),
        Rule("AG110", "name-missing", E),
        Rule("AG111", "name-not-string", E),
        Rule("AG112", "name-invalid", E),
        Rule("AG113", "name-style", W),
        Rule("AG114", "name-filename-mismatch", I),
        Rule("AG115", "name-overrides-builtin", I),
        Rule("AG120", "description-missing", E),
        Rule("AG121", "description-invalid", E),
        Rule("AG122", "description-length", W),
        Rule("AG123", "description-fragile-scalar", W),
        Rule("AG124", "description-no-trigger", I),
        Rule("AG130", "tools-invalid-type", W),
        Rule("AG131", "tool-unknown", W),
        Rule("AG132", "tool-deprecated", W),
        Rule("AG133", "tool-unavailable-to-subagents", W),
        Rule("AG134", "tool-specifier-ignored", W),
        Rule("AG135", "tool-multiple-agent-entries", W),
        Rule("AG136", "tools-empty", W),
        Rule("AG137", "tools-none-resolve", E),
        Rule("AG138", "tool-in-both-lists", I),
        Rule("AG139", "tool-duplicate", I),
        Rule("AG140", "tool-mcp-malformed", W),
        Rule("AG141", "search-tools-with-bash", W),
        Rule("AG150", "model-unknown", W),
        Rule("AG160", "permission-mode-invalid", W),
        Rule("AG161", "permission-mode-bypass", I),
        Rule("AG162", "plugin-ignored-field", W),
        Rule("AG163", "max-turns-invalid", W),
        Rule("AG164", "skills-invalid", W),
        Rule("AG165", "mcp-servers-invalid", W),
        Rule("AG166", "hooks-invalid", E),
        Rule("AG167", "memory-invalid", W),
        Rule("AG168", "background-invalid", W),
        Rule("AG169", "effort-invalid", W),
        Rule("AG170", "isolation-invalid", W),
        Rule("AG171", "color-invalid", W),
        Rule("AG172", "initial-prompt-invalid", W),
        Rule("AG173", "hooks-once-ignored", W),
        Rule("AG174", "hook-event-top-level", E),
        Rule("AG177", "memory-adds-tools", I),
        Rule("AG180", "body-short", I),
        Rule("AG181", "body-long", I),
        Rule("AG190", "duplicate-name", E),
        Rule("AG191", "shadowed", I),
        Rule("AG192", "description-budget", W),
    )
}


# The findings after which Claude Code skips the file (rules.md's skip set): it loads no agent from
# it, so the file claims no name and the sidebar marks it "not loaded".
SKIPPING_CODES = frozenset({
    "AG001", "AG002", "AG003", "AG005", "AG010", "AG110", "AG111", "AG112", "AG120", "AG121",
    "AG166", "AG174",
})


class Report:
    """Collects the diagnostics of one document."""

    __slots__ = ("doc", "items")

    def __init__(self, doc) -> None:
        self.doc = doc
        self.items: list[Diagnostic] = []

    def add(self, code: str, span, message: str, fix: Fix | None = None) -> None:
        """Record a finding of rule `code` over `span` (a (start, end) pair of offsets)."""
        rule = RULES[code]
        self.items.append(
            Diagnostic(code, rule.name, rule.severity, message, span[0], span[1], fix)
        )

    def line_one(self) -> tuple[int, int]:
        """The range of the first line's content: where file-level findings point."""
        text = self.doc.text
        end = text.find("\n")
        end = len(text) if end == -1 else end
        if end > 0 and text[end - 1] == "\r":
            end -= 1
        return (0, end)


def fix(description: str, safe: bool, *edits: tuple[int, int, str]) -> Fix:
    """A `Fix` from (start, end, new_text) triples."""
    return Fix(description, safe, tuple(TextEdit(s, e, t) for s, e, t in edits))
