"""The agent editor: a TextArea that highlights Markdown and the YAML frontmatter, underlines each
diagnostic's range in its severity's colour and marks its line in the gutter."""

from __future__ import annotations

from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip
from textual.widgets import TextArea
from textual.widgets.text_area import TextAreaTheme

from workbench.agents.diagnostics import Diagnostic, LineIndex, Severity

# Highlight names for diagnostics: appended after the syntax highlights of a line, so they win.
_DIAG_NAMES = {
    Severity.ERROR: "diag.error",
    Severity.WARNING: "diag.warning",
    Severity.INFO: "diag.info",
}
_MARKERS = {Severity.ERROR: "●", Severity.WARNING: "▲", Severity.INFO: "◆"}


def frontmatter_line_range(lines: list[str]) -> tuple[int, int] | None:
    """0-based (first, last) rows of the YAML between the `---` lines, or None without a block.

    Only for colouring; the rules use AgentDocument. An unclosed block colours to the end.
    """
    if not lines or lines[0].lstrip("\ufeff").rstrip(" \t\r") != "---":
        return None
    for row in range(1, len(lines)):
        if lines[row].rstrip(" \t\r") == "---":
            return 1, row - 1
    return 1, len(lines) - 1


@lru_cache(maxsize=1)
def _yaml_highlighting():
    """The tree-sitter YAML parser and highlight query (built once; None without tree-sitter)."""
    try:
        from importlib.resources import files

        from textual._tree_sitter import get_language
        from tree_sitter import Parser, Query
    except ImportError:
        return None
    language = get_language("yaml")
    if language is None:
        return None
    source = (files("textual") / "tree-sitter" / "highlights" / "yaml.scm").read_text()
    return Parser(language), Query(language, source)


def editor_theme(dark: bool, variables: dict[str, str]) -> TextAreaTheme:
    """A TextArea theme that takes its base colours from the app theme's CSS and adds the
    diagnostic styles from the theme variables."""
    base = TextAreaTheme.get_builtin_theme("vscode_dark" if dark else "github_light")
    styles = dict(base.syntax_styles if base else {})
    for severity, name in _DIAG_NAMES.items():
        colour = Color.parse(variables.get(f"diag-{severity.value}", "red")).rich_color
        styles[name] = Style(color=colour, underline=True)
    return TextAreaTheme(name="workbench", syntax_styles=styles)


