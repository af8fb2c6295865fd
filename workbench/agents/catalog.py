"""The agent files Claude Code would load, by scope, with the winner of every name known.

Scopes in Claude Code's precedence (shared/reference/agent-format.md §5): project `.claude/agents/`
from the working directory up to the repository root (never above HOME), nearest first; the user's
`~/.claude/agents/`; folders named on the command line; the bundled `agents/`. Folders are searched
recursively, symlinks followed, a file reached twice (same inode) counted once. Identity is the
`name` field. Within one scope two files with one name are duplicates (AG190); across scopes the
higher one shadows the lower (AG191); each scope's descriptions share a token budget (AG192).

The editor re-validates one file per keystroke, so `update()` re-parses that file and recomputes the
cross-file findings of only the names and the scope it touches.
"""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Iterable, NamedTuple, Sequence

from workbench.agents.diagnostics import Diagnostic
from workbench.agents.ruletable import SKIPPING_CODES

# Codes after which Claude Code skips the file: it defines no agent, so it claims no name.
_SKIPPING_CODES = SKIPPING_CODES

# Folders a recursive search never enters: they hold no agents and can be huge.
_PRUNED_DIRS = frozenset({".git", "node_modules", "__pycache__"})
# A Markdown file without frontmatter found by a search is an agent only if it looks like one.
_LOOKS_LIKE_AGENT_LINES = 20


class ScopeKind(str, Enum):
    """Where a scope comes from, highest precedence first."""

    PROJECT = "project"
    USER = "user"
    EXTRA = "extra"
    BUNDLED = "bundled"


class Scope:
    """One folder Claude Code reads agents from. `files`, when set, limits the scope to those files
    (a file named on the `workbench lint` command line belongs to its folder's scope).

    Immutable, compared by value. (A plain class: `workbench lint` would pay more to import
    `dataclasses` than this costs to write out.)"""

    __slots__ = ("kind", "root", "files", "_hash")

    def __init__(self, kind: ScopeKind, root: Path, files: tuple[Path, ...] | None = None) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "kind", kind)
        setattr_(self, "root", root)
        setattr_(self, "files", files)
        # Scopes key the catalog's tables and are hashed several times per file; hashing the
        # enum and the path calls Python code each time, so it is done once.
        setattr_(self, "_hash", hash((kind, root, files)))

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"cannot assign to field '{name}' of an immutable Scope")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field '{name}' of an immutable Scope")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.kind, self.root, self.files) == (other.kind, other.root, other.files)

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"Scope(kind={self.kind!r}, root={self.root!r}, files={self.files!r})"

    def __reduce__(self):
        return Scope, (self.kind, self.root, self.files)

    @property
    def label(self) -> str:
        """How the UI and messages name the scope."""
        if self.kind is ScopeKind.USER:
            return "user (~/.claude/agents)"
        if self.kind is ScopeKind.BUNDLED:
            return "bundled examples"
        return f"{self.kind.value} ({self.root})"


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def project_agent_dirs(cwd: Path, home: Path | None = None) -> list[Path]:
    """Every existing `.claude/agents/` from `cwd` up to the repository root, nearest first.

    The walk stops at the folder holding `.git` and never reaches HOME (whose `.claude/agents/` is
    the user scope) or goes above it.
    """
    home = (home or Path.home()).resolve()
    found = []
    folder = cwd.resolve()
    while True:
        if folder == home:
            break
        candidate = folder / ".claude" / "agents"
        if _is_dir(candidate):
            found.append(candidate)
        if (folder / ".git").exists() or folder.parent == folder:
            break
        folder = folder.parent
    return found


