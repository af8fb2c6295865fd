"""TranscriptScreen: one run or session, rendered by the chat pane's own blocks.

The file is read in a worker; its events (`transcripts.replay`) go to a `ConversationView` in
batches, the first batch at once so the first frame comes quickly. Keys jump between tool calls and
narrow the view to errors, to one tool, or to one subagent: a filter is a second view of just the
matching events (`transcripts.filtering`), mounted lazily like the whole one, which waits hidden
where the reader left it.
"""

from __future__ import annotations

import time
import weakref
from pathlib import Path

from textual import work
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static

from workbench.plural import plural
from workbench.transcripts.events import (
    Event,
    PermissionDecided,
    PermissionRequested,
    ToolCallFinished,
    TurnEnded,
)
from workbench.transcripts.export import skipped_count
from workbench.transcripts.filtering import filter_events
from workbench.transcripts.model import ToolCall, Transcript
from workbench.transcripts.origin import RunOrigin, run_origin
from workbench.transcripts.stats import TranscriptStats, cost_words
from workbench.ui.chat import collector
from workbench.ui.chat.conversation import ConversationView
from workbench.ui.chat.tool_block import ToolCallBlock
from workbench.ui.keymap import screen_bindings

FIRST_BATCH = 12
# Events mounted ahead of the reader are mounted a few at a time until this much time is spent, then
# the screen paints and answers keys before the next few: a key waits at most about this long.
BATCH_SECONDS = 0.025
STEP = 2
# Mounted ahead while the end of what is mounted is within this many screens of the viewport, so
# paging down finds the next screens already there.
MORE_WITHIN_SCREENS = 3
BATCH = 25
HEAD_BYTES = 256 * 1024