class AgentEditor(TextArea):
    """Edits one agent file; `set_diagnostics` paints the findings of the last validation."""

    DEFAULT_CSS = """
    AgentEditor { height: 1fr; border: none; padding: 0; }
    AgentEditor:focus { border: none; }
    """

    def __init__(self, text: str = "", **kwargs) -> None:
        # Set before TextArea.__init__, which already builds the highlight map.
        self._diagnostics: list[Diagnostic] = []
        self._diag_highlights: dict[int, list[tuple[int, int | None, str]]] = {}
        self._markers: dict[int, Severity] = {}
        # The Markdown grammar loads with the first text, so an empty editor costs the first frame
        # nothing.
        super().__init__(text, language="markdown" if text else None, show_line_numbers=True,
                         soft_wrap=True, tab_behavior="indent", **kwargs)

    def load_text(self, text: str) -> None:
        """Replace the text (clearing the undo history), with Markdown highlighting."""
        if self.language is None and text:
            self.language = "markdown"
        super().load_text(text)

    def on_mount(self) -> None:
        self._apply_app_theme()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._apply_app_theme())

    def on_resize(self) -> None:
        # TextArea re-wraps on a resize but repaints only if the wrapped height changed: when a
        # pane is shown or hidden beside it (the screen itself keeps its size), the lines drawn
        # at the old width would stay, cut at the new edge.
        self.refresh()

    def _apply_app_theme(self) -> None:
        theme = self.app.current_theme
        self.register_theme(editor_theme(theme.dark, self.app.theme_variables))
        self.theme = "workbench"
        # The theme object is rebuilt under the same name, so the setter may see no change.
        self._set_theme("workbench")
        self.notify_style_update()

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """The diagnostics painted now."""
        return list(self._diagnostics)

    @property
    def cursor_offset(self) -> int:
        """The cursor as an offset into `text`."""
        return self.document.get_index_from_location(self.cursor_location)

    def move_cursor_to_offset(self, offset: int) -> None:
        """Put the cursor at a text offset and scroll it into view."""
        self.cursor_location = self.document.get_location_from_index(offset)
        self.scroll_cursor_visible(center=True)

    def set_diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        """Underline and mark these findings (offsets into the current text)."""
        self._diagnostics = list(diagnostics)
        old_highlights, old_markers = self._diag_highlights, self._markers
        self._rebuild_diagnostic_highlights()
        if self._diag_highlights == old_highlights and self._markers == old_markers:
            return  # typing elsewhere: nothing to repaint, and the line cache stays warm
        highlights = self._highlights
        # Only the diagnostic entries change; the syntax highlights of the last edit stay.
        for row in old_highlights:
            highlights[row] = [h for h in highlights.get(row, ()) if not h[2].startswith("diag.")]
        for row, entries in self._diag_highlights.items():
            highlights[row].extend(entries)
        changed = {row for row in old_highlights.keys() | self._diag_highlights.keys()
                   if old_highlights.get(row) != self._diag_highlights.get(row)}
        changed |= {row for row in old_markers.keys() | self._markers.keys()
                    if old_markers.get(row) != self._markers.get(row)}
        self._refresh_rows(changed)

    def _refresh_rows(self, rows: set[int]) -> None:
        """Repaint only these document rows: repainting the whole editor after each validation
        doubled the cost of a key on a long agent."""
        # The line cache's keys do not include highlights, so no cached line may survive.
        self._line_cache.clear()
        wrapped = self.wrapped_document
        for row in rows:
            if not 0 <= row < self.document.line_count:
                continue
            _, y = wrapped.location_to_offset((row, 0))
            self.refresh_lines(y, len(wrapped.get_offsets(row)) + 1)

    def replace_text_keeping_history(self, new_text: str) -> None:
        """Replace the whole text with `new_text` as one undoable edit of the changed middle only,
        so the cursor and scroll stay where they were outside that range."""
        old = self.text
        if old == new_text:
            return
        prefix = 0
        limit = min(len(old), len(new_text))
        while prefix < limit and old[prefix] == new_text[prefix]:
            prefix += 1
        suffix = 0
        while (suffix < limit - prefix
               and old[len(old) - 1 - suffix] == new_text[len(new_text) - 1 - suffix]):
            suffix += 1
        start = self.document.get_location_from_index(prefix)
        end = self.document.get_location_from_index(len(old) - suffix)
        self.replace(new_text[prefix:len(new_text) - suffix], start, end, maintain_selection_offset=False)

    def _rebuild_diagnostic_highlights(self) -> None:
        text = self.text
        index = LineIndex(text)
        lines = text.split("\n")
        by_line: dict[int, list[tuple[int, int | None, str]]] = {}
        markers: dict[int, Severity] = {}
        # Least severe first, so an error's colour wins where ranges overlap.
        for diag in sorted(self._diagnostics, key=lambda d: -d.severity.rank):
            name = _DIAG_NAMES[diag.severity]
            start_line, start_col = index.position(diag.start)
            end_line, end_col = index.position(max(diag.end, diag.start))
            row0, row1 = start_line - 1, end_line - 1
            if row0 == row1 and end_col <= start_col:
                end_col = start_col + 1  # an empty range still shows one cell
            for row in range(row0, row1 + 1):
                line = lines[row] if row < len(lines) else ""
                first = start_col - 1 if row == row0 else 0
                last = end_col - 1 if row == row1 else len(line)
                if row != row1 and not line:
                    continue
                start_byte = len(line[:first].encode("utf-8"))
                end_byte = len(line[:last].encode("utf-8")) if last <= len(line) else None
                by_line.setdefault(row, []).append((start_byte, end_byte, name))
            current = markers.get(row0)
            if current is None or diag.severity.rank < current.rank:
                markers[row0] = diag.severity
        self._diag_highlights = by_line
        self._markers = markers

    def _build_highlight_map(self) -> None:
        super()._build_highlight_map()
        self._add_frontmatter_highlights()
        highlights = self._highlights
        for row, entries in self._diag_highlights.items():
            highlights[row].extend(entries)

    def _add_frontmatter_highlights(self) -> None:
        lines = self.document.lines
        span = frontmatter_line_range(lines)
        if span is None:
            return  # the empty editor of the first frame never loads the YAML grammar
        tooling = _yaml_highlighting()
        if tooling is None:
            return
        from tree_sitter import QueryCursor

        first, last = span
        parser, query = tooling
        source = "\n".join(lines[first:last + 1]).encode("utf-8")
        tree = parser.parse(source)
        highlights = self._highlights
        for row in range(first - 1, min(last + 2, len(lines))):
            highlights[row].clear()
        highlights[first - 1].append((0, None, "punctuation.special"))
        if last + 1 < len(lines):
            highlights[last + 1].append((0, None, "punctuation.special"))
        for name, nodes in QueryCursor(query).captures(tree.root_node).items():
            for node in nodes:
                (r0, c0), (r1, c1) = node.start_point, node.end_point
                if r0 == r1:
                    highlights[first + r0].append((c0, c1, name))
                    continue
                highlights[first + r0].append((c0, None, name))
                for r in range(r0 + 1, r1):
                    highlights[first + r].append((0, None, name))
                highlights[first + r1].append((0, c1, name))
        # Keys over values: a key is also a string scalar, and later entries win.
        for row in range(first, last + 1):
            highlights[row].sort(key=lambda h: h[2] == "yaml.field")

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if not self._markers or not self.show_line_numbers:
            return strip
        scroll_y = self.scroll_offset.y
        try:
            line_index, section = self.wrapped_document._offset_to_line_info[y + scroll_y]
        except (IndexError, TypeError):
            return strip
        severity = self._markers.get(line_index)
        if severity is None or section != 0:
            return strip
        position = self.gutter_width - 2
        theme = self._theme
        colour = Color.parse(self.app.theme_variables.get(f"diag-{severity.value}", "red"))
        style = Style.combine([
            (theme.base_style if theme and theme.base_style else Style()),
            (theme.gutter_style if theme and theme.gutter_style else Style()),
            Style(color=colour.rich_color, bold=True),
        ])
        marker = Strip([Segment(_MARKERS[severity], style)], 1)
        return Strip.join([strip.crop(0, position), marker, strip.crop(position + 1)])
