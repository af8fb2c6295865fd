"""The main screen: agent library (left), editor with problems (centre), chat column (right).

Flow: a key in the editor → `TextArea.Changed` → the debounced `_validate` worker re-validates the
buffer through the catalog and posts `Validated` → the handler paints underlines, gutter marks, the
problems list, the sidebar badge and the token meter. Workers never touch widgets.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from workbench.agents.catalog import AgentEntry, Catalog, Scope, ScopeKind
from workbench.agents.diagnostics import Diagnostic, Fix
from workbench.plural import plural
from workbench.ui import agent_files
from workbench.ui.agent_files import AgentFileProblem
from workbench.ui.frontmatter_edit import FrontmatterEditError, set_field
from workbench.ui.keymap import bindings, effective_keys
from workbench.ui.messages import AgentSelected
from workbench.ui.screens.choice import ChoiceDialog
from workbench.ui.widgets.conflict_banner import DELETED_CHOICES, ConflictBanner
from workbench.ui.widgets.editor_header import EditorHeader
from workbench.ui.widgets.sidebar import Sidebar, short_folder

if TYPE_CHECKING:
    from textual.widgets import TextArea

    from workbench.ui.chat.pane import ChatPane
    from workbench.ui.widgets.agent_editor import AgentEditor
    from workbench.ui.widgets.problems_list import ProblemsList

# Validation waits this long after a key so a burst of typing validates once (< 150 ms total).
DEBOUNCE_SECONDS = 0.05

MODELS = (("sonnet", "sonnet"), ("opus", "opus"), ("haiku", "haiku"), ("fable", "fable"),
          ("inherit from the main conversation (no model: line)", "inherit"),
          ("custom model id…", "custom"))
COLOURS = ("red", "blue", "green", "yellow", "purple", "orange", "pink", "cyan")
# agent-format.md §2.6, §2.10, §2.11: the values Claude Code accepts (`manual` is an alias of default).
PERMISSION_MODES = ("default", "acceptEdits", "auto", "dontAsk", "bypassPermissions", "plan")
MEMORY_SCOPES = ("user", "project", "local")
EFFORT_LEVELS = ("low", "medium", "high", "xhigh", "max")
# In the editor while no agent is open (it then takes no typing).
NO_AGENT_OPEN = "no agent open — pick one in the list (F2) or ctrl+n for a new one"
UNSET = "\x00unset"  # the option that removes the line; no field value can be this

# How many panes fit side by side: all three from WIDE columns, two from NARROW, else one.
WIDE = 100
NARROW = 70
PANE_IDS = {"sidebar": "#sidebar", "editor": "#editor-column", "chat": "#chat-column"}


def panes_shown(width: int, recent: list[str], hidden: set[str]) -> set[str]:
    """The panes a `width`-column screen shows: as many as fit, the most recently wanted first.

    `recent` orders the three panes by when the person last went to each; `hidden` are those they
    hid with a key. With room for two or three the editor is always one of them (the others come
    and go beside it); with room for one, it is the most recent one.
    """
    room = 3 if width >= WIDE else 2 if width >= NARROW else 1
    wanted = [pane for pane in recent if pane not in hidden or pane == "editor"]
    if room == 1:
        return {wanted[0]}
    return {"editor", *[pane for pane in wanted if pane != "editor"][:room - 1]}


class MainScreen(Screen):
    """Sidebar, editor and chat column; owns the open agent and its buffer."""

    # Its stylesheet, main.tcss, is loaded by the app (`WorkbenchApp.CSS_PATH`).
    BINDINGS = bindings(on_app=False)

    class CatalogLoaded(Message):
        """The catalog worker finished reading the scopes."""

        def __init__(self, catalog: Catalog) -> None:
            super().__init__()
            self.catalog = catalog

    class Validated(Message):
        """The validation worker's result for one state of the buffer."""

        def __init__(self, path: Path, text: str, diagnostics: list[Diagnostic],
                     touched: list[AgentEntry]) -> None:
            super().__init__()
            self.path = path
            self.text = text
            self.diagnostics = diagnostics
            self.touched = touched

    def __init__(self, scopes: list[Scope], open_path: Path | None = None) -> None:
        super().__init__()
        self._scopes = scopes
        self._initial_path = open_path
        self.catalog: Catalog | None = None
        self.path: Path | None = None
        self.disk_text: str | None = None  # the file as last read or saved; None if gone
        self._buffers: dict[Path, str] = {}  # unsaved buffers of agents switched away from
        self._loading_text = False
        self.painted_text: str | None = None  # the buffer state whose findings are on screen
        self._pending_disk: str | None = None  # the disk text the conflict banner is about
        self._missing_scopes: set[Path] = set()  # scope folders already reported gone
        # Whether a path lies in the package's bundled folder (asked on every key by the header;
        # resolving the path each time would cost the file system a dozen lookups per key).
        self._in_bundled_folder: dict[Path, bool] = {}
        self._recent_panes = ["editor", "sidebar", "chat"]  # most recently wanted first
        self._hidden_panes: set[str] = set()  # hidden with the toggle keys
        self._drafts: dict[Path, str] = {}  # the unsaved buffers as last written to drafts/
        self._drafts_timer = None
        self._drafts_due = 0.0  # time.monotonic() when edits will have paused long enough
        self._drafts_pool = None  # one thread: draft writes happen in order

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="workspace"):
            yield Sidebar(id="sidebar")
            with Vertical(id="editor-column"):
                yield ConflictBanner(id="conflict-banner")
                yield EditorHeader(id="editor-header")
                # The editor (a TextArea: the costliest widget of the screen to import, style and
                # draw) is mounted with the first agent; until then this blank stands in for it.
                yield Static(id="editor-placeholder")
            with Vertical(id="chat-column"):
                # The chat pane (and its Markdown and conversation modules) arrives after the
                # first frame: it is the biggest part of the screen and nothing in it is needed
                # before the person can read the list.
                yield Static("chat", id="chat-placeholder")
        yield Footer()

    # -- which panes are shown -----------------------------------------------------------------

    def on_resize(self, event) -> None:
        self._lay_out_panes(event.size.width)

    def on_screen_resume(self) -> None:
        # A resize while a dialog was on top reached this screen without a Resize event.
        self._lay_out_panes()

    def _lay_out_panes(self, width: int | None = None) -> None:
        if self.closing and not self.is_attached:
            return
        shown = panes_shown(width if width is not None else self.size.width,
                            self._recent_panes, self._hidden_panes)
        for pane, selector in PANE_IDS.items():
            for widget in self.query(selector):
                widget.display = pane in shown
        self.set_class(len(shown) == 1, "-one-pane")
        self.set_class(len(shown) == 2, "-two-panes")

    def pane_shown(self, pane: str) -> bool:
        """Whether "sidebar", "editor" or "chat" is on screen now."""
        return self.query_one(PANE_IDS[pane]).display

    def show_pane(self, pane: str) -> None:
        """Bring a pane on screen (its key was pressed): in a narrow terminal another one makes
        room for it."""
        self._hidden_panes.discard(pane)
        if self._recent_panes[0] != pane:
            self._recent_panes.remove(pane)
            self._recent_panes.insert(0, pane)
        self._lay_out_panes()

    def _pane_of(self, widget) -> str | None:
        """Which pane ("sidebar", "editor", "chat") holds `widget`, if any."""
        by_id = {selector[1:]: pane for pane, selector in PANE_IDS.items()}
        for node in widget.ancestors_with_self:
            if node.id in by_id:
                return by_id[node.id]
        return None

    def on_descendant_focus(self, event) -> None:
        # Focus moving into a pane (a click, Tab, a widget focusing itself) makes it the most
        # recently wanted one, and shows it if it was off screen.
        pane = self._pane_of(event.widget)
        if pane is not None and (self._recent_panes[0] != pane or not self.pane_shown(pane)):
            self.show_pane(pane)
        if pane == "editor":
            self._show_problem_detail()  # the list's problem, or the cursor's

    def _toggle_pane(self, pane: str) -> None:
        if not self.pane_shown(pane):
            self.show_pane(pane)
            focused = self.focused
            if focused is not None and not self.pane_shown(self._pane_of(focused) or pane):
                self._focus_pane(pane)  # it took the place of the focused pane
            return
        self._hidden_panes.add(pane)
        self._recent_panes.remove(pane)
        self._recent_panes.append(pane)
        focused = self.focused
        if focused is not None and self._pane_of(focused) == pane:
            # Nothing focused may stay off screen: the editor takes the keys instead.
            self.show_pane("editor")
            self.editor.focus()
        self._lay_out_panes()

    def _focus_pane(self, pane: str) -> None:
        if pane == "sidebar":
            if self.query("#agent-tree"):
                self.query_one(Sidebar).tree.focus()
        elif pane == "chat":
            self.chat.focus_input()
        else:
            self.editor.focus()

    def action_toggle_sidebar(self) -> None:
        """Show or hide the agent list."""
        self._toggle_pane("sidebar")

    def action_toggle_chat(self) -> None:
        """Show or hide the chat column."""
        self._toggle_pane("chat")

    @property
    def editor(self) -> AgentEditor:
        """The agent editor; mounted with the first agent, or here when first asked for."""
        from workbench.ui.widgets.agent_editor import AgentEditor

        found = self.query("#editor")
        if found:
            return found.first(AgentEditor)
        editor = AgentEditor(id="editor", placeholder=NO_AGENT_OPEN, read_only=self.path is None)
        editor.cursor_blink = getattr(getattr(self.app, "settings", None), "cursor_blink", True)
        column = self.query_one("#editor-column")
        column.query("#editor-placeholder").remove()
        column.mount(editor, after="#editor-header")
        return editor

    @property
    def problems(self) -> ProblemsList:
        """The problems list; mounted with the first agent, so the first frame does not pay for it."""
        # Imported here: DataTable is not needed before the first agent opens.
        from workbench.ui.widgets.problems_list import ProblemsList

        from workbench.ui.widgets.problems_list import ProblemDetail

        found = self.query(ProblemsList)
        if found:
            return found.first(ProblemsList)
        problems = ProblemsList(id="problems")
        # Under the list, the whole message of the problem at hand (the list cuts it short).
        detail = ProblemDetail(id="problem-detail")
        detail.display = False
        self.query_one("#editor-column").mount_all([problems, detail])
        return problems

    def _show_problem_detail(self) -> None:
        """The detail line: the problem highlighted in the list while the list has the keys,
        else the one at the editor's cursor; hidden while the agent has no problems."""
        found = self.query("#problem-detail")
        if not found:
            return
        detail = found.first()
        problems = self.problems
        if not problems.diagnostics:
            detail.display = False
            return
        detail.display = True
        if self.focused is problems:
            diagnostic = problems.highlighted
        else:
            here = self.problems_at_cursor()
            diagnostic = here[0] if here else None
        position = None
        if diagnostic is not None:
            row, column = self.editor.document.get_location_from_index(diagnostic.start)
            position = (row + 1, column + 1)
        keys = getattr(getattr(self.app, "settings", None), "keys", {})
        next_key = keys.get("next_problem", "f8").split(",")[0]
        detail.show(diagnostic, position,
                    hint=f"no problem at the cursor · {next_key.upper()}: the next one")

    def on_text_area_selection_changed(self, event) -> None:
        # Handled by name, so that TextArea need not be imported for the first frame.
        if event.text_area.id == "editor" and self.editor.diagnostics:
            self._show_problem_detail()

    def on_data_table_row_highlighted(self, event) -> None:
        if event.data_table.id == "problems":
            self._show_problem_detail()

    @property
    def dirty(self) -> bool:
        """Whether the buffer differs from the file on disk."""
        return self.path is not None and self.editor.text != self.disk_text

    @property
    def closing(self) -> bool:
        """Whether the app is exiting (or this screen is gone): work scheduled during start-up,
        such as mounting the chat pane or showing the catalog, is then skipped, since the widgets
        it would touch are being taken down."""
        return not self.is_attached or self._closing or self._closed

    def on_mount(self) -> None:
        if self.closing:
            return  # quit before the screen was up
        # Cursor blink: the sidebar's filter box, the editor and the chat pane set theirs as they
        # are mounted, all after the first frame.
        self._show_header()
        # The chat pane and reading the scopes start once the first frame is on screen, so
        # neither delays it.
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        if self.closing:
            return
        # The pane is in place before the catalog is read, so it hears which agent opens.
        self._ensure_chat()
        self._load_catalog()

    @work(thread=True, exclusive=True, group="catalog")
    def _load_catalog(self) -> None:
        self.post_message(self.CatalogLoaded(Catalog.load(self._scopes)))

    def on_main_screen_catalog_loaded(self, message: CatalogLoaded) -> None:
        if self.closing:
            return  # read while the app was quitting
        self.catalog = message.catalog
        sidebar = self.query_one(Sidebar)
        sidebar.show_catalog(self.catalog)
        for problem in self.catalog.problems:
            self.notify(f"{problem.path}: {problem.message}", severity="warning")
        target = self._initial_path
        if target is None:
            readable = [e for e in self.catalog.entries if e.document is not None]
            target = readable[0].path if readable else None
        if target is not None and self.open_agent(target):
            self.editor.focus()
        self.app.start_watching(self.catalog)
        if self.app.exit_after == "loaded":
            self.call_after_refresh(self.app.exit)

    # -- the chat engineer's hooks --------------------------------------------------------

    def current_agent_source(self) -> tuple[str, Path | None]:
        """The editor's text (saved or not) and the path of the open agent."""
        return self.editor.text, self.path

    @property
    def chat(self) -> ChatPane:
        """The chat pane; mounted just after the first frame, or here if asked for before that."""
        return self._ensure_chat()

    def _ensure_chat(self) -> ChatPane:
        from workbench.ui.chat.pane import ChatPane

        found = self.query(ChatPane)
        if found:
            return found.first(ChatPane)
        pane = ChatPane()
        column = self.query_one("#chat-column")
        column.query("#chat-placeholder").remove()
        column.mount(pane)
        return pane

    def action_focus_chat(self) -> None:
        """F4: the chat input."""
        self.show_pane("chat")
        self.chat.focus_input()

    async def action_run_agent(self) -> None:
        """F5: run the typed task, else re-run the last one with the editor's current text."""
        self.show_pane("chat")
        await self.chat.run_or_rerun()

    def action_previous_run(self) -> None:
        """F9: show the chat pane's previous run."""
        self.show_pane("chat")
        self.chat.action_previous_run()

    def action_compare_runs(self) -> None:
        """F10: the chat task against two variants of this agent, side by side."""
        from workbench.ui.screens.compare import choose_variants

        choose_variants(self, self.chat)

    def action_open_tests(self) -> None:
        """ctrl+r: the Tests view of the open agent, its saved file against the editor's buffer."""
        from workbench.ui.screens.tests_view import TestsScreen

        if self.path is None:
            self.notify(NO_AGENT_OPEN, severity="warning")
            return
        self.app.push_screen(TestsScreen(self.path, self.editor.text, self.disk_text, catalog=self.catalog,
                                         model=self.chat.model, cwd=self.chat.cwd, engine=self.chat.engine,
                                         run_as=self.chat.run_as))

    def action_generate_agent(self) -> None:
        """Describe an agent in a sentence; the model writes it, the rules check it, then it opens."""
        from workbench.ui.screens.generate import GenerateScreen

        def saved(path: Path | None) -> None:
            if path is not None:
                self._library_changed(path)

        self.app.push_screen(GenerateScreen(self.writable_scopes(), model=self.chat.model), saved)

    # -- opening -----------------------------------------------------------------------------

    def open_agent(self, path: Path) -> bool:
        """Show an agent in the editor; an unsaved buffer of the previous one is kept aside."""
        path = Path(path)
        if path == self.path:
            return True
        if path in self._buffers:
            text = self._buffers[path]
            try:
                disk = agent_files.read_for_editing(path)
            except AgentFileProblem:
                disk = None
        else:
            try:
                text = disk = agent_files.read_for_editing(path)
            except AgentFileProblem as problem:
                self.notify(str(problem), title="Cannot open", severity="error")
                return False
        if self.path is not None and self.dirty:
            self._buffers[self.path] = self.editor.text
        self._buffers.pop(path, None)
        self.path = path
        self.disk_text = disk
        self.query_one(ConflictBanner).hide()
        self._load_editor_text(text)
        if disk is None:
            self._show_deleted_banner()
        self.query_one(Sidebar).select_path(path)
        self._announce_selection()
        return True

    def _load_editor_text(self, text: str) -> None:
        editor = self.editor
        # load_text posts Changed; that first validation runs without the typing debounce.
        self._loading_text = True
        editor.read_only = False
        editor.load_text(text)
        editor.set_diagnostics([])
        self._show_header()

    def _announce_selection(self) -> None:
        self.post_message(AgentSelected(self.path))
        for widget in self.query("#chat-column > *"):
            widget.post_message(AgentSelected(self.path))

    @on(Sidebar.AgentChosen)
    def _agent_chosen(self, event: Sidebar.AgentChosen) -> None:
        if self.open_agent(event.path):
            self.editor.focus()

    # -- live validation ---------------------------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        # Handled by name, so that TextArea need not be imported for the first frame.
        if event.text_area.id != "editor":
            return
        debounce = not self._loading_text
        self._loading_text = False
        if debounce:
            # Typing in the editor while a run streams: the pane renders less often meanwhile, so
            # the keys reach the screen first (as it does for its own input).
            for pane in self.query("ChatPane"):
                pane.note_typing()
        if self.path is None:
            return
        self._validate(self.path, self.editor.text, debounce=debounce)
        self._show_header()
        self.query_one(Sidebar).set_dirty(self.path, self.dirty)
        self.drafts_soon()

    @work(exclusive=True, group="validate")
    async def _validate(self, path: Path | None, text: str, debounce: bool = False) -> None:
        if path is None:
            return
        if debounce:
            await asyncio.sleep(DEBOUNCE_SECONDS)
        if self.catalog is not None and self.catalog.scope_of(path) is not None:
            touched = self.catalog.update(path, text)
            entry = self.catalog.entry(path)
            diagnostics = entry.diagnostics if entry is not None else []
        else:
            from workbench.agents.document import AgentDocument
            from workbench.agents.rules import validate

            touched, diagnostics = [], validate(AgentDocument.parse(text, path=path))
        self.post_message(self.Validated(path, text, diagnostics, touched))

    def on_main_screen_validated(self, message: Validated) -> None:
        if self.closing:
            return
        if message.path != self.path or message.text != self.editor.text:
            return  # a newer edit is on its way
        self.editor.set_diagnostics(message.diagnostics)
        self.problems.show(message.diagnostics, message.text)
        self._show_problem_detail()
        self.query_one(Sidebar).refresh_entries(message.touched)
        self._show_header()
        self.painted_text = message.text

    def _show_header(self) -> None:
        description = scope_total = None
        if self.path is not None and self.catalog is not None:
            entry = self.catalog.entry(self.path)
            if entry is not None and entry.document is not None:
                description = entry.description_tokens
                scope_total = self.catalog.description_tokens(entry.scope)
        header = self.query(EditorHeader)
        if not header:
            return  # the screen is being taken down
        note = None
        if self._is_bundled(self.path):
            key = effective_keys(getattr(self.app.settings, "keys", {}))["save"]
            note = f"read-only bundled example · {key} saves a copy"
        header.first(EditorHeader).show_state(
            self.path, self.dirty, description, scope_total,
            self.app.theme_variables.get("diag-warning", "yellow"), read_only=note,
            on_disk=self.path is None or self.disk_text is not None)

    def on_problems_list_problem_chosen(self, event: ProblemsList.ProblemChosen) -> None:
        self.editor.move_cursor_to_offset(event.diagnostic.start)
        self.editor.focus()

    def action_next_problem(self) -> None:
        """Move the cursor to the next problem after it (wrapping round)."""
        diagnostics = sorted(self.editor.diagnostics, key=lambda d: d.start)
        if not diagnostics:
            self.notify("no problems in this agent")
            return
        offset = self.editor.cursor_offset
        following = [d for d in diagnostics if d.start > offset]
        self.editor.move_cursor_to_offset((following or diagnostics)[0].start)
        self.editor.focus()

    # -- fixes -------------------------------------------------------------------------------

    def problems_at_cursor(self, fixable: bool = False) -> list[Diagnostic]:
        """The problems under the cursor (else on its line), most severe first; with `fixable`,
        only those with a fix."""
        offset = self.editor.cursor_offset
        candidates = [d for d in self.editor.diagnostics if d.fix is not None or not fixable]
        here = [d for d in candidates if d.start <= offset <= max(d.end, d.start + 1)]
        if not here:
            row = self.editor.cursor_location[0]
            here = [d for d in candidates
                    if self.editor.document.get_location_from_index(d.start)[0] == row]
        here.sort(key=lambda d: (d.severity.rank, d.start))
        return here

    def fixes_at_cursor(self) -> list[tuple[Diagnostic, Fix]]:
        """The fixes of the problems under the cursor (else on its line), most severe first."""
        return [(d, d.fix) for d in self.problems_at_cursor(fixable=True)]

    def action_quick_fix(self) -> None:
        """Apply the fix of the problem under the cursor; ask which when there are several or the
        only one is unsafe."""
        fixes = self.fixes_at_cursor()
        if not fixes:
            self.notify("no quick fix under the cursor")
            return
        # A lone safe fix applies at once; an unsafe one is shown first, marked as such.
        if len(fixes) == 1 and fixes[0][1].safe:
            self.apply_fix(fixes[0][1])
            return
        options = [(f"{d.code}: {fix.description}" + ("" if fix.safe else " (unsafe)"), str(i))
                   for i, (d, fix) in enumerate(fixes)]

        def chosen(choice: str | None) -> None:
            if choice is not None:
                self.apply_fix(fixes[int(choice)][1])

        self.app.push_screen(ChoiceDialog("Which fix?", options), chosen)

    def apply_fix(self, fix: Fix) -> None:
        """Apply one fix's edits to the buffer (undoable)."""
        from workbench.agents.fixes import apply_edits

        self.editor.replace_text_keeping_history(apply_edits(self.editor.text, list(fix.edits)))
        self.notify(f"fixed: {fix.description}")

    def action_fix_all(self) -> None:
        """Apply every safe fix to the buffer."""
        from workbench.agents.fixes import fix_text

        if self.path is None:
            return
        new_text, fixed = fix_text(self.editor.text, path=self.path)
        if not fixed:
            self.notify("no safe fixes to apply")
            return
        self.editor.replace_text_keeping_history(new_text)
        self.notify(f"applied {plural(len(fixed), 'safe fix', 'safe fixes')}")

    # -- form helpers ------------------------------------------------------------------------

    def _set_field(self, key: str, value: str | None) -> None:
        try:
            new_text = set_field(self.editor.text, key, value)
        except FrontmatterEditError as error:
            self.notify(f"cannot edit {key}: {error}", severity="error")
            return
        self.editor.replace_text_keeping_history(new_text)

    def _document(self):
        from workbench.agents.document import AgentDocument

        return AgentDocument.parse(self.editor.text, path=self.path)

    def action_edit_tools(self) -> None:
        """Pick the agent's tools, grouped as the old wizard grouped them."""
        if self.path is None:
            return
        from workbench.ui.screens.tool_picker import ToolChoice, ToolPickerDialog, mcp_server_names

        document = self._document()
        current = document.tools if "tools" in document.key_spans else None
        servers = mcp_server_names(document.field_value("mcpServers"))

        def chosen(choice: ToolChoice | None) -> None:
            if choice is not None:
                self._set_field("tools", None if choice.tools is None else ", ".join(choice.tools))

        self.app.push_screen(ToolPickerDialog(current, servers), chosen)

    def action_edit_model(self) -> None:
        """Pick the agent's model: an alias, inherit, or a custom id."""
        if self.path is None:
            return
        from workbench.ui.screens.text_prompt import TextPromptDialog

        model = self._document().model
        current = model if isinstance(model, str) and model in dict(MODELS).values() else "inherit"

        def custom(value: str | None) -> None:
            if value:
                self._set_field("model", value)

        def chosen(choice: str | None) -> None:
            if choice == "custom":
                self.app.push_screen(TextPromptDialog(
                    "Model id (for example claude-sonnet-4-5)",
                    model if isinstance(model, str) else ""), custom)
            elif choice is not None:
                self._set_field("model", None if choice == "inherit" else choice)

        self.app.push_screen(ChoiceDialog("Model", [(label, v) for label, v in MODELS], current),
                             chosen)

    def action_edit_color(self) -> None:
        """Pick the agent's colour: one of the eight, or automatic."""
        if self.path is None:
            return
        from rich.text import Text

        from workbench.ui.colours import AGENT_COLOURS

        color = self._document().color
        options: list[tuple[str | Text, str]] = [("automatic (no color: line)", "automatic")]
        options += [(Text.assemble(("■ ", AGENT_COLOURS[c]), c), c) for c in COLOURS]

        def chosen(choice: str | None) -> None:
            if choice is not None:
                self._set_field("color", None if choice == "automatic" else choice)

        self.app.push_screen(ChoiceDialog("Colour", options,
                                          color if color in COLOURS else "automatic"), chosen)

    def _pick_value(self, key: str, title: str, values: tuple[str, ...], unset: str) -> None:
        """A list of `values` for the frontmatter field `key`; `unset` removes its line."""
        if self.path is None:
            return
        current = self._document().field_value(key)
        options = [(unset, UNSET)] + [(value, value) for value in values]

        def chosen(choice: str | None) -> None:
            if choice is not None:
                self._set_field(key, None if choice == UNSET else choice)

        self.app.push_screen(ChoiceDialog(title, options, current if current in values else UNSET),
                             chosen)

    def action_edit_permission_mode(self) -> None:
        """Pick the agent's `permissionMode`, or none (the parent's mode)."""
        self._pick_value("permissionMode", "Permission mode", PERMISSION_MODES,
                         "the parent's mode (no permissionMode: line)")

    def action_edit_memory(self) -> None:
        """Pick the agent's `memory` scope, or none."""
        self._pick_value("memory", "Memory", MEMORY_SCOPES, "no memory (no memory: line)")

    def action_edit_effort(self) -> None:
        """Pick the agent's `effort`, or the session's."""
        self._pick_value("effort", "Effort", EFFORT_LEVELS, "the session's effort (no effort: line)")

    # -- saving and the disk -----------------------------------------------------------------

    def action_save(self) -> None:
        """Save the buffer atomically; on failure the buffer stays and says why. A bundled example
        is never written: its buffer is saved as a copy in a scope of the person's choice."""
        if self.path is None:
            self.notify("no agent open to save", timeout=3)
            return
        if self._is_bundled(self.path):
            self._save_copy()
            return
        text = self.editor.text
        try:
            agent_files.save(self.path, text)
        except AgentFileProblem as problem:
            self.notify(str(problem), title="Not saved", severity="error", timeout=8)
            return
        self.disk_text = text
        self.query_one(ConflictBanner).hide()
        sidebar = self.query_one(Sidebar)
        if self.catalog is not None and self.catalog.entry(self.path) is None:
            # Saved back after it was deleted on disk: it is in the library again.
            self.catalog.update(self.path)
            sidebar.show_catalog(self.catalog)
        sidebar.set_dirty(self.path, False)
        self._show_header()
        self._write_drafts()
        self.notify(f"saved {self.path.name}", timeout=2)

    def files_changed(self, paths: set[Path]) -> None:
        """Files changed on disk (from the watcher): refresh the catalog, the list, the buffer."""
        if self.catalog is None:
            return
        structure_changed = False
        touched: list[AgentEntry] = []
        for path in paths:
            known = self.catalog.entry(path) is not None
            if path == self.path and self.dirty:
                continue  # the buffer's own validation keeps this entry
            touched.extend(self.catalog.update(path))
            structure_changed |= known != (self.catalog.entry(path) is not None)
        sidebar = self.query_one(Sidebar)
        if structure_changed:
            sidebar.show_catalog(self.catalog)
        else:
            sidebar.refresh_entries(touched)
        for scope in self.catalog.scopes:
            if not scope.root.is_dir() and scope.root not in self._missing_scopes:
                self._missing_scopes.add(scope.root)
                self.notify(f"the scope folder {scope.root} no longer exists", severity="warning")
        if self.path is not None and self.path in paths:
            self._open_file_changed()

    def _open_file_changed(self) -> None:
        assert self.path is not None
        try:
            disk = agent_files.read_for_editing(self.path)
        except AgentFileProblem:
            disk = None
        if disk == self.disk_text:
            return  # our own save, or a touch that changed nothing
        if disk is None:
            self.disk_text = None
            self.query_one(Sidebar).set_dirty(self.path, True)
            self._show_header()
            self.notify(f"{self.path.name} was deleted or became unreadable on disk; your buffer "
                        "is kept — ctrl+s writes it back", severity="warning", timeout=8)
            self._show_deleted_banner()
            return
        if disk == self.editor.text:
            # Back on disk as the buffer has it (written again elsewhere): nothing to resolve.
            self.disk_text = disk
            self.query_one(ConflictBanner).hide()
            self.query_one(Sidebar).set_dirty(self.path, False)
            self._show_header()
            return
        if not self.dirty:
            self.disk_text = disk
            self.editor.replace_text_keeping_history(disk)
            return
        self._pending_disk = disk
        self.query_one(ConflictBanner).show_conflict(
            f"{self.path.name} changed on disk and you have unsaved edits.")

    def _show_deleted_banner(self) -> None:
        self.query_one(ConflictBanner).show_conflict(
            f"{self.path.name} was deleted on disk; the editor still has its text.",
            DELETED_CHOICES)

    @on(ConflictBanner.Resolved)
    def _conflict_resolved(self, event: ConflictBanner.Resolved) -> None:
        banner = self.query_one(ConflictBanner)
        disk = self._pending_disk
        if event.choice == "diff":
            from workbench.ui.screens.diff_view import DiffScreen

            self.app.push_screen(DiffScreen(disk or "", self.editor.text, self.path.name))
            return
        if event.choice == "save":
            self.action_save()  # takes the banner down once written
            return
        if event.choice == "close":
            self._close_deleted()
            return
        banner.hide()
        if event.choice == "reload" and disk is not None:
            self.disk_text = disk
            self.editor.replace_text_keeping_history(disk)
        elif event.choice == "keep":
            # The buffer stays; saving will overwrite the disk version deliberately.
            self.disk_text = disk
            self.query_one(Sidebar).set_dirty(self.path, self.dirty)
            self._show_header()

    @work(exclusive=True, group="save-copy")
    async def _save_copy(self) -> None:
        """ctrl+s on a bundled example: `save_copy`, in a worker (it waits for the dialog)."""
        await self.save_copy()

    async def save_copy(self) -> bool:
        """Save the bundled example's buffer as `<file>.md` in a writable scope (the copy then
        shadows the example), never over a file there; open the copy, the example left as shipped.
        True when the copy was saved."""
        source, text = self.path, self.editor.text
        entry = self.catalog.entry(source) if self.catalog is not None else None
        name = entry.display_name if entry is not None else source.stem
        scopes = self._writable()
        title = f"Save a copy of {name} to:"
        while True:
            options = [(f"{s.kind.value}  {short_folder(s.root)}", str(i))
                       for i, s in enumerate(scopes)]
            choice = await self.app.push_screen_wait(ChoiceDialog(title, options))
            if choice is None:
                return False
            scope = scopes.pop(int(choice))
            target = scope.root / source.name
            if not target.exists():
                break
            taken = f"{source.name} already exists in {short_folder(scope.root)}; not overwritten."
            if not scopes:
                self.notify(taken, title="No copy saved", severity="warning", timeout=8)
                return False
            title = f"{taken} Save the copy of {name} to (esc cancels):"
        try:
            agent_files.create(target, text)
        except AgentFileProblem as problem:
            self.notify(str(problem), title="No copy saved", severity="error", timeout=8)
            return False
        if self.catalog is not None:
            self.catalog.update(source)  # the example's entry as shipped, not the edited buffer
        self._buffers.pop(source, None)
        self.query_one(Sidebar).set_dirty(source, False)
        if self.path == source:
            self.path = None  # the edits went into the copy; nothing to keep aside
        self._library_changed(target)
        shipped = self.catalog.entry(source) if self.catalog is not None else None
        winner = shipped.winner if shipped is not None else None
        shadowed = winner is not None and winner.path == target
        self.notify(f"saved a copy of {name} to {short_folder(target)}"
                    + ("; it now takes the place of the bundled example" if shadowed else ""),
                    timeout=6)
        return True

    def _is_bundled(self, path: Path | None) -> bool:
        """Whether the path is one of the package's bundled example agents (read-only)."""
        if path is None:
            return False
        scope = self.catalog.scope_of(path) if self.catalog is not None else None
        if scope is not None and scope.kind is ScopeKind.BUNDLED:
            return True
        inside = self._in_bundled_folder.get(path)
        if inside is None:
            inside = self._in_bundled_folder[path] = agent_files.is_bundled(path)
        return inside

    def _refuse_bundled(self) -> bool:
        """Say why the open agent cannot be renamed or deleted when it is a bundled example."""
        if not self._is_bundled(self.path):
            return False
        self.notify(agent_files.BUNDLED_READ_ONLY, title="Read-only", severity="warning")
        return True

    # -- unsaved edits -----------------------------------------------------------------------

    def drafts_soon(self, delay: float = 0.5) -> None:
        """Keep the unsaved buffers as drafts (workbench.drafts) once edits pause for `delay` s:
        `workbench test --variant buffer` runs them. Saved, reverted or discarded: removed.
        Called on every key, so it only moves the due time; one timer at a time waits for it."""
        self._drafts_due = time.monotonic() + delay
        if self._drafts_timer is None:
            self._drafts_timer = self.set_timer(delay, self._drafts_tick)

    def _drafts_tick(self) -> None:
        self._drafts_timer = None
        left = self._drafts_due - time.monotonic()
        if left > 0.005:  # typed again since: wait for the pause
            self._drafts_timer = self.set_timer(left, self._drafts_tick)
            return
        self._write_drafts()

    def _write_drafts(self, buffers: dict[Path, str] | None = None) -> None:
        """Bring the drafts in line with `buffers` (default: the unsaved buffers now), on the
        drafts thread (writes stay in order, and finish even when the app exits next)."""
        from concurrent.futures import ThreadPoolExecutor

        from workbench.drafts import sync_drafts

        if buffers is None:
            if self.closing:
                return
            buffers = self.unsaved_buffers()
        if buffers == self._drafts:
            return
        if self._drafts_pool is None:
            self._drafts_pool = ThreadPoolExecutor(1, thread_name_prefix="drafts")
        previous, self._drafts = self._drafts, buffers
        self._drafts_pool.submit(sync_drafts, buffers, previous)

    def discard_drafts(self) -> None:
        """The unsaved edits were discarded (quitting without saving): forget their drafts."""
        self._drafts = {**self.unsaved_buffers(), **self._drafts}
        self._write_drafts({})

    def unsaved_buffers(self) -> dict[Path, str]:
        """Every buffer with edits that are not on disk: the open agent's and those of agents
        switched away from, by path."""
        if self.closing:
            return {}
        buffers = dict(self._buffers)
        if self.path is not None and self.query("#editor") and self.dirty:
            buffers[self.path] = self.editor.text
        return buffers

    async def save_all(self) -> bool:
        """Write every unsaved buffer; False when one could not be written (each failure is
        said, and its buffer kept). The open agent, when it is a bundled example, is saved as a
        copy where the person chooses (the dialog is awaited); others switched away from are
        named, not saved."""
        saved_all = True
        sidebar = self.query_one(Sidebar)
        for path, text in list(self._buffers.items()):
            if self._is_bundled(path):
                self.notify(f"{path.name} is a bundled example and is never saved in place: open it "
                            "and save it as a copy, or discard its edits",
                            title="Not saved", severity="warning", timeout=8)
                saved_all = False
                continue
            try:
                agent_files.save(path, text)
            except AgentFileProblem as problem:
                self.notify(str(problem), title="Not saved", severity="error", timeout=8)
                saved_all = False
                continue
            del self._buffers[path]
            sidebar.set_dirty(path, False)
        if self.path is not None and self.dirty:
            if self._is_bundled(self.path):
                saved_all &= await self.save_copy()
            else:
                self.action_save()
                saved_all &= not self.dirty
        self._write_drafts()
        return saved_all

    # -- library operations ------------------------------------------------------------------

    def _writable(self) -> list[Scope]:
        """The folders an agent can be written to: the catalog's project scopes (else the working
        folder's `.claude/agents/`, made when first written), the user's (~/.claude/agents, even
        before it exists), then named folders; never the bundled examples."""
        scopes = [s for s in (self.catalog.scopes if self.catalog else [])
                  if s.kind is not ScopeKind.BUNDLED and s.files is None
                  and not agent_files.is_bundled(s.root)]
        if not any(s.kind is ScopeKind.PROJECT for s in scopes):
            scopes.insert(0, Scope(ScopeKind.PROJECT, Path.cwd() / ".claude" / "agents"))
        if not any(s.kind is ScopeKind.USER for s in scopes):
            projects = sum(s.kind is ScopeKind.PROJECT for s in scopes)
            scopes.insert(projects, Scope(ScopeKind.USER, Path.home() / ".claude" / "agents"))
        return scopes

    def writable_scopes(self) -> list[tuple[str, Path]]:
        """(label, folder) of the scopes a new agent can go to; the project's by default."""
        return [(f"{s.kind.value}  {short_folder(s.root)}", s.root) for s in self._writable()]

    def action_new_agent(self) -> None:
        """Create an agent from the template in a chosen scope and open it."""
        from workbench.ui.screens.new_agent import NewAgentDialog, NewAgentRequest, agent_template

        def chosen(request: NewAgentRequest | None) -> None:
            if request is None:
                return
            try:
                agent_files.create(request.path, agent_template(request.name, request.description))
            except AgentFileProblem as problem:
                self.notify(str(problem), severity="error")
                return
            self._library_changed(request.path)

        self.app.push_screen(NewAgentDialog(self.writable_scopes()), chosen)

    def _ask_name(self, title: str, default: str, then, folder: Path | None = None) -> None:
        from workbench.ui.screens.new_agent import check_name
        from workbench.ui.screens.text_prompt import TextPromptDialog

        folder = folder or (self.path.parent if self.path else None)
        self.app.push_screen(TextPromptDialog(title, default, lambda n: check_name(n, folder)), then)

    def action_duplicate_agent(self) -> None:
        """Save a copy of the open agent under a new name and open it (beside it; a bundled
        example's copy goes to the project's scope)."""
        if self.path is None:
            return
        folder = self._writable()[0].root if self._is_bundled(self.path) else self.path.parent

        def named(name: str | None) -> None:
            if name:
                try:
                    target = agent_files.duplicate(self.path, self.editor.text, name, folder)
                except AgentFileProblem as problem:
                    self.notify(str(problem), severity="error")
                    return
                self._library_changed(target)

        self._ask_name("Name of the copy", f"{self.path.stem}-copy", named, folder)

    def action_rename_agent(self) -> None:
        """Rename the open agent; the file follows the name."""
        if self.path is None or self._refuse_bundled():
            return

        def named(name: str | None) -> None:
            if not name:
                return
            old, buffer = self.path, self.editor.text
            if self.disk_text is None:
                self.notify(f"{old.name} is not on disk; save it (ctrl+s) before renaming it",
                            severity="error")
                return
            try:
                target = agent_files.rename(old, name)
            except AgentFileProblem as problem:
                self.notify(str(problem), severity="error")
                return
            self.path = None
            self.catalog.remove(old)
            if buffer != self.disk_text:
                # The unsaved edits stay unsaved, under the new name too (unless the buffer's
                # frontmatter cannot take it).
                try:
                    buffer = agent_files.with_name(buffer, name)
                except AgentFileProblem:
                    pass
                self._buffers[target] = buffer
            self._library_changed(target)
            self.notify(f"renamed to {target.name}")

        self._ask_name("New name (the file becomes <name>.md)", self.path.stem, named)

    def action_delete_agent(self) -> None:
        """Delete the open agent's file after a confirmation."""
        if self.path is None or self._refuse_bundled():
            return
        path = self.path

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                agent_files.delete(path)
            except AgentFileProblem as problem:
                self.notify(str(problem), severity="error")
                return
            self.catalog.remove(path)
            self._buffers.pop(path, None)
            self._close_agent()
            self.notify(f"deleted {path.name}")

        from workbench.ui.screens.confirm import ConfirmDialog

        self.app.push_screen(ConfirmDialog(f"Delete {path.name}? This cannot be undone."), answered)

    def _close_deleted(self) -> None:
        """The banner's "Close" for a file deleted on disk: its text is nowhere else, so ask."""
        from workbench.ui.screens.confirm import ConfirmDialog

        path = self.path
        if path is None:
            return

        def answered(yes: bool | None) -> None:
            if yes and self.path == path and self.disk_text is None:
                self._close_agent()

        self.app.push_screen(ConfirmDialog(
            f"Close {path.name}? It is no longer on disk, so its text will be gone.", "Close"),
            answered)

    def _close_agent(self) -> None:
        """No agent open: the editor empty and read-only until one is opened."""
        self.path = None
        self.disk_text = None
        self.query_one(ConflictBanner).hide()
        self._loading_text = True
        editor = self.editor
        editor.load_text("")
        editor.read_only = True
        editor.set_diagnostics([])
        self.problems.show([], "")
        self._show_problem_detail()
        if self.catalog is not None:
            self.query_one(Sidebar).show_catalog(self.catalog)
        self._show_header()
        self._announce_selection()

    def _library_changed(self, open_path: Path) -> None:
        if self.catalog is not None:
            if self.catalog.scope_of(open_path) is None:
                # The first agent of a writable folder made just now (a project's first
                # .claude/agents/): the folder becomes a scope, listed and watched.
                made = [s for s in self._writable() if s.root == open_path.parent]
                if made:
                    self.catalog.add_scope(made[0])
                    self.app.start_watching(self.catalog)
            self.catalog.update(open_path)
            self.query_one(Sidebar).show_catalog(self.catalog)
        self.open_agent(open_path)
        self.editor.focus()

    # -- focus -------------------------------------------------------------------------------

    def action_focus_sidebar(self) -> None:
        """F2: the agent list."""
        self.show_pane("sidebar")
        if self.query("#agent-tree"):
            self.query_one(Sidebar).tree.focus()

    def action_filter_agents(self) -> None:
        """Shift+F2: the agent list's filter box (there once the catalog is shown)."""
        self.show_pane("sidebar")
        box = self.query("#agent-filter")
        if box:
            box.first().focus()
        else:
            self.notify("the agent list is still being read", timeout=3)

    def action_focus_editor(self) -> None:
        """F3: the editor."""
        self.show_pane("editor")
        self.editor.focus()