class TranscriptScreen(Screen):
    """Read one transcript file, like a live run."""

    DEFAULT_CSS = """
    TranscriptScreen { layout: vertical; }
    TranscriptScreen > #transcript-header { height: auto; padding: 0 1; background: $panel; }
    TranscriptScreen > #transcript-filter { height: auto; padding: 0 1; color: $text-muted; }
    TranscriptScreen > #transcript-filter.-empty { display: none; }
    /* Each reply of a transcript is whole: a blank line after it, as Markdown's paragraphs have. */
    TranscriptScreen FoldedReply { margin: 0 0 1 0; }
    """

    BINDINGS = screen_bindings("transcript.")

    class Loaded(Message):
        """The worker read the file (or failed to, with `error`)."""

        def __init__(self, transcript: Transcript | None, stats: TranscriptStats | None,
                     events: list[Event], error: str = "") -> None:
            super().__init__()
            self.transcript = transcript
            self.stats = stats
            self.events = events
            self.error = error

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.transcript: Transcript | None = None
        self.loaded = False
        # (kind, value): ("errors", None), ("tool", "Bash"), ("subagent", call id) or None.
        self.filter: tuple[str, str | None] | None = None
        # Every event of the file, once read; and what each view has still to mount.
        self._events: list[Event] = []
        self._feeds: weakref.WeakKeyDictionary[ConversationView, list[Event]] = weakref.WeakKeyDictionary()
        self._finished_views: weakref.WeakSet[ConversationView] = weakref.WeakSet()
        # The whole view's scroll position while a filtered view is shown in its place.
        self._saved_scroll_y = 0.0
        self._batch_queued = False
        self._showing_head = False
        # Whether this screen holds the collector (the whole transcript is frozen out of its reach).
        self._holding_collector = False

    def compose(self):
        yield Static(f"Reading {self.path} …", id="transcript-header")
        yield Static("", id="transcript-filter", classes="-empty")
        yield _conversation()
        yield Footer()

    @property
    def view(self) -> ConversationView:
        """The conversation widget shown: the whole transcript, or the filtered one."""
        if self.filter is not None:
            for view in self.query("#transcript-filtered").results(ConversationView):
                return view
        return self.query_one("#transcript-conversation", ConversationView)

    @property
    def _pending(self) -> list[Event]:
        """The events the shown view has still to mount."""
        return self._feeds.get(self.view, [])

    @_pending.setter
    def _pending(self, events: list[Event]) -> None:
        self._feeds[self.view] = events

    async def on_mount(self) -> None:
        from workbench.transcripts.reader import TranscriptError, read_transcript
        from workbench.transcripts.replay import transcript_events

        try:
            big = self.path.stat().st_size > HEAD_BYTES
        except OSError:
            big = False
        if big:
            # A first look at the head while the whole file is read: the first frame does not
            # wait for a 50 MB read. The whole transcript replaces it when ready.
            try:
                head = read_transcript(self.path, with_subagents=False, max_bytes=HEAD_BYTES)
            except TranscriptError:
                head = None
            if head is not None:
                self.query_one("#transcript-header", Static).update(header_content(head, None))
                self.view.anchor(False)
                self._pending = list(transcript_events(head))[:FIRST_BATCH]
                await self._mount_next(FIRST_BATCH, final=False)
                self._showing_head = True
                # The whole read starts once the head is painted, so it does not delay that frame.
                self.call_after_refresh(self._head_painted)
                return
        self._read()

    def _head_painted(self) -> None:
        self.post_message(self.FirstFrame())
        self._read()

    @work(thread=True, exclusive=True, group="transcript-read")
    def _read(self) -> None:
        from workbench.transcripts.reader import TranscriptError, read_transcript
        from workbench.transcripts.replay import transcript_events
        from workbench.transcripts.stats import compute_stats

        try:
            tx = read_transcript(self.path)
        except TranscriptError as exc:
            self.post_message(self.Loaded(None, None, [], str(exc)))
            return
        self.post_message(self.Loaded(tx, None, list(transcript_events(tx))))
        # The totals come a moment later: the conversation matters more for the first frame.
        self.post_message(self.Totals(compute_stats(self.path, prices=_prices(self))))

    class Totals(Message):
        """Token, cost and call totals of the file and its subagents."""

        def __init__(self, stats: TranscriptStats) -> None:
            super().__init__()
            self.stats = stats

    class RerunRequested(Message):
        """Run `origin.prompt` again with today's definition of `origin.agent` (the app does it)."""

        def __init__(self, origin: RunOrigin) -> None:
            super().__init__()
            self.origin = origin

    class FirstFrame(Message):
        """The first batch is on screen (what the open benchmark times)."""

    class _NextBatch(Message):
        """Mount the next batch of events (one message per batch, so keys are answered between)."""

    async def on_transcript_screen_loaded(self, message: Loaded) -> None:
        header = self.query_one("#transcript-header", Static)
        if message.transcript is None:
            header.update(Content.assemble(("Cannot open: ", "bold $error"), message.error))
            self.loaded = True
            self.post_message(self.FirstFrame())
            return
        self.transcript = message.transcript
        self.refresh_bindings()
        header.update(header_content(message.transcript, None))
        # A 50 MB session is millions of objects held as long as the screen is open: a full
        # collection walking them all held the screen up 200-400 ms at a time while scrolling.
        if not self._holding_collector:
            collector.hold()
            self._holding_collector = True
        if self._showing_head:
            await self.view.remove()
            await self.mount(_conversation(), before=self.query_one(Footer))
            # PageDown and the arrows scroll the view (the head's view had the focus).
            self.view.focus()
        # A transcript is read from the top, not followed at the end like a live run.
        self.view.anchor(False)
        self._events = message.events
        self._pending = message.events
        await self._mount_next(FIRST_BATCH)
        self._to_top()
        self.call_after_refresh(self._first_painted)

    def on_unmount(self) -> None:
        if self._holding_collector:
            self._holding_collector = False
            collector.release()

    def on_transcript_screen_totals(self, message: Totals) -> None:
        if self.transcript is not None:
            self.query_one("#transcript-header", Static).update(
                header_content(self.transcript, message.stats))

    def _first_painted(self) -> None:
        if not self._showing_head:
            self.post_message(self.FirstFrame())
        self._showing_head = False
        # Only what is near the screen is mounted; more follows as the reader scrolls down.
        self.watch(self.view, "scroll_y", self._scrolled, init=False)
        self._maybe_more()

    def _scrolled(self, *_: object) -> None:
        # The scroll's own frame first: mounting ahead waits until it is painted.
        self.call_after_refresh(self._maybe_more)

    def _maybe_more(self, *_: object) -> None:
        view = self.view
        near_end = view.max_scroll_y - view.scroll_y < view.size.height * MORE_WITHIN_SCREENS
        if self._pending and not self._batch_queued and near_end:
            self._batch_queued = True
            self.post_message(self._NextBatch())

    async def on_transcript_screen__next_batch(self, message: _NextBatch) -> None:
        self._batch_queued = False
        await self._mount_next(STEP, budget=BATCH_SECONDS)
        self.call_after_refresh(self._maybe_more)

    async def _mount_next(self, count: int, final: bool = True, budget: float = 0.0) -> None:
        """Mount the next `count` events, and `count` more at a time while `budget` seconds last."""
        view = self.view
        started = time.perf_counter()
        # One layout and one frame for the whole batch, not one for each widget as it mounts.
        with self.app.batch_update():
            pending = self._feeds.get(view, [])
            while True:
                end = _slice_end(pending, count)
                batch, pending = pending[:end], pending[end:]
                self._feeds[view] = pending
                if batch:
                    await view.add_events(batch)
                if not pending or time.perf_counter() - started >= budget:
                    break
        if self._holding_collector:
            collector.refreeze()
        if final and not pending and view not in self._finished_views:
            self._finished_views.add(view)
            await view.finish()
            if view.id == "transcript-conversation":
                self.loaded = True
            # Markdown lays itself out after mounting; stay at the top once it has.
            if view.scroll_y <= 0:
                self.call_after_refresh(self._to_top)

    def _to_top(self) -> None:
        # Set directly: while the content was still shorter than the view, scrolling to the end
        # (the view anchors itself on mount) can leave a negative offset that scroll_home keeps.
        view = self.view
        view.scroll_target_y = 0
        view.scroll_y = 0

    # -- moving between calls -------------------------------------------------------------------

    def _call_blocks(self) -> list[ToolCallBlock]:
        """The mounted calls the filter shows, parked ones included (parking only hides what is far
        above the screen to save layout; those calls are still there to jump to)."""
        return [b for b in self.view.query(ToolCallBlock) if _shown(b)]

    async def _jump(self, step: int) -> None:
        current = self.focused if isinstance(self.focused, ToolCallBlock) else None
        blocks = self._call_blocks()
        # Past the last mounted call, mount more before wrapping to the top.
        while step > 0 and self._pending and (
                not blocks or current is blocks[-1] or (current is None and not self._below_top(blocks))):
            await self._mount_next(BATCH)
            blocks = self._call_blocks()
        if not blocks:
            return
        if current in blocks:
            index = blocks.index(current) + step
        else:
            # Nothing focused (at the start, or the focused call went out of sight and lost the
            # focus): the first call from the top of the screen down, or the last one above it.
            below = self._below_top(blocks)
            index = (below[0] if below else 0) if step > 0 else (below[0] - 1 if below else -1)
        target = blocks[index % len(blocks)]
        if _parked(target):
            # Far above the screen: show everything again so it can be scrolled to (a rare jump,
            # wrapping around or back a long way; parking resumes as more is mounted).
            self.view.unpark()
            target.focus()
            self.call_after_refresh(self._land, target)
            return
        target.focus()
        target.scroll_visible(animate=False, top=True)

    def _land(self, target: ToolCallBlock) -> None:
        """Finish a jump to a call that was parked: a park queued by an earlier scroll down may
        have hidden it again before the focus landed; show it, focus it and scroll to it."""
        if _parked(target):
            self.view.unpark()
        if self.focused is not target:
            target.focus(scroll_visible=False)
        target.scroll_visible(animate=False, top=True)

    def _below_top(self, blocks: list[ToolCallBlock]) -> list[int]:
        """Indexes of the calls that start at or below the top of the viewport (those mounted and
        not laid out yet are at the end, below it)."""
        top = self.view.region.y
        return [i for i, b in enumerate(blocks) if not _parked(b)
                and (not b.region.height or b.region.y >= top)]

    async def action_next_call(self) -> None:
        """Focus the next tool call (wrapping around)."""
        await self._jump(1)

    async def action_previous_call(self) -> None:
        """Focus the previous tool call (wrapping around)."""
        await self._jump(-1)

    # -- filters --------------------------------------------------------------------------------

    async def action_filter_errors(self) -> None:
        """Show only failed or denied calls and error notices (again: show everything)."""
        await self._set_filter(None if self.filter == ("errors", None) else ("errors", None))

    async def action_filter_tool(self) -> None:
        """Cycle through the tools used: only that tool's calls, then everything again."""
        names = sorted({c.name for c in self._all_calls()})
        await self._set_filter(_cycle(self.filter, "tool", names))

    async def action_filter_subagent(self) -> None:
        """Cycle through the subagent calls: only that call and its nested run, then everything."""
        ids = [c.id for c in self._all_calls() if c.subagent is not None]
        await self._set_filter(_cycle(self.filter, "subagent", ids))

    def _all_calls(self) -> list[ToolCall]:
        """Every call of the file and its subagents, mounted yet or not."""
        if self.transcript is None:
            return []
        return [c for tx in self.transcript.all_transcripts() for c in tx.tool_calls.values()]

    # -- the run's agent ------------------------------------------------------------------------

    def origin(self) -> RunOrigin | None:
        """The agent and prompt of this workbench run; says why on screen when there are none."""
        if self.transcript is None:
            self.notify(self._not_ready(), severity="warning")
            return None
        origin = run_origin(self.transcript)
        if origin is None:
            self.notify("Only workbench runs record the agent they ran; this is a Claude Code "
                        "session.", severity="warning")
        return origin

    def _not_ready(self) -> str:
        """Why there is nothing to act on: still reading, could not open, or nothing in it (an
        empty file is read at once; saying "still being read" would never come true)."""
        if not self.loaded:
            return "The transcript is still being read."
        if self.transcript is None:
            return "The transcript could not be opened."
        return "The transcript is empty."

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A Claude Code session records no agent: its footer does not offer the run's agent.
        if action in ("agent_as_run", "rerun_today") and self.transcript is not None:
            return self.transcript.format == "workbench"
        return True

    def action_agent_as_run(self) -> None:
        """Show the agent's definition exactly as the run ran it (read-only)."""
        from workbench.ui.screens.agent_as_run import AgentAsRunScreen

        origin = self.origin()
        if origin is not None:
            self.app.push_screen(AgentAsRunScreen(origin))

    def action_rerun_today(self) -> None:
        """Ask the app to run the run's first prompt again with today's definition of its agent."""
        origin = self.origin()
        if origin is not None:
            self.post_message(self.RerunRequested(origin))

    async def action_back(self) -> None:
        """Clear the filter, or leave the screen when there is none."""
        if self.filter is not None:
            await self._set_filter(None)
        elif len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.app.exit()

    async def _set_filter(self, wanted: tuple[str, str | None] | None) -> None:
        """Show only what `wanted` matches, in a view of its own; None: the whole view again, where
        the reader left it, or at the call that had the focus in the filtered view."""
        if wanted is not None and not self._events:
            self.notify(self._not_ready(), severity="warning")
            return
        whole = self.query_one("#transcript-conversation", ConversationView)
        focused = self.focused.call_id if isinstance(self.focused, ToolCallBlock) else None
        if self.filter is None:
            self._saved_scroll_y = whole.scroll_y
        for old in list(self.query("#transcript-filtered").results(ConversationView)):
            await old.remove()
        self.filter = wanted
        label = self.query_one("#transcript-filter", Static)
        label.set_class(wanted is None, "-empty")
        if wanted is None:
            whole.display = True
            whole.focus()
            self.call_after_refresh(self._back_to_whole, focused)
            return
        kind, value = wanted
        words = {"errors": "errors only", "tool": f"tool: {value}", "subagent": f"subagent call: {value}"}
        label.update(f"Showing {words[kind]} · Esc shows everything")
        whole.display = False
        view = _conversation(filtered=True)
        await self.mount(view, before=self.query_one(Footer))
        view.anchor(False)
        view.focus()
        self._pending = filter_events(self._events, wanted)
        await self._mount_next(FIRST_BATCH)
        self.watch(view, "scroll_y", self._scrolled, init=False)
        self.call_after_refresh(self._maybe_more)
        self._to_top()

    def _back_to_whole(self, call_id: str | None) -> None:
        """The whole view is shown again: at the call focused in the filtered view when it is
        mounted here, else where the reader left it."""
        view = self.view
        target = next((b for b in view.query(ToolCallBlock) if b.call_id == call_id), None) \
            if call_id is not None else None
        if target is None:
            view.scroll_to(y=self._saved_scroll_y, animate=False)
            return
        if _parked(target):
            view.unpark()
        target.focus()
        self.call_after_refresh(target.scroll_visible, animate=False, top=True)


