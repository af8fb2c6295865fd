"""The agent library: every agent of the catalog grouped by scope, with its health, filterable."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, Tree
from textual.widgets.tree import TreeNode

from workbench.agents.catalog import AgentEntry, Catalog, Scope
from workbench.ui.colours import swatch_colour
from workbench.ui.cursor import apply_cursor_blink


def entry_label(entry: AgentEntry, variables: dict[str, str], dirty: bool = False) -> Text:
    """One sidebar row: colour swatch, name, health badge, which definition wins, model."""
    document = entry.document
    label = Text(no_wrap=True, overflow="ellipsis")
    colour = swatch_colour(getattr(document, "color", None)) if document is not None else None
    label.append("■ " if colour else "□ ", style=colour or "dim")
    label.append(entry.display_name, style="strike dim" if entry.status == "shadowed" else "")
    if dirty:
        label.append(" •", style="bold")
    label.append("  ")
    label.append_text(health_badge(entry, variables))
    if entry.status == "shadowed" and entry.winner is not None:
        label.append(f"  {entry.winner.scope.kind.value} wins", style="italic")
    elif entry.status == "duplicate":
        if entry.winner is None:
            label.append("  dup, wins", style="italic")
        else:
            label.append(f"  dup, {entry.winner.path.name} wins", style="italic")
    model = getattr(document, "model", None) if document is not None else None
    if isinstance(model, str) and model.strip():
        label.append(f"  {model.strip()}", style="dim")
    return label


def health_badge(entry: AgentEntry, variables: dict[str, str]) -> Text:
    """`✗ n` for errors (`✗ n not loaded` when Claude Code skips the file), `▲ n` for warnings,
    `✓` when clean; `unreadable` when it is."""
    if entry.document is None:
        return Text("✗ unreadable", style=variables.get("diag-error", "red"))
    errors = sum(1 for d in entry.diagnostics if d.severity.value == "error")
    warnings = sum(1 for d in entry.diagnostics if d.severity.value == "warning")
    if not entry.loaded:
        return Text(f"✗ {errors} not loaded", style=variables.get("diag-error", "red"))
    if errors:
        return Text(f"✗ {errors}", style=variables.get("diag-error", "red"))
    if warnings:
        return Text(f"▲ {warnings}", style=variables.get("diag-warning", "yellow"))
    return Text("✓", style="green")


def short_folder(folder: Path) -> str:
    """A scope folder as the sidebar shows it: under HOME as `~/…`."""
    try:
        return "~/" + str(folder.relative_to(Path.home()))
    except ValueError:
        return str(folder)


def matches(entry: AgentEntry, needle: str) -> bool:
    """Whether the filter text occurs in the agent's name, file name or description."""
    if not needle:
        return True
    needle = needle.lower()
    document = entry.document
    description = getattr(document, "description", None) if document is not None else None
    haystack = [entry.display_name, entry.path.name, description if isinstance(description, str) else ""]
    return any(needle in part.lower() for part in haystack)


class AgentTree(Tree):
    """The tree of scopes and agents; a row too long for the list ends in an ellipsis (a plain
    Tree cuts it at the edge and scrolls sideways under a horizontal scrollbar)."""

    def render_label(self, node: TreeNode, base_style, style) -> Text:
        label = super().render_label(node, base_style, style)
        room = self.scrollable_content_region.width - self._indent(node)
        if room > 0 and label.cell_len > room:
            label.truncate(room, overflow="ellipsis")
        return label

    def _indent(self, node: TreeNode) -> int:
        """The columns of guides before a node's label (the root is not shown)."""
        depth = 0
        parent = node.parent
        while parent is not None and parent is not self.root:
            depth += 1
            parent = parent.parent
        return depth * self.guide_depth