def default_scopes(
    cwd: Path | None = None,
    *,
    home: Path | None = None,
    extra: Sequence[Path] = (),
    bundled: bool = True,
) -> list[Scope]:
    """The scopes the app loads, highest precedence first; only folders that exist."""
    from workbench.paths import bundled_agents_dir

    home = home or Path.home()
    scopes = [Scope(ScopeKind.PROJECT, p) for p in project_agent_dirs(cwd or Path.cwd(), home)]
    user = home / ".claude" / "agents"
    if _is_dir(user):
        scopes.append(Scope(ScopeKind.USER, user))
    # A folder given on the command line that is already a project or user scope (say the file
    # argument `.claude/agents/x.md` inside the project) is not added again as an empty "extra".
    seen = {s.root.resolve() for s in scopes}
    # Nor is the bundled folder (`workbench <a bundled example>`): it stays the read-only bundled
    # scope, listed once.
    if bundled:
        seen.add(bundled_agents_dir().resolve())
    for p in extra:
        folder = Path(p)
        if _is_dir(folder) and folder.resolve() not in seen:
            seen.add(folder.resolve())
            scopes.append(Scope(ScopeKind.EXTRA, folder))
    if bundled and _is_dir(bundled_agents_dir()):
        scopes.append(Scope(ScopeKind.BUNDLED, bundled_agents_dir()))
    return scopes


class AgentEntry:
    """One agent file of the catalog and what is known of it. A new entry replaces the old one
    whenever the file changes, so what is derived from the document is computed once, here.
    Compared by identity."""

    def __init__(
        self,
        path: Path,
        scope: Scope,
        document: object | None,  # AgentDocument; None when the file could not be read
        error: str | None = None,
        file_diagnostics: list[Diagnostic] | None = None,
        status: str = "active",  # "active" | "shadowed" | "duplicate"
        winner: AgentEntry | None = None,
    ) -> None:
        self.path = path
        self.scope = scope
        self.document = document
        self.error = error
        self.file_diagnostics: list[Diagnostic] = [] if file_diagnostics is None else file_diagnostics
        self.status = status
        self.winner = winner
        self._name_diagnostics: list[Diagnostic] = []
        self._budget_diagnostic: Diagnostic | None = None
        # The name this file defines in Claude Code, or None when Claude Code skips the file.
        self.name: str | None = None
        # Its description's share of the scope's budget (AG192), in tokens.
        self.description_tokens = 0
        # Whether Claude Code loads an agent from this file (no finding of the skip set).
        self.loaded = document is not None and not any(
            d.code in _SKIPPING_CODES for d in self.file_diagnostics)
        if not self.loaded:
            return
        name = self.document.name
        if isinstance(name, str) and name:
            self.name = name
            self.description_tokens = _rules().description_tokens(self.document)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """File rules plus the cross-file ones (AG190–AG192), in text order."""
        cross = list(self._name_diagnostics)
        if self._budget_diagnostic is not None:
            cross.append(self._budget_diagnostic)
        if not cross:
            return self.file_diagnostics
        return sorted(self.file_diagnostics + cross, key=lambda d: (d.start, d.end, d.code))

    @property
    def display_name(self) -> str:
        """The `name` as written, else the file's stem."""
        name = self.document.name if self.document is not None else None
        return name if isinstance(name, str) and name.strip() else self.path.stem

    def __repr__(self) -> str:
        return (f"AgentEntry(path={self.path!r}, scope={self.scope!r}, status={self.status!r}, "
                f"name={self.name!r}, error={self.error!r})")


class CatalogProblem(NamedTuple):
    """A path the catalog could not read (missing, no permission): a one-line message."""

    path: Path
    message: str