# Events that update calls already made: a slice takes those that follow it, so a call is mounted
# drawn as it ended rather than restyled and redrawn once mounted.
_CALL_UPDATES = (ToolCallFinished, PermissionRequested, PermissionDecided, TurnEnded)
_MAX_UPDATES_TAKEN = 16


def _slice_end(pending: list[Event], count: int) -> int:
    """Where a slice of `count` events ends, taking the call updates right after it too."""
    end = min(count, len(pending))
    limit = min(len(pending), end + _MAX_UPDATES_TAKEN)
    while end < limit and isinstance(pending[end], _CALL_UPDATES):
        end += 1
    return end


def _conversation(filtered: bool = False) -> ConversationView:
    # Parked: widgets more than a screen above the viewport are hidden behind a spacer, so a frame
    # lays out only what is near the screen however far the reader has scrolled.
    return ConversationView(id="transcript-filtered" if filtered else "transcript-conversation",
                            agent_prompts=True, whole_replies_static=True, park_offscreen=True)


def _prices(screen: Screen) -> dict:
    settings = getattr(screen.app, "settings", None)
    return getattr(settings, "prices", None) or {}


def _cycle(current, kind: str, values: list[str]):
    if not values:
        return None
    if current is None or current[0] != kind or current[1] not in values:
        return (kind, values[0])
    index = values.index(current[1]) + 1
    return (kind, values[index]) if index < len(values) else None


