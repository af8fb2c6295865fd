"""ConversationView: renders a run's events as they arrive, following the end unless scrolled up.

Text streams into a Markdown widget through its `MarkdownStream` (append only, never a re-render of
the whole message per chunk). Thinking streams into a dimmed, collapsed section. Tool calls are
`ToolCallBlock`s keyed by call id; events of a nested agent run go inside their Agent call's block.
Built from events alone, so a transcript renders the same way as a live run.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

from rich.markdown import Markdown as RichMarkdown
from textual._compositor import Compositor
from textual.containers import VerticalScroll
from textual.content import Content
from textual.events import Click
from textual.geometry import Size
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widget import Widget
from textual.widgets import Collapsible, Markdown
from textual.widgets.markdown import MarkdownStream

from workbench.plural import plural
from workbench.transcripts.events import (
    AssistantMessage,
    ErrorOccurred,
    Event,
    PermissionDecided,
    PermissionRequested,
    RetryScheduled,
    RunEnded,
    RunStarted,
    TextDelta,
    ThinkingDelta,
    ToolCallFinished,
    ToolCallStarted,
    TurnEnded,
    UserMessage,
    Warning,
)
from workbench.ui.chat.notice import Notice
from workbench.ui.chat.settled import SettledStatic, settled_size
from workbench.ui.chat.tool_block import ToolCallBlock
from workbench.ui.keymap import screen_bindings

# Characters after which a streamed reply continues in a new Markdown widget (at a paragraph break).
SEGMENT_CHARS = 2000
# Finished segments of a lane kept as live Markdown widgets; older ones are folded into one widget each.
LIVE_SEGMENTS = 1
# A finished segment is folded once laid out at its whole text; tries at this interval before
# drawing it from its source instead.
FOLD_TRIES = 10
FOLD_RETRY_S = 0.05
# Past this many shown top-level widgets, those more than a screen above the viewport are parked.
PARK_AFTER = 12
# The last shown top-level widgets are never parked, however far above the viewport they end (nor
# the first ones below it).
PARK_KEEP = 4
# Scrolling up, parked widgets are shown again ahead of the reader, up to this many screens above.
ABOVE_SCREENS = 2
# Widgets starting more than this many screens below the viewport are parked below it (the reader
# scrolled back up); they are shown again as the reader comes within a screen less of them.
BELOW_SCREENS = 3
_COLOR_LINE = re.compile(r"^color:\s*['\"]?([A-Za-z]+)['\"]?\s*$", re.MULTILINE)


def agent_color(agent_text: str) -> str | None:
    """The `color` of an agent definition's frontmatter, if it sets one."""
    if not agent_text.startswith("---"):
        return None
    end = agent_text.find("\n---", 3)
    match = _COLOR_LINE.search(agent_text[: end if end > 0 else len(agent_text)])
    return match.group(1).lower() if match else None


@dataclass
class _Lane:
    """Where one run (top level, or a nested agent's) puts its widgets, and what is streaming there."""

    container: Widget
    reply: Markdown | None = None
    reply_stream: MarkdownStream | None = None
    thinking: Markdown | None = None
    thinking_stream: MarkdownStream | None = None
    streamed_text: bool = False
    # Size and code-fence count of the reply segment being streamed, to find where the next may start.
    segment_chars: int = 0
    segment_fences: int = 0
    finished: deque[Markdown] = field(default_factory=deque)
    blocks: list[ToolCallBlock] = field(default_factory=list)