class Catalog:
    """The agents of a list of scopes (highest precedence first), kept current one file at a time."""

    def __init__(self, scopes: Sequence[Scope]) -> None:
        self.scopes: list[Scope] = list(scopes)
        self._rank = {scope: i for i, scope in enumerate(self.scopes)}
        self._entries: dict[str, AgentEntry] = {}
        self._by_name: dict[str, list[AgentEntry]] = {}
        self._budget_holder: dict[Scope, AgentEntry] = {}
        # Per scope, the entries that define a name, and their description tokens in total.
        self._members: dict[Scope, set[AgentEntry]] = {scope: set() for scope in self.scopes}
        self._tokens: dict[Scope, int] = {scope: 0 for scope in self.scopes}
        self._seen_inodes: dict[tuple[int, int], str] = {}
        self._plugin_cache: dict[str, bool] = {}
        self.skipped: list[Path] = []
        self.problems: list[CatalogProblem] = []

    @classmethod
    def load(cls, scopes: Sequence[Scope]) -> Catalog:
        """Discover, read and validate every agent file of the scopes, then the cross-file rules."""
        catalog = cls(scopes)
        with _collector_paused():
            for scope in catalog.scopes:
                for path, named in catalog._discover(scope):
                    entry = catalog._read(path, scope, named=named)
                    if entry is not None:
                        catalog._entries[_key(path)] = entry
            for entry in catalog._entries.values():
                catalog._index(entry)
            for name in list(catalog._by_name):
                catalog._resolve_name(name)
            for scope in catalog.scopes:
                catalog._resolve_budget(scope)
        return catalog

    # -- queries ---------------------------------------------------------------------------

    @property
    def entries(self) -> list[AgentEntry]:
        """Every agent file, by scope precedence, then path."""
        return sorted(self._entries.values(), key=lambda e: (self._rank[e.scope], str(e.path)))

    def entry(self, path: str | os.PathLike[str]) -> AgentEntry | None:
        """The entry of a file, by its path as found (relative or absolute; symlinks not resolved)."""
        return self._entries.get(_key(path))

    def description_tokens(self, scope: Scope) -> int:
        """The tokens of one scope's descriptions, as AG192 counts them (files that define a name)."""
        return self._tokens.get(scope, 0)

    def winners(self) -> dict[str, AgentEntry]:
        """Each name Claude Code would load, with the definition it would use."""
        return {name: self._winner_of(group) for name, group in sorted(self._by_name.items())}

    def shadowed(self) -> list[AgentEntry]:
        """Definitions hidden by one of a higher scope with the same name."""
        return [e for e in self.entries if e.status == "shadowed"]

    def duplicates(self) -> dict[str, list[AgentEntry]]:
        """Names defined more than once within one scope, with all their files."""
        found: dict[str, list[AgentEntry]] = {}
        for entry in self.entries:
            if any(d.code == "AG190" for d in entry._name_diagnostics):
                found.setdefault(entry.name, []).append(entry)
        return found

    def scope_of(self, path: str | os.PathLike[str]) -> Scope | None:
        """The highest scope whose folder holds the path (for a file that is not loaded yet)."""
        absolute = os.path.abspath(path)
        for scope in self.scopes:
            if scope.files is not None:
                if any(os.path.abspath(f) == absolute for f in scope.files):
                    return scope
                continue
            root = os.path.abspath(scope.root)
            if absolute.startswith(root.rstrip(os.sep) + os.sep):
                return scope
        return None

    # -- incremental updates ---------------------------------------------------------------

    def add_scope(self, scope: Scope) -> None:
        """Take in a scope folder made after the load (a project's first `.claude/agents/`), empty
        until `update` adds its files: before every scope of its kind and the ones below it, as
        the nearest folder of its kind."""
        if scope in self._rank:
            return
        order = list(ScopeKind)
        rank = order.index(scope.kind)
        index = next((i for i, s in enumerate(self.scopes) if order.index(s.kind) >= rank),
                     len(self.scopes))
        self.scopes.insert(index, scope)
        self._rank = {s: i for i, s in enumerate(self.scopes)}
        self._members[scope] = set()
        self._tokens[scope] = 0

    def update(self, path: str | os.PathLike[str], text: str | None = None) -> list[AgentEntry]:
        """Re-read one file (or take its unsaved `text`) and return every entry still in the catalog
        whose findings or status may have changed. A file not in the catalog is added when a scope
        holds it; a file that no longer exists is removed. Read from disk, a file is judged as a
        full reload would judge it (Markdown without frontmatter in a searched folder is skipped);
        unsaved text is always an agent, since someone is editing it as one."""
        key = _key(path)
        old = self._entries.get(key)
        scope = old.scope if old is not None else self.scope_of(path)
        if scope is None:
            return []
        if text is None and not os.path.isfile(path):
            return self.remove(path)
        entry_path = old.path if old is not None else Path(path)
        self._unskip(key)
        if text is None:
            entry = self._read(entry_path, scope, named=scope.files is not None)
        else:
            entry = self._from_text(entry_path, scope, text, old)
        if entry is None:
            return self._replace(key, old, None) if old is not None else []
        return self._replace(key, old, entry)

    def remove(self, path: str | os.PathLike[str]) -> list[AgentEntry]:
        """Forget one file; returns the remaining entries whose findings or status may have changed."""
        key = _key(path)
        self._unskip(key)
        old = self._entries.get(key)
        if old is None:
            return []
        return self._replace(key, old, None)

    def _unskip(self, key: str) -> None:
        self.skipped = [p for p in self.skipped if _key(p) != key]

    def _replace(self, key: str, old: AgentEntry | None, new: AgentEntry | None) -> list[AgentEntry]:
        names = set()
        if old is not None:
            del self._entries[key]
            if old.name is not None:
                self._by_name[old.name].remove(old)
                self._members[old.scope].discard(old)
                self._tokens[old.scope] -= old.description_tokens
                names.add(old.name)
        if new is not None:
            self._entries[key] = new
            if self._index(new):
                names.add(new.name)
        touched: dict[int, AgentEntry] = {}
        for name in names:
            for entry in self._resolve_name(name):
                touched[id(entry)] = entry
        scope = (new or old).scope
        for entry in self._resolve_budget(scope, old, new):
            touched[id(entry)] = entry
        if new is not None:
            touched[id(new)] = new
        touched.pop(id(old), None)
        return list(touched.values())

    def _index(self, entry: AgentEntry) -> bool:
        """Count a new entry under its name and in its scope's budget; False if it has no name."""
        if entry.name is None:
            return False
        self._by_name.setdefault(entry.name, []).append(entry)
        self._members[entry.scope].add(entry)
        self._tokens[entry.scope] += entry.description_tokens
        return True

    # -- cross-file rules ------------------------------------------------------------------

    def _sort_key(self, entry: AgentEntry) -> tuple[int, str]:
        return self._rank[entry.scope], str(entry.path)

    def _winner_of(self, group: list[AgentEntry]) -> AgentEntry:
        return min(group, key=self._sort_key)

    def _resolve_name(self, name: str) -> list[AgentEntry]:
        """Recompute AG190/AG191 and the status of every file defining `name`; returns them."""
        group = self._by_name.get(name, [])
        if not group:
            self._by_name.pop(name, None)
            return []
        if len(group) == 1:  # most names: defined once, so active and without findings
            entry = group[0]
            entry.status, entry.winner, entry._name_diagnostics = "active", None, []
            return group
        group.sort(key=self._sort_key)
        winner = group[0]
        by_scope: dict[Scope, list[AgentEntry]] = {}
        for entry in group:
            by_scope.setdefault(entry.scope, []).append(entry)
        for entry in group:
            siblings = by_scope[entry.scope]
            diagnostics = []
            if len(siblings) > 1:
                others = [s for s in siblings if s is not entry]
                diagnostics.append(_duplicate_name(entry, others))
            if entry.scope is not winner.scope:
                diagnostics.append(_shadowed(entry, winner))
                entry.status, entry.winner = "shadowed", winner
            elif len(siblings) > 1:
                entry.status = "duplicate"
                entry.winner = None if entry is winner else winner
            else:
                entry.status, entry.winner = "active", None
            entry._name_diagnostics = diagnostics
        return group

    def _resolve_budget(
        self, scope: Scope, old: AgentEntry | None = None, new: AgentEntry | None = None
    ) -> list[AgentEntry]:
        """Recompute AG192 for one scope after `old` was replaced by `new` (either may be None);
        returns the entries that lost, gained or changed it. The longest description is searched
        for again only when the one that held the finding went away."""
        from workbench.agents.rules import DESCRIPTION_BUDGET_TOKENS

        members = self._members[scope]
        total = self._tokens[scope]
        previous = self._budget_holder.pop(scope, None)
        changed = []
        if previous is not None and previous._budget_diagnostic is not None:
            previous._budget_diagnostic = None
            changed.append(previous)
        if total > DESCRIPTION_BUDGET_TOKENS and members:
            if previous is None or previous is old or previous not in members:
                holder = max(members, key=_budget_rank)
            elif new is not None and new in members and _budget_rank(new) > _budget_rank(previous):
                holder = new
            else:
                holder = previous
            holder._budget_diagnostic = _description_budget(holder, scope, len(members), total)
            self._budget_holder[scope] = holder
            changed.append(holder)
        return changed

    # -- reading ---------------------------------------------------------------------------

    def _discover(self, scope: Scope) -> Iterable[tuple[str | Path, bool]]:
        """(path, named directly) for every candidate file of a scope, each inode once."""
        if scope.files is not None:
            for path in scope.files:
                if self._first_visit(_inode(path), str(path)):
                    yield path, True
            return
        yield from self._walk(os.fspath(scope.root), set())

    # Paths stay strings until a document is made: a Path per file and folder costs more than the
    # walk itself.
    def _walk(self, folder: str, visited_dirs: set[tuple[int, int]]) -> Iterable[tuple[str, bool]]:
        try:
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in visited_dirs:
                return  # a symlink loop
            visited_dirs.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as listing:
                items = sorted(listing, key=lambda item: item.name)
        except OSError as error:
            self.problems.append(CatalogProblem(Path(folder), _os_message(error)))
            return
        for item in items:
            try:
                is_dir = item.is_dir()
                is_file = not is_dir and item.is_file()
                if is_file and item.name.endswith(".md"):
                    # A plain file's inode comes with the listing; a symlink needs its target's.
                    target = os.stat(item.path) if item.is_symlink() else None
            except OSError:
                continue
            if is_dir:
                if item.name not in _PRUNED_DIRS:
                    yield from self._walk(item.path, visited_dirs)
            elif is_file and item.name.endswith(".md"):
                inode = (target.st_dev, target.st_ino) if target else (info.st_dev, item.inode())
                if self._first_visit(inode, item.path):
                    yield item.path, False

    def _first_visit(self, inode: tuple[int, int] | None, path: str) -> bool:
        if inode is None:
            return True  # reading it will report the problem
        if inode in self._seen_inodes:
            return False
        self._seen_inodes[inode] = path
        return True

    def _read(self, path: str | Path, scope: Scope, *, named: bool) -> AgentEntry | None:
        """Read and validate one file; None when a searched folder's file is no agent."""
        from workbench.agents.document import AgentFileError, read_agent_file

        try:
            document = read_agent_file(path)
        except AgentFileError as error:
            return AgentEntry(Path(path), scope, None, error=str(error))
        except OSError as error:
            return AgentEntry(Path(path), scope, None, error=_os_message(error))
        if not named and not document.has_frontmatter and not _looks_like_agent(document.text):
            self.skipped.append(document.path)
            return None
        return self._validated(document.path, scope, document)

    def _from_text(self, path: Path, scope: Scope, text: str, old: AgentEntry | None = None
                   ) -> AgentEntry:
        from workbench.agents.document import AgentDocument

        document = AgentDocument.parse(text, path=path)
        # Text read from a file with bytes that are not UTF-8 keeps its AG011 while it is edited,
        # as long as a U+FFFD the reading put there is left.
        before = old.document if old is not None else None
        if before is not None and before.invalid_utf8 is not None:
            at = text.find("\ufffd")
            if at != -1:
                document.invalid_utf8 = (at, before.invalid_utf8[1] if at == before.invalid_utf8[0]
                                         else len(text[:at].encode("utf-8", "surrogatepass")))
        return self._validated(path, scope, document)

    def _validated(self, path: Path, scope: Scope, document) -> AgentEntry:
        diagnostics = _rules().validate(document, self.context(path))
        return AgentEntry(path, scope, document, file_diagnostics=diagnostics)

    def context(self, path: str | os.PathLike[str]):
        """The `ValidationContext` of a file of this catalog (whether it sits inside a plugin)."""
        path = os.fspath(path)
        # The folder as spelt, separator kept: a cache key (cheaper than `os.path.dirname`).
        folder = path[: path.rfind(os.sep) + 1]
        in_plugin = self._plugin_cache.get(folder)
        if in_plugin is None:
            in_plugin = self._plugin_cache[folder] = self._in_plugin(os.path.abspath(folder or "."))
        return _contexts()[in_plugin]

    def _in_plugin(self, folder: str) -> bool:
        """Whether `folder` (absolute) or an ancestor holds `.claude-plugin/plugin.json`; cached
        per folder, as spelt, since every file of a folder asks."""
        cached = self._plugin_cache.get(folder)
        if cached is not None:
            return cached
        if os.path.isfile(os.path.join(folder, ".claude-plugin", "plugin.json")):
            result = True
        else:
            parent = os.path.dirname(folder)
            result = parent != folder and self._in_plugin(parent)
        self._plugin_cache[folder] = result
        return result