def _shown(widget: Widget) -> bool:
    """Whether `widget` is in the view shown (the whole view is hidden while a filter shows its
    own), parked counting as shown (ConversationView hides widgets far above the viewport with the
    class `-parked`)."""
    node: Widget | None = widget
    while isinstance(node, Widget) and not isinstance(node, Screen):
        if not node.display and not node.has_class("-parked"):
            return False
        node = node.parent  # type: ignore[assignment]
    return True


def _parked(widget: Widget) -> bool:
    """Whether `widget` or one of its containers is parked above the viewport."""
    node: Widget | None = widget
    while isinstance(node, Widget) and not isinstance(node, Screen):
        if node.has_class("-parked"):
            return True
        node = node.parent  # type: ignore[assignment]
    return False


def header_content(tx: Transcript, stats: TranscriptStats | None) -> Content:
    """Title, then model, tokens (cache apart), cost, calls, errors and skipped lines."""
    parts: list = [(tx.title or tx.session_id or str(tx.path), "bold")]
    if tx.forked_from:
        parts.append((f"  ⑂ fork of {tx.forked_from}", "$text-muted"))
    facts = [tx.model or ""]
    if stats is not None:
        facts += [
            f"{stats.input_tokens:,} in · {stats.output_tokens:,} out · "
            f"{stats.cache_creation_input_tokens:,} cache write · "
            f"{stats.cache_read_input_tokens:,} cache read",
            cost_words(stats),
            plural(sum(stats.tool_calls.values()), "call"),
        ]
        if stats.errors:
            facts.append(plural(stats.errors, "error"))
        if stats.retries:
            facts.append(plural(stats.retries, "retry", "retries"))
    skipped = skipped_count(tx, stats)
    if skipped:
        facts.append(f"{plural(skipped, 'line')} skipped (not JSON or not an entry)")
    parts += ["\n", (" · ".join(f for f in facts if f), "$text-muted")]
    why = stats.cost_difference() if stats is not None else None
    if why:
        parts += ["\n", (f"The totals differ: {why}", "$text-warning")]
    return Content.assemble(*parts)