class ConversationView(VerticalScroll):
    """The conversation of one run (or a transcript): `await view.add_event(event)` in order."""

    DEFAULT_CSS = """
    ConversationView { height: 1fr; padding: 0 1; }
    ConversationView .user-message {
        height: auto; margin: 1 0; padding: 0 1; border-left: thick $primary; background: $primary 10%;
    }
    ConversationView .run-header { height: auto; color: $text-muted; }
    ConversationView .run-footer { height: auto; margin: 0 0 1 0; color: $text-muted; }
    ConversationView .run-footer.-error { color: $error; }
    ConversationView Markdown.reply { margin: 0; padding: 0; }
    ConversationView Collapsible.thinking { border: none; padding: 0; margin: 0; background: transparent; }
    ConversationView Markdown.thinking-text { color: $text-muted; text-style: italic; padding: 0; margin: 0; }
    ConversationView > .parked-spacer { height: 0; }
    """

    # Sized by layout alone (see `settled`): its scrollbars are renewed by that layout itself.
    virtual_size = settled_size()

    def __init__(self, *, id: str | None = None, classes: str | None = None,
                 agent_prompts: bool = False, whole_replies_static: bool = False,
                 park_offscreen: bool = False) -> None:
        super().__init__(id=id, classes=classes)
        # Whether Agent calls show the subagent's prompt atop their nested run (the transcript viewer).
        self.agent_prompts = agent_prompts
        # Whether replies that arrive whole (a transcript) are drawn as one widget each, like folded
        # ones, instead of a Markdown widget tree: a long transcript then mounts and scrolls quickly.
        self.whole_replies_static = whole_replies_static
        # Whether widgets far above the viewport are hidden behind a spacer of their height (the chat
        # pane): Textual lays out every shown widget on each refresh, hidden ones cost nothing.
        self.park_offscreen = park_offscreen
        self._spacer: Widget | None = None
        self._parked_height = 0
        # Parked widgets, top to bottom, each with the height it took.
        self._parked: list[tuple[Widget, int]] = []
        self._park_queued = False
        # Widgets far below the viewport (the reader scrolled back up), top to bottom, each with
        # the height it took, behind a spacer at the end of the view.
        self._below_spacer: Widget | None = None
        self._parked_below: list[tuple[Widget, int]] = []
        self._parked_below_height = 0
        self._park_below_queued = False
        self._unpark_above_queued = False
        # Set once every parked widget is shown again, until the reader next scrolls: a park
        # queued before must not hide again what a jump is about to scroll to.
        self._hold_parking = False
        # While add_events runs: widgets made and not mounted yet, (container, widget) in order, so
        # a batch mounts with one call per container (each mount call re-scans the container's
        # children, parked ones included: per widget, a long view's batch took seconds).
        self._deferred: list[tuple[Widget, Widget]] | None = None
        # Finished reply segments waiting to be folded, with how many refreshes each has waited.
        self._to_fold: list[tuple[Markdown, int]] = []
        self._fold_queued = False
        self._folding = False
        self.blocks: dict[str, ToolCallBlock] = {}
        self._lanes: dict[str | None, _Lane] = {None: _Lane(self)}

    def on_mount(self) -> None:
        self.anchor()
        if self.park_offscreen:
            self.watch(self, "scroll_y", self._scrolled, init=False)

    async def add_events(self, events: list[Event]) -> None:
        """Render several events in order; what they create is mounted together at the end (or
        earlier, when a stream or a nested run needs its container mounted)."""
        if self._parked_below:
            # What comes goes at the end, after what is parked below: show that first.
            self._unpark_below(until=None)
        if self._deferred is not None or not self.whole_replies_static:
            # Batched mounts only where replies arrive whole (the transcript viewer): in the chat
            # pane a view built from one batch scrolled 4x slower per frame (bench_chat's scroll
            # of 500 calls, p50 8.5 -> 33 ms; cause not found), so it mounts widget by widget.
            for event in events:
                await self._add_event(event)
            if self._deferred is None:
                self._maybe_park()
            return
        self._deferred = []
        try:
            for event in events:
                await self._add_event(event)
        finally:
            await self._flush_mounts()
            self._deferred = None
        self._maybe_park()

    async def add_event(self, event: Event) -> None:
        """Render one event."""
        await self.add_events([event])

    async def _mount(self, container: Widget, widget: Widget) -> None:
        """Mount `widget` at the end of `container`, or note it for the batch's one mount."""
        if self._deferred is None:
            await container.mount(widget)
            return
        if container is not self and not container.is_mounted:
            # A nested run's container comes with its Agent call's block: mount that first.
            await self._flush_mounts()
        self._deferred.append((container, widget))

    async def _flush_mounts(self) -> None:
        """Mount the widgets noted so far, one mount call per run of the same container."""
        deferred = self._deferred
        if not deferred:
            return
        self._deferred = []
        start = 0
        while start < len(deferred):
            container = deferred[start][0]
            end = start + 1
            while end < len(deferred) and deferred[end][0] is container:
                end += 1
            await container.mount_all([widget for _, widget in deferred[start:end]])
            start = end

    async def _add_event(self, event: Event) -> None:
        lane = self._lane(event)
        if isinstance(event, TextDelta):
            await self._write_text(lane, event.text)
        elif isinstance(event, ThinkingDelta):
            await self._write_thinking(lane, event.text)
        elif isinstance(event, ToolCallStarted):
            await self._close_streams(lane)
            block = ToolCallBlock(event, show_prompt=self.agent_prompts)
            self.blocks[event.call_id] = block
            lane.blocks.append(block)
            await self._mount(lane.container, block)
        elif isinstance(event, (PermissionRequested, PermissionDecided, ToolCallFinished)):
            block = self.blocks.get(event.call_id)
            if block is not None:
                # Not mounted yet (a batch): the block mounts drawn as it ends, styled once.
                block.apply(event)
        elif isinstance(event, AssistantMessage):
            await self._finish_message(lane, event.message)
        elif isinstance(event, TurnEnded):
            await self._close_streams(lane)
            if event.stop_reason == "tool_use":
                for block in lane.blocks:
                    block.mark_running()
        elif isinstance(event, UserMessage):
            text = _typed_text(event.message)
            if text and event.depth == 0:
                await self._close_streams(lane)
                await self._mount(lane.container, SettledStatic(Content(text), classes="user-message"))
        elif isinstance(event, RunStarted):
            await self._run_started(event)
        elif isinstance(event, (ErrorOccurred, RetryScheduled, Warning)):
            await self._close_streams(lane)
            # The transcript viewer's (whole replies) are of a recorded run, past stopping.
            await self._mount(lane.container, Notice(event, live=not self.whole_replies_static))
        elif isinstance(event, RunEnded):
            await self._run_ended(lane, event)

    def _maybe_park(self) -> None:
        if self.park_offscreen and not self._park_queued \
                and len(self.children) - len(self._parked) > PARK_AFTER \
                and len(self._shown_children()) > PARK_AFTER:
            self._park_queued = True
            self.call_after_refresh(self._park)

    # -- parking widgets far above the viewport ---------------------------------------------------

    async def _park(self) -> None:
        """Hide the leading widgets that end more than a screen above the viewport, and grow the
        spacer at the top by what they took, so the scroll position and height stay the same."""
        self._park_queued = False
        if self._hold_parking:
            return
        limit = self.scroll_y - self.size.height
        shown = self._shown_children()
        park: list[Widget] = []
        for child in shown[:-PARK_KEEP]:
            if child.virtual_region.bottom >= limit or child.virtual_region.height == 0:
                break
            park.append(child)
        if not park:
            return
        if self._spacer is None:
            self._spacer = _Spacer(classes="parked-spacer")
            await self.mount(self._spacer, before=0)
        if self._below_spacer is None:
            # Made now, at no height, so a far jump can park below at once (`_rewindow`).
            self._below_spacer = _Spacer(classes="parked-spacer")
            await self.mount(self._below_spacer)
        # A widget's share of the height runs from its top less its top margin to the next one's
        # (margins collapse, so the spacer's end plus the next top margin is where that one sits).
        starts = [c.virtual_region.y - c.styles.margin.top for c in [*park, shown[len(park)]]]
        for child, start, end in zip(park, starts, starts[1:]):
            _hide(child)
            self._parked.append((child, end - start))
        self._displayed_changed()
        self._set_parked_height(starts[-1])

    def _shown_children(self) -> list[Widget]:
        # The spacer, then the parked widgets, then those shown: parking takes the first shown
        # ones, unparking gives back the last parked. Below them, those parked below and their
        # spacer, last (while none is parked below, the spacer may be anywhere, at no height).
        children = self.children
        start = len(self._parked) + (self._spacer is not None)
        if self._parked_below:
            end = len(children) - len(self._parked_below) - 1
        else:
            end = len(children)
            # At no height the bottom spacer stays where it was made, and what is parked above
            # may run past it.
            if self._below_spacer is not None and children.index(self._below_spacer) <= start:
                start += 1
        return [c for c in children[start:end] if c is not self._below_spacer]

    # -- parking widgets far below the viewport (scrolling back up) -------------------------------

    def _maybe_park_below(self) -> None:
        if self.park_offscreen and not self._park_below_queued \
                and len(self.children) - len(self._parked) - len(self._parked_below) > PARK_AFTER:
            self._park_below_queued = True
            self.call_after_refresh(self._park_below)

    async def _park_below(self) -> None:
        """Hide the trailing widgets that start more than BELOW_SCREENS screens below the viewport,
        and grow the spacer at the end by what they took (the height and scroll position stay)."""
        self._park_below_queued = False
        if self._hold_parking or not self.size.height:
            return
        limit = self.scroll_y + self.size.height * (1 + BELOW_SCREENS)
        shown = self._shown_children()
        park: list[Widget] = []
        for child in reversed(shown[PARK_KEEP:]):
            region = child.virtual_region
            if region.height == 0 or region.y - child.styles.margin.top <= limit:
                break
            park.append(child)
        if not park:
            return
        park.reverse()
        if self._below_spacer is None:
            self._below_spacer = _Spacer(classes="parked-spacer")
            await self.mount(self._below_spacer)
        elif not self._parked_below and self.children[-1] is not self._below_spacer:
            self.move_child(self._below_spacer, after=self.children[-1])
        # A widget's share runs from the end of the one before it (its bottom and bottom margin,
        # where the spacer starts once it is hidden) to its own end.
        before = shown[len(shown) - len(park) - 1]
        ends = [c.virtual_region.bottom + c.styles.margin.bottom for c in [before, *park]]
        added = [(child, end - start) for child, start, end in zip(park, ends, ends[1:])]
        for child, _ in added:
            _hide(child)
        self._parked_below[:0] = added
        self._set_below_height(self._parked_below_height + ends[-1] - ends[0])
        self._displayed_changed()

    def _unpark_below(self, until: float | None) -> None:
        """Show widgets parked below, the nearest first, until what is shown ends at `until` or
        lower (None: every one)."""
        height = self._parked_below_height
        shown_end = self.virtual_size.height - height
        while self._parked_below and (until is None or shown_end < until):
            child, share = self._parked_below.pop(0)
            _show(child)
            height -= share
            shown_end += share
        self._set_below_height(max(height, 0) if self._parked_below else 0)
        self._displayed_changed()

    def _set_below_height(self, height: int) -> None:
        self._parked_below_height = height
        if self._below_spacer is not None:
            self._below_spacer.styles.height = height

    def _set_parked_height(self, height: int) -> None:
        self._parked_height = height
        if self._spacer is not None:
            self._spacer.styles.height = height

    def unpark(self) -> None:
        """Show every parked widget, above the viewport and below it; parking waits until the
        reader next scrolls (a jump is about to scroll to one of them)."""
        self._unpark_above(0)
        if self._parked_below:
            self._unpark_below(until=None)
        for child in self.query_children(".-parked"):
            _show(child)
        self._hold_parking = True
        self._displayed_changed()

    def _rewindow(self, scroll_y: float) -> bool:
        """A far jump (Home, End, a drag of the scrollbar): show just the widgets around the new
        viewport and put every other one behind the two spacers at once. Unparking all that lies
        between would lay it all out: 1-2 s on a long transcript. False when it cannot (a spacer
        is missing, or a shown widget is not laid out yet): the caller unparks step by step."""
        if self._spacer is None or self._below_spacer is None:
            return False
        shown = self._shown_children()
        if not shown or any(not c.virtual_region.height for c in shown):
            return False
        order = [w for w, _ in self._parked] + shown + [w for w, _ in self._parked_below]
        first_shown, last_shown = len(self._parked), len(self._parked) + len(shown) - 1
        # Where each widget's share starts (its top less its top margin, as the top spacer counts)
        # and ends (its bottom and bottom margin, as the bottom spacer counts). Between two
        # widgets the two differ by the margin they share: collapsed margins count once.
        def shared(i: int) -> int:
            return min(order[i].styles.margin.bottom, order[i + 1].styles.margin.top)

        starts = [0] * len(order)
        ends = [0] * len(order)
        for i, child in enumerate(shown, first_shown):
            region = child.virtual_region
            starts[i] = region.y - child.styles.margin.top
            ends[i] = region.bottom + child.styles.margin.bottom
        start = 0
        for i, (_, share) in enumerate(self._parked):
            starts[i] = start
            start += share
        for i in range(first_shown):
            ends[i] = starts[i + 1] + shared(i)
        end = ends[last_shown]
        for i, (_, share) in enumerate(self._parked_below, last_shown + 1):
            end += share
            ends[i] = end
            starts[i] = ends[i - 1] - shared(i - 1)
        height = self.size.height
        low, high = scroll_y - height * ABOVE_SCREENS, scroll_y + height * (1 + BELOW_SCREENS)
        first = next((i for i, e in enumerate(ends) if e > low), len(order) - 1)
        last = max([first] + [i for i in range(first, len(order)) if starts[i] < high])
        for i, child in enumerate(order):
            inside = first <= i <= last
            if inside and child.has_class("-parked"):
                _show(child)
            elif not inside and not child.has_class("-parked"):
                _hide(child)
        self._parked = [(order[i], starts[i + 1] - starts[i]) for i in range(first)]
        self._parked_below = [(order[i], ends[i] - ends[i - 1]) for i in range(last + 1, len(order))]
        if self._parked_below and self.children[-1] is not self._below_spacer:
            self.move_child(self._below_spacer, after=self.children[-1])
        self._set_parked_height(starts[first] if self._parked else 0)
        self._set_below_height(end - ends[last] if self._parked_below else 0)
        self._displayed_changed()
        return True

    def _unpark_ahead(self) -> None:
        self._unpark_above_queued = False
        above = self.scroll_y - self.size.height * ABOVE_SCREENS
        if self._parked and self._parked_height > above:
            self._unpark_above(above)

    def _unpark_above(self, above: float) -> None:
        """Show widgets parked above, the nearest first, until the spacer ends at `above` or higher,
        so scrolling up reveals a few at a time rather than all in one frame."""
        height = self._parked_height
        while self._parked and height > above:
            child, share = self._parked.pop()
            _show(child)
            height -= share
        self._set_parked_height(max(height, 0) if self._parked else 0)
        self._displayed_changed()

    def _displayed_changed(self) -> None:
        # An inline display change renews the cache of the widget's own children only; the list
        # of this view's displayed children (the focus chain reads it) must be renewed here.
        self._nodes.updated()
        self.refresh(layout=True)

    def _scrolled(self, old_y: float, scroll_y: float) -> None:
        height = self.size.height
        far = height * (ABOVE_SCREENS + BELOW_SCREENS)
        shown_end = self.virtual_size.height - self._parked_below_height
        if ((self._parked and scroll_y < self._parked_height - far)
                or (self._parked_below and scroll_y + height > shown_end + far)) \
                and self._rewindow(scroll_y):
            self._hold_parking = False
            return
        if scroll_y > old_y and self._parked_below:
            # Scrolling down towards what is parked below: show it again a little ahead.
            shown_end = self.virtual_size.height - self._parked_below_height
            if shown_end < scroll_y + height * (1 + BELOW_SCREENS - 1):
                self._unpark_below(until=scroll_y + height * (1 + BELOW_SCREENS))
        if self._parked_height and scroll_y < self._parked_height:
            # The viewport reaches into the spacer: what is there must show in this frame.
            self._unpark_above(scroll_y - height * ABOVE_SCREENS)
        elif self._parked_height and scroll_y < old_y:
            # Scrolling up towards what is parked: shown again once this scroll is painted, so
            # the next key finds it laid out.
            if not self._unpark_above_queued:
                self._unpark_above_queued = True
                self.call_after_refresh(self._unpark_ahead)
        elif scroll_y > old_y:
            self._hold_parking = False
            # Scrolling down: what went more than a screen above is parked again (not only when
            # more events come), so the widgets shown stay those near the screen.
            self._maybe_park()
        if scroll_y < old_y:
            self._hold_parking = False
            # Scrolling up: what went far below is parked, so the widgets shown stay those near
            # the screen whichever way the reader goes.
            self._maybe_park_below()

    async def finish(self) -> None:
        """Flush every stream (call when no more events will come)."""
        for lane in self._lanes.values():
            await self._close_streams(lane)

    # -- lanes ----------------------------------------------------------------------------------

    def _lane(self, event: Event) -> _Lane:
        key = event.parent_call_id
        if key is None:
            return self._lanes[None]
        lane = self._lanes.get(key)
        if lane is None:
            block = self.blocks.get(key)
            container = block.nested if block is not None and block.nested is not None else self
            lane = self._lanes[key] = _Lane(container)
        return lane

    async def _write_text(self, lane: _Lane, text: str) -> None:
        # A stream writes into a mounted Markdown, after what the batch made before it.
        await self._flush_mounts()
        await self._close_thinking(lane)
        lane.streamed_text = True
        while text:
            if lane.reply_stream is None:
                lane.reply = Markdown(classes="reply")
                await lane.container.mount(lane.reply)
                lane.reply_stream = Markdown.get_stream(lane.reply)
                lane.segment_chars = lane.segment_fences = 0
            # Markdown.append costs grow with the widget's whole source, and every frame lays out
            # every widget; a long reply continues in a fresh widget at a paragraph break past
            # SEGMENT_CHARS (also inside one write: the pane joins deltas into large writes).
            cut = _segment_cut(lane, text)
            piece, text = (text, "") if cut is None else (text[:cut], text[cut:])
            lane.segment_chars += len(piece)
            lane.segment_fences += piece.count("```")
            await lane.reply_stream.write(piece)
            if cut is not None:
                await self._close_reply(lane)

    async def _write_thinking(self, lane: _Lane, text: str) -> None:
        await self._flush_mounts()
        if lane.thinking_stream is None:
            lane.thinking = Markdown(classes="thinking-text")
            await lane.container.mount(Collapsible(lane.thinking, title="Thinking", classes="thinking"))
            lane.thinking_stream = Markdown.get_stream(lane.thinking)
        lane.streamed_text = True
        await lane.thinking_stream.write(text)

    async def _close_thinking(self, lane: _Lane) -> None:
        if lane.thinking_stream is not None:
            await lane.thinking_stream.stop()
            lane.thinking_stream = None

    async def _close_reply(self, lane: _Lane) -> None:
        if lane.reply_stream is None:
            return
        await lane.reply_stream.stop()
        lane.reply_stream = None
        if lane.reply is not None:
            lane.finished.append(lane.reply)
        if len(lane.finished) > LIVE_SEGMENTS:
            self._queue_fold(lane.finished.popleft())

    # -- folding finished segments --------------------------------------------------------------

    @property
    def folds_pending(self) -> bool:
        """Whether finished segments wait to be folded or are being folded (that happens after
        the next refresh; meanwhile a segment and its folded copy may both be in the view)."""
        return bool(self._to_fold) or self._folding

    def _queue_fold(self, markdown: Markdown) -> None:
        self._to_fold.append((markdown, 0))
        self._schedule_fold()

    def _schedule_fold(self) -> None:
        if not self._fold_queued:
            self._fold_queued = True
            self.call_after_refresh(self.call_next, self._fold_waiting)

    async def _fold_waiting(self) -> None:
        """Fold the finished segments that have been laid out at their whole text, keeping the lines
        they showed; one not laid out yet is tried again a little later (FOLD_TRIES times, then it
        is drawn from its source: its view may not be on screen)."""
        self._fold_queued = False
        waiting, self._to_fold = self._to_fold, []
        self._folding = True
        try:
            for markdown, tries in waiting:
                # A parked segment costs nothing per frame already, and the spacer counts its height.
                if markdown.parent is None or markdown.has_class("-parked"):
                    continue
                lines = _snapshot(markdown)
                if lines is None and tries < FOLD_TRIES:
                    self._to_fold.append((markdown, tries + 1))
                    continue
                await _fold(markdown, lines)
        finally:
            self._folding = False
        if self._to_fold:
            self.set_timer(FOLD_RETRY_S, self._schedule_fold)

    async def _close_streams(self, lane: _Lane) -> None:
        await self._close_thinking(lane)
        await self._close_reply(lane)

    async def _finish_message(self, lane: _Lane, message: dict) -> None:
        """A complete response: if it was not streamed (a transcript), render its text now."""
        await self._close_streams(lane)
        if not lane.streamed_text:
            for block in message.get("content") or []:
                if not isinstance(block, dict):
                    continue
                if block.get("type") == "text" and block.get("text"):
                    reply = FoldedReply(block["text"]) if self.whole_replies_static \
                        else Markdown(block["text"], classes="reply")
                    await self._mount(lane.container, reply)
                elif block.get("type") == "thinking" and block.get("thinking"):
                    if self.whole_replies_static:
                        section: Collapsible = WholeThinking(block["thinking"])
                    else:
                        thinking = Markdown(block["thinking"], classes="thinking-text")
                        section = Collapsible(thinking, title="Thinking", classes="thinking")
                    await self._mount(lane.container, section)
        lane.streamed_text = False

    async def _run_started(self, event: RunStarted) -> None:
        if event.depth > 0 and event.parent_call_id in self.blocks:
            self.blocks[event.parent_call_id].tint(agent_color(event.agent.text))
            return
        header = Content.assemble(
            ("▶ ", "$accent"),
            (event.agent.name or "agent", "bold"),
            f" · {event.model}",
            f" · effort {event.effort}" if event.effort else "",
            f" · {event.permission_mode}",
            f" · {event.cwd}" if event.cwd else "",
            # Which tools the run got, so `inherit` → opus or a dropped Grep is seen, not guessed.
            ("\n  tools: " + (", ".join(event.tools) or "none"), "$text-muted"),
            (f" · by ToolSearch: {', '.join(event.deferred_tools)}" if event.deferred_tools else "",
             "$text-muted"),
        )
        await self._mount(self, SettledStatic(header, classes="run-header"))

    async def _run_ended(self, lane: _Lane, event: RunEnded) -> None:
        await self._close_streams(lane)
        if event.depth > 0:
            return
        for block in self.blocks.values():
            block.mark_cancelled()
        await self.finish()
        words = {
            "completed": "✔ Done",
            "max_turns": "■ Stopped at the turn limit (maxTurns)",
            "cancelled": "■ Cancelled — the transcript is kept",
            "error": "✘ Ended with an error",
        }.get(event.status, event.status)
        footer = SettledStatic(
            f"{words} · {plural(event.turns, 'turn')} · "
            f"{plural(event.tool_calls, 'tool call')} · "
            f"{event.duration_ms / 1000:.1f}s",
            classes="run-footer",
        )
        footer.set_class(event.status == "error", "-error")
        await self._mount(self, footer)