class Sidebar(Vertical):
    """The filter box above a tree of scopes and their agents."""

    DEFAULT_CSS = """
    Sidebar { width: 42; border-right: solid $panel; }
    Sidebar > Input#agent-filter { border: none; height: 1; padding: 0 1; margin: 0 0 1 0; }
    Sidebar > Tree { height: 1fr; padding: 0; overflow-x: hidden; }
    Sidebar > #agent-loading { color: $text-muted; padding: 0 1; }
    """

    class AgentChosen(Message):
        """The user chose an agent file in the list."""

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._catalog: Catalog | None = None
        self._rows: dict[Path, TreeNode] = {}
        self._dirty: set[Path] = set()

    def compose(self) -> ComposeResult:
        # The filter box and the tree arrive with the catalog: the first frame shows this line
        # instead (an Input is a dozen widgets' worth of styling and rendering at launch).
        yield Label("reading agent folders…", id="agent-loading")

    @property
    def tree(self) -> Tree:
        """The tree of scopes and agents."""
        return self.query_one("#agent-tree", Tree)

    def show_catalog(self, catalog: Catalog) -> None:
        """Rebuild the list from the catalog (after load, or when files come and go)."""
        self._catalog = catalog
        if not self.is_attached:
            return  # the app is quitting
        if not self.query("#agent-tree"):
            self.query_one("#agent-loading").remove()
            tree: Tree = AgentTree("agents", id="agent-tree")
            tree.show_root = False
            tree.guide_depth = 2
            # Short enough for the narrowest list; the filter matches descriptions too.
            search = Input(placeholder="filter agents", id="agent-filter")
            self.mount_all([search, tree])
            apply_cursor_blink(self)
        self._rebuild()

    def set_dirty(self, path: Path, dirty: bool) -> None:
        """Mark an agent as having unsaved changes in the editor."""
        if dirty == (path in self._dirty):
            return
        (self._dirty.add if dirty else self._dirty.discard)(path)
        self.refresh_entries([e for e in [self._entry(path)] if e is not None])

    def refresh_entries(self, entries: list[AgentEntry]) -> None:
        """Update the rows of these entries in place (their findings or status changed)."""
        variables = self.app.theme_variables
        for entry in entries:
            node = self._rows.get(entry.path)
            if node is not None:
                node.data = entry
                node.set_label(entry_label(entry, variables, entry.path in self._dirty))

    def select_path(self, path: Path) -> None:
        """Move the tree cursor to an agent's row without opening it again."""
        node = self._rows.get(path)
        if node is not None:
            self._move_cursor(self.tree, node)

    @staticmethod
    def _move_cursor(tree: Tree, node: TreeNode) -> None:
        # A tree not drawn since it changed (hidden in a narrow terminal, or just rebuilt) has
        # not numbered its lines yet: the node's line would read -1, the cursor land on row 0.
        tree.last_line  # noqa: B018 (numbers the lines)
        tree.move_cursor(node)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._rebuild()

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        if isinstance(event.node.data, AgentEntry):
            self.post_message(self.AgentChosen(event.node.data.path))

    def _entry(self, path: Path) -> AgentEntry | None:
        return self._catalog.entry(path) if self._catalog is not None else None

    def _rebuild(self) -> None:
        if self._catalog is None:
            return  # still reading the folders; the filter applies once the list is there
        trees = self.query("#agent-tree")
        if not trees or not self.is_attached:
            return  # the app is quitting and the list is being taken down
        tree = trees.first(Tree)
        cursor = tree.cursor_node.data if tree.cursor_node is not None else None
        tree.clear()
        self._rows.clear()
        needle = self.query_one("#agent-filter", Input).value.strip()
        variables = self.app.theme_variables
        by_scope: dict[Scope, list[AgentEntry]] = {scope: [] for scope in self._catalog.scopes}
        for entry in self._catalog.entries:
            by_scope.setdefault(entry.scope, []).append(entry)
        for scope, entries in by_scope.items():
            shown = [e for e in entries if matches(e, needle)]
            count = f"{len(shown)}/{len(entries)}" if needle else str(len(entries))
            scope_label = Text.assemble((scope.kind.value, "bold"), f" {count}",
                                        (f"  {short_folder(scope.root)}", "dim"))
            scope_node = tree.root.add(scope_label, data=scope, expand=True)
            for entry in shown:
                self._rows[entry.path] = scope_node.add_leaf(
                    entry_label(entry, variables, entry.path in self._dirty), data=entry)
        if isinstance(cursor, AgentEntry) and cursor.path in self._rows:
            self._move_cursor(tree, self._rows[cursor.path])