@contextmanager
def _collector_paused():
    """No cyclic garbage collection while a catalog loads: it only adds objects that live on, so
    each collection would walk them again for nothing (a tenth to a fifth of a load). The app's
    other thread keeps running meanwhile, only without collections, for that fraction of a second."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_RULES = None
_CONTEXTS: dict[bool, object] = {}


def _rules():
    """workbench.agents.rules, imported on first use (it imports the whole rule table)."""
    global _RULES
    if _RULES is None:
        from workbench.agents import rules

        _RULES = rules
    return _RULES


def _contexts() -> dict[bool, object]:
    """The two `ValidationContext`s a catalog file can have, shared (they are immutable)."""
    if not _CONTEXTS:
        context = _rules().ValidationContext
        _CONTEXTS.update({True: context(in_plugin=True), False: context(in_plugin=False)})
    return _CONTEXTS


def _budget_rank(entry: AgentEntry) -> tuple[int, str]:
    # The longest description holds AG192; the path breaks ties so a reload picks the same one.
    return entry.description_tokens, str(entry.path)


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _key(path: str | os.PathLike[str]) -> str:
    return os.path.abspath(path)


def _os_message(error: OSError) -> str:
    return error.strerror or str(error)


def _looks_like_agent(text: str) -> bool:
    for line in text.split("\n", _LOOKS_LIKE_AGENT_LINES)[:_LOOKS_LIKE_AGENT_LINES]:
        if line.startswith(("name:", "description:")):
            return True
    return False


def _cross(code: str, message: str, span) -> Diagnostic:
    rule = _rules().RULES[code]
    start, end = span if span is not None else (0, 0)
    return Diagnostic(code, rule.name, rule.severity, message, start, end)


def _name_span(entry: AgentEntry):
    spans = entry.document.value_spans
    return spans.get("name") or entry.document.key_spans.get("name")


def _duplicate_name(entry: AgentEntry, others: list[AgentEntry]) -> Diagnostic:
    listed = ", ".join(str(o.path) for o in others)
    return _cross(
        "AG190",
        f"name '{entry.name}' is also defined in {listed} in the same scope: Claude Code loads only "
        "one of them, chosen by file-system order; rename or remove all but one",
        _name_span(entry),
    )


def _shadowed(entry: AgentEntry, winner: AgentEntry) -> Diagnostic:
    return _cross(
        "AG191",
        f"name '{entry.name}' is shadowed by {winner.path} ({winner.scope.label}), which Claude Code "
        "loads instead; rename this agent if both should be available",
        _name_span(entry),
    )


def _description_budget(entry: AgentEntry, scope: Scope, count: int, total: int) -> Diagnostic:
    from workbench.agents.rules import DESCRIPTION_BUDGET_TOKENS

    return _cross(
        "AG192",
        f"the descriptions of the {count} agents in {scope.label} total about {total:,} tokens "
        f"(more than {DESCRIPTION_BUDGET_TOKENS:,}): Claude Code warns that this slows every turn; "
        f"shorten the longest ones, starting with this one (about {entry.description_tokens:,} "
        "tokens)",
        entry.document.key_spans.get("description"),
    )