def _hide(widget: Widget) -> None:
    """Park `widget`: class `-parked` (for queries) and an inline `display: none`; no CSS rule
    matches the class, so neither change restyles the widget's subtree (a restyle of a tool call
    cost ~5 ms, on every widget parked)."""
    widget.add_class("-parked", update=False)
    widget.styles.display = "none"


def _show(widget: Widget) -> None:
    widget.remove_class("-parked", update=False)
    widget.styles.display = None


class _Spacer(Widget):
    """Stands in for the parked widgets, at their height."""

    virtual_size = settled_size()


class ThinkingTitle(SettledStatic, can_focus=True):
    """The line that names a thinking block and opens it (drawn like a Collapsible's title)."""

    ALLOW_SELECT = False
    BINDINGS = screen_bindings("chat.block.")

    def action_toggle(self) -> None:
        if isinstance(self.parent, WholeThinking):
            self.parent.collapsed = not self.parent.collapsed

    def on_click(self, event: Click) -> None:
        event.stop()
        self.action_toggle()


class WholeThinking(Widget):
    """A thinking block that arrived whole (a transcript): a title line, and the thinking's Markdown
    below it, made when the block is first expanded. Two widgets while collapsed, and both laid out
    once: a Markdown widget tree per thinking block was most of the cost of mounting an assistant
    message, and a Collapsible's three widgets each asked for a second layout."""

    DEFAULT_CSS = """
    WholeThinking { height: auto; layout: vertical; }
    WholeThinking > ThinkingTitle {
        width: auto;
        padding: 0 1;
        text-style: $block-cursor-blurred-text-style;
        color: $block-cursor-blurred-foreground;
        pointer: pointer;
        &:hover { background: $block-hover-background; color: $foreground; }
        &:focus {
            text-style: $block-cursor-text-style;
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
    }
    WholeThinking > Markdown.thinking-text { margin: 1 0 0 3; }
    """

    virtual_size = settled_size()

    def __init__(self, text: str) -> None:
        super().__init__(classes="thinking")
        self.text = text
        self._collapsed = True
        self._title = ThinkingTitle(self._title_content())

    def compose(self):
        yield self._title

    def _title_content(self) -> Content:
        return Content(f"{'▶' if self._collapsed else '▼'} Thinking")

    @property
    def collapsed(self) -> bool:
        """Whether only the title shows."""
        return self._collapsed

    @collapsed.setter
    def collapsed(self, collapsed: bool) -> None:
        if collapsed == self._collapsed:
            return
        self._collapsed = collapsed
        self._title.update(self._title_content())
        markdowns = self.query_children(".thinking-text")
        if markdowns:
            markdowns.set(display=not collapsed)
        elif not collapsed:
            self.mount(Markdown(self.text, classes="thinking-text"))


class FoldedReply(Widget):
    """A finished stretch of reply drawn as one widget; `source` is its Markdown.

    Folded from a live reply, it keeps the lines that reply showed, composed by the code that draws
    the screen, so it looks exactly the same and costs nothing to draw again. At another width, after
    a theme change, or made from source alone (a transcript), it draws `source` with Rich's Markdown.
    """

    DEFAULT_CSS = "FoldedReply { height: auto; }"

    virtual_size = settled_size()

    def __init__(self, source: str, lines: list[Strip] | None = None) -> None:
        super().__init__(classes="reply -folded")
        self.source = source
        self._lines = lines or None
        self._width = lines[0].cell_length if lines else 0
        # ((width, style, selection), lines): `source` as last drawn.
        self._drawn: tuple[tuple[object, ...], list[Strip]] | None = None

    def on_mount(self) -> None:
        if self._lines is not None:
            self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    @property
    def drawn_as_live(self) -> bool:
        """Whether it shows the lines of the live reply it replaced (not Rich's rendering)."""
        return self._fits(self.size.width)

    def _theme_changed(self, theme: object) -> None:
        # The kept lines carry the old theme's colours.
        self._lines = None
        self.refresh(layout=True)

    def _fits(self, width: int) -> bool:
        return self._lines is not None and width == self._width

    def render(self) -> RichMarkdown:
        return RichMarkdown(self.source, code_theme="ansi_dark")

    def _lines_at(self, width: int) -> list[Strip]:
        """The kept lines at their width, else `source` drawn at `width` (kept until the width,
        the style or the selection changes: measuring, drawing, and showing it again after it was
        parked then cost one Rich render, not one each)."""
        if self._fits(width):
            return self._lines  # type: ignore[return-value]
        key = (width, self.visual_style, self.text_selection)
        if self._drawn is None or self._drawn[0] != key:
            visual = visualize(self, self.render(), markup=False)
            self._drawn = (key, Visual.to_strips(self, visual, width, None, self.visual_style))
        return self._drawn[1]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines_at(width)) if width > 0 else 0

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        lines = self._lines_at(width)
        return lines[y] if y < len(lines) else Strip.blank(width)

    def action_link(self, href: str) -> None:
        """A link of the kept lines was clicked (the live reply would open it too)."""
        self.app.open_url(href)


def _snapshot(markdown: Markdown) -> list[Strip] | None:
    """The lines `markdown` shows, composed as the screen composes them; None unless it was laid
    out at its present content (its blocks draw at the size they were given on screen)."""
    region = markdown.region
    parent = markdown.parent
    if not region or not isinstance(parent, Widget):
        return None
    try:
        gutter = markdown.styles.gutter
        height = markdown.get_content_height(parent.size, markdown.app.size,
                                             region.width - gutter.width) + gutter.height
        if height != region.height:
            return None
        size = Size(region.width, height)
        compositor = Compositor()
        compositor.reflow(markdown, size)
        return compositor.render_strips(size)
    except Exception:  # a Textual internal changed: draw the folded text with Rich instead
        return None


async def _fold(markdown: Markdown, lines: list[Strip] | None) -> None:
    """Replace a finished Markdown widget (a tree of block widgets) by one widget showing the same
    text: every frame lays out every shown widget, so a long run must not keep hundreds."""
    parent = markdown.parent
    if parent is None:
        return
    mounted = parent.mount(FoldedReply(markdown.source, lines), before=markdown)
    # Hidden at once, so no frame shows the text twice while the folded widget mounts.
    markdown.display = False
    await mounted
    await markdown.remove()


def _segment_cut(lane: _Lane, text: str) -> int | None:
    """Where in `text` the streamed segment may end: just after the first paragraph break outside a
    code fence once the segment holds SEGMENT_CHARS; None to write all of `text` into it."""
    start = max(0, SEGMENT_CHARS - lane.segment_chars - 2)
    index = text.find("\n\n", start)
    while index != -1:
        if (lane.segment_fences + text.count("```", 0, index)) % 2 == 0:
            return index + 2
        index = text.find("\n\n", index + 2)
    return None


def _typed_text(message: dict) -> str:
    """The text a person typed, or '' for a turn that only carries tool results."""
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    if any(isinstance(b, dict) and b.get("type") == "tool_result" for b in content):
        return ""
    # Reminders the engine (or Claude Code) put around the task are context, not typed text.
    return "\n".join(b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text"
                     and not b.get("text", "").startswith("<system-reminder>"))

