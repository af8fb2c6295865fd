"""ChatPane: runs the selected agent on a typed task and shows the run as it streams.

The run itself happens in a worker that never touches widgets: it queues the session's events and
posts `EventsReady` (coalesced: one message while events are waiting), and it asks permission by
posting `PermissionNeeded` with a future that the prompt's answer resolves. Every run keeps its own
`ConversationView`; F5 starts a fresh session with the editor's current text and F9 shows the
previous run (F6 and F7 belong to the editor's selection keys). Enter after a run has ended sends a
follow-up in the same session (its history kept, shown in the same view); `/new` typed in the input
(or `new_session()`) makes the next task start a fresh session.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from textual.actions import SkipAction
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import ContentSwitcher, Input, Static

from workbench.transcripts.events import (
    ErrorOccurred,
    Event,
    PermissionRequested,
    RunEnded,
    TextDelta,
    UsageTotals,
)
from workbench.ui.chat import collector
from workbench.ui.chat.chat_input import ChatInput
from workbench.ui.chat.conversation import ConversationView
from workbench.ui.chat.permission_prompt import PermissionPrompt
from workbench.ui.chat.run_stats import RunStats
from workbench.ui.chat.status_line import StatusLine, engine_label
from workbench.ui.keymap import screen_bindings

# Typed alone (or before a task) in the input: the next task starts a fresh session.
NEW_SESSION_COMMAND = "/new"

WELCOME_TEXT = (
    "Type a task below and press Enter to run the selected agent.\n"
    "F5 re-runs the last task with the editor's current text; F9 shows the previous run."
)

NO_KEY_TEXT = (
    "No API key is set, so agents cannot run yet. Everything else works.\n\n"
    "Set one in the shell that starts workbench, then restart it:\n"
    "  export ANTHROPIC_API_KEY=sk-ant-...\n"
    "(ANTHROPIC_AUTH_TOKEN works too, for a bearer token.)\n\n"
    "For a compatible endpoint, also set its address:\n"
    "  export ANTHROPIC_BASE_URL=https://..."
)


class RunnableSession(Protocol):
    """What the pane needs of a session (the runtime's `Session`)."""

    def send(self, text: str) -> AsyncIterator[Event]: ...

    def cancel(self) -> None: ...


AgentSource = Callable[[], tuple[str, Path | None]]
# (agent_text, path, ask_permission) -> a session.
SessionFactory = Callable[[str, Path | None, Callable[[PermissionRequested], Any]], RunnableSession]


@dataclass(eq=False)
class Run:
    """One run shown in the pane: its session, its view and what is waiting to be rendered."""

    number: int
    prompt: str
    agent_text: str
    path: Path | None
    # A follow-up shares its session and view with the runs before it in that session.
    view: ConversationView
    stats: RunStats = field(default_factory=RunStats)
    session: RunnableSession | None = None
    queue: deque[Event] = field(default_factory=deque)
    # Events counted in `stats` and `events` but not drawn yet (a render stops when its time is up).
    backlog: deque[Event] = field(default_factory=deque)
    events: list[Event] = field(default_factory=list)
    posted: bool = False
    rendered_at: float = 0.0
    active: bool = True
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None

    @property
    def pending(self) -> bool:
        """Whether some of its events are not drawn yet."""
        return bool(self.queue or self.backlog)

    @property
    def elapsed_s(self) -> float:
        """Seconds since the run started (frozen when it ended)."""
        if self.stats.duration_ms is not None:
            return self.stats.duration_ms / 1000
        return (self.ended or time.monotonic()) - self.started


PERMISSION_MODES = ("default", "acceptEdits", "plan", "bypassPermissions")
# Seconds between two renders of a run's queued events (a few layouts a second, not one per delta).
RENDER_INTERVAL_S = 0.08
# Seconds of event rendering in one go; the rest waits until the screen has painted (keys first).
RENDER_BUDGET_S = 0.008
# While the person types (a key in the last TYPING_HOLD_S), runs render less often: every render is
# a layout of the screen that the next key's frame may have to wait for.
TYPING_RENDER_INTERVAL_S = 0.25
TYPING_HOLD_S = 0.5


def coalesce_text(events: list[Event]) -> list[Event]:
    """`events` with each stretch of consecutive text deltas of one lane joined into one delta."""
    out: list[Event] = []
    for event in events:
        last = out[-1] if out else None
        if (isinstance(event, TextDelta) and isinstance(last, TextDelta)
                and last.parent_call_id == event.parent_call_id):
            out[-1] = replace(last, text=last.text + event.text)
        else:
            out.append(event)
    return out


def has_api_key() -> bool:
    """Whether the runtime has credentials to call the API."""
    from workbench.runtime.provider import has_credentials

    return has_credentials()


class ChatPane(Vertical):
    """The chat pane: the runs' conversations, permission prompts, the task input, the status line."""

    DEFAULT_CSS = """
    ChatPane { height: 1fr; }
    ChatPane > #chat-title { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    ChatPane > #chat-runs { height: 1fr; }
    ChatPane .chat-welcome { padding: 1 2; color: $text-muted; }
    ChatPane .chat-welcome.-no-key { color: $text; border-left: thick $warning; }
    ChatPane > #chat-prompts { height: auto; max-height: 70%; }
    ChatPane > #chat-input { margin: 0; }
    ChatPane.-no-input > #chat-input { display: none; }
    """

    BINDINGS = screen_bindings("chat.")

    class EventsReady(Message):
        """The worker queued events of `run` for rendering."""

        def __init__(self, run: Run) -> None:
            super().__init__()
            self.run = run

    class _RenderDue(Message):
        """The screen has painted: render the queued events of `run` now."""

        def __init__(self, run: Run) -> None:
            super().__init__()
            self.run = run

    class PermissionNeeded(Message):
        """The worker waits for the person's answer to `request`, through `future`."""

        def __init__(self, run: Run, request: PermissionRequested, future: asyncio.Future) -> None:
            super().__init__()
            self.run = run
            self.request = request
            self.future = future

    class RunFinished(Message):
        """A run ended (posted by the pane when its `RunEnded` was rendered)."""

        def __init__(self, run: Run) -> None:
            super().__init__()
            self.run = run

    def __init__(
        self,
        *,
        agent_source: AgentSource | None = None,
        session_factory: SessionFactory | None = None,
        cwd: Path | None = None,
        model: str | None = None,
        permission_mode: str | None = None,
        engine: str | None = None,
        run_as: str | None = None,
        show_input: bool = True,
        id: str | None = "chat-pane",
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        # Without its input the pane is a column driven by its host (the compare screen).
        self.set_class(not show_input, "-no-input")
        self.agent_source = agent_source
        self.session_factory = session_factory or self._runtime_session
        self.cwd = cwd
        self.model = model
        self.permission_mode = permission_mode
        # The engine asked for ("auto", "builtin", "claude-code"; None: the settings') and how
        # Claude Code runs the agent ("subagent", "main"; None: the settings').
        self.engine = engine
        self.run_as = run_as
        self.runs: list[Run] = []
        self.shown: Run | None = None
        self.last_prompt = ""
        self._futures: dict[str, asyncio.Future] = {}
        self._fresh_next = False
        self._typed_at = float("-inf")

    def compose(self):
        yield Static(id="chat-title")
        with ContentSwitcher(id="chat-runs", initial="chat-welcome"):
            yield Static(
                WELCOME_TEXT,
                id="chat-welcome",
                classes="chat-welcome",
            )
        yield Vertical(id="chat-prompts")
        yield ChatInput(placeholder="Task · Enter runs it", id="chat-input")
        yield StatusLine(id="chat-status")

    def on_mount(self) -> None:
        self._show_title()
        if self._needs_key():
            self.show_no_key()
        self._show_status()
        self.set_interval(1.0, self._tick)

    async def on_unmount(self) -> None:
        # A pane closed mid-run must not leave the collector held for the rest of the process.
        for run in self.runs:
            if run.active:
                run.active = False
                collector.release()
        for session in {id(run.session): run.session for run in self.runs if run.session}.values():
            await _close(session)

    # -- public API -----------------------------------------------------------------------------

    def show_no_key(self) -> None:
        """Explain how to set an API key (and a compatible endpoint) in place of the welcome text."""
        welcome = self.query_one("#chat-welcome", Static)
        welcome.update(NO_KEY_TEXT)
        welcome.add_class("-no-key")
        self.query_one(ContentSwitcher).current = "chat-welcome"

    async def start_run(self, prompt: str) -> Run | None:
        """Run the agent's current text on `prompt` in a fresh session; None when it cannot start."""
        prompt = prompt.strip()
        if not prompt:
            return None
        if self._needs_key():
            self.show_no_key()
            return None
        source = self._agent_source()
        if source is None:
            self.app.notify("Select an agent first.", severity="warning")
            return None
        agent_text, path = source
        self.last_prompt = prompt
        self._fresh_next = False
        if self.runs and self.runs[-1].session is not None and not self.runs[-1].active:
            # The previous session can no longer get follow-ups: close its transcript and connections.
            await _close(self.runs[-1].session)
        view = ConversationView(id=f"chat-run-{len(self.runs) + 1}", park_offscreen=True)
        run = Run(len(self.runs) + 1, prompt, agent_text, path, view)
        self.runs.append(run)
        await self.query_one(ContentSwitcher).add_content(view, set_current=True)
        self.shown = run
        self._show_title()
        self._show_status()  # "starting…" at once, until the run's first event
        collector.hold()
        self.run_worker(self._drive(run), group="chat-run", name=f"chat run {run.number}")
        return run

    async def send_follow_up(self, prompt: str) -> Run | None:
        """Continue the last session with `prompt`, its history kept; None when there is none to
        continue (no run yet, one still going, another run shown, or a fresh session asked for)."""
        prompt = prompt.strip()
        previous = self.continuable
        if not prompt or previous is None:
            return None
        source = self._agent_source()
        if source is not None and source[1] != previous.path:
            # Another agent is on screen: its task must not land in the previous agent's session.
            name = source[1].stem if source[1] is not None else "the agent on screen"
            self.app.notify(f"New session for {name}: the previous one belongs to another agent.")
            return None
        self.last_prompt = prompt
        set_mode = getattr(previous.session, "set_permission_mode", None)
        if set_mode is not None:  # a mode chosen since the last run applies from this request on
            set_mode(self.permission_mode)
        run = Run(len(self.runs) + 1, prompt, previous.agent_text, previous.path, previous.view,
                  session=previous.session)
        self.runs.append(run)
        self.shown = run
        self._show_title()
        self._show_status()  # "starting…" at once, until the run's first event
        collector.hold()
        self.run_worker(self._drive(run), group="chat-run", name=f"chat run {run.number}")
        return run

    @property
    def continuable(self) -> Run | None:
        """The finished run whose session Enter would continue, if any."""
        if self._fresh_next or not self.runs:
            return None
        last = self.runs[-1]
        if last is not self.shown or last.active or last.session is None:
            return None
        return last

    def new_session(self) -> None:
        """Make the next task start a fresh session (with the editor's current text)."""
        self._fresh_next = True
        self._show_title()
        self.app.notify("The next task starts a new session.", severity="information")

    def choose_permission_mode(self) -> None:
        """Ask for the permission mode of the next runs (default: the agent's own, else settings)."""
        from workbench.ui.screens.choice import ChoiceDialog

        options = [("the agent's permissionMode (else the settings')", "")]
        options += [(mode, mode) for mode in PERMISSION_MODES]

        def chosen(mode: str | None) -> None:
            if mode is not None:
                self.permission_mode = mode or None
                self._show_title()

        self.app.push_screen(ChoiceDialog("Permission mode for the next runs", options,
                                          self.permission_mode or ""), chosen)

    def choose_cwd(self) -> None:
        """Ask for the working directory of the next runs."""
        from workbench.ui.screens.text_prompt import TextPromptDialog

        def check(text: str) -> str | None:
            return None if Path(text).expanduser().is_dir() else f"{text} is not a folder"

        def chosen(text: str | None) -> None:
            if text:
                self.cwd = Path(text).expanduser().resolve()
                self._show_title()

        current = str(self.cwd or Path.cwd())
        self.app.push_screen(TextPromptDialog("Working directory for the next runs", current, check),
                             chosen)

    def focus_input(self) -> None:
        """Put the cursor in the task input."""
        self.query_one("#chat-input", Input).focus()

    @property
    def task(self) -> str:
        """The task to run next: what is typed, else the last task run."""
        return self.query_one("#chat-input", Input).value.strip() or self.last_prompt

    async def run_or_rerun(self) -> Run | None:
        """F5: run what is typed, else re-run the last task (fresh session, current editor text)."""
        typed = self.query_one("#chat-input", Input)
        if typed.value.strip() and not self.running:
            run = await self.start_run(typed.value)
            if run is not None:
                typed.clear()
            return run
        if self.running:
            self.app.notify("A run is in progress; Esc in the chat cancels it.", severity="warning")
            return None
        return await self.rerun()

    async def rerun(self) -> Run | None:
        """F5: the last task again, with the editor's current text, in a fresh session."""
        if not self.last_prompt:
            self.query_one("#chat-input", Input).focus()
            self.app.notify("Type a task first; F5 then re-runs it.", severity="information")
            return None
        return await self.start_run(self.last_prompt)

    def cancel(self) -> None:
        """Stop the running turn: the session kills its tool processes and keeps the transcript."""
        for run in self.runs:
            if run.active and run.session is not None:
                run.session.cancel()
        for call_id, future in list(self._futures.items()):
            if not future.done():
                future.set_result(_answer("deny", "The person cancelled the run."))
            self._futures.pop(call_id, None)
        prompts = self.query_one("#chat-prompts")
        focused = self.app.focused
        prompt_had_focus = focused is not None and prompts in focused.ancestors_with_self
        prompts.remove_children()
        if prompt_had_focus:  # otherwise focus is lost with the prompt and typing goes nowhere
            self.query_one("#chat-input", Input).focus()

    @property
    def running(self) -> bool:
        """Whether any run is still going."""
        return any(run.active for run in self.runs)

    # -- actions and input ----------------------------------------------------------------------

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "chat-input":
            return
        event.stop()
        if self.running:
            self.app.notify("A run is in progress; Esc cancels it.", severity="warning")
            return
        text = event.value.strip()
        if text == NEW_SESSION_COMMAND or text.startswith(NEW_SESSION_COMMAND + " "):
            text = text.removeprefix(NEW_SESSION_COMMAND).strip()
            if not text:
                event.input.clear()
                self.new_session()
                return
            self._fresh_next = True
        run = await self.send_follow_up(text) or await self.start_run(text)
        if run is not None:
            event.input.clear()

    def action_cancel(self) -> None:
        """Esc: cancel the running turn; with none, Esc goes on to the screen (Compare closes)."""
        if not self.running:
            raise SkipAction()
        self.cancel()

    def action_previous_run(self) -> None:
        """Show the run before the one shown."""
        self._show_offset(-1)

    def action_next_run(self) -> None:
        """Show the run after the one shown."""
        self._show_offset(+1)

    def _show_offset(self, step: int) -> None:
        if not self.runs:
            return
        index = self.runs.index(self.shown) if self.shown in self.runs else len(self.runs) - 1
        self.show_run(self.runs[(index + step) % len(self.runs)])

    def show_run(self, run: Run) -> None:
        """Bring one run's conversation to the front."""
        self.shown = run
        self.query_one(ContentSwitcher).current = run.view.id
        self._show_title()
        self._show_status()

    # -- the worker and its messages ------------------------------------------------------------

    async def _drive(self, run: Run) -> None:
        """Worker: run the session and queue its events; never touches widgets."""

        async def ask(request: PermissionRequested):
            # The session outlives this run when follow-ups continue it: ask for the latest of them.
            latest = next((r for r in reversed(self.runs) if r.session is run.session), run)
            future = asyncio.get_running_loop().create_future()
            self.post_message(self.PermissionNeeded(latest, request, future))
            return await future

        ended = False
        try:
            if run.session is None:
                if self.session_factory == self._runtime_session:
                    # The SDK's imports take seconds: load them off the event loop, so the screen
                    # paints "starting…" and keeps answering keys meanwhile.
                    await asyncio.to_thread(_load_sdk, self.engine_name())
                run.session = self.session_factory(run.agent_text, run.path, ask)
            async for event in run.session.send(run.prompt):
                ended = ended or (isinstance(event, RunEnded) and event.depth == 0)
                self._queue(run, event)
        except Exception as error:  # a run that cannot start or breaks is shown, never raised
            self._queue(run, ErrorOccurred(message=str(error) or type(error).__name__,
                                           error_type=type(error).__name__))
        finally:
            if not ended:
                self._queue(run, RunEnded(status="error", turns=run.stats.turns, usage=UsageTotals(),
                                          cost_usd=0.0, duration_ms=0.0, error="the run stopped"))

    def _queue(self, run: Run, event: Event) -> None:
        run.queue.append(event)
        if not run.posted:
            run.posted = True
            self.post_message(self.EventsReady(run))

    def note_typing(self) -> None:
        """The person typed (in the pane's input, or anywhere a host reports): for a moment, render
        runs less often so keys reach the screen first."""
        self._typed_at = time.monotonic()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "chat-input":
            self.note_typing()

    async def on_chat_pane_events_ready(self, message: EventsReady) -> None:
        run = message.run
        now = time.monotonic()
        typing = now - self._typed_at < TYPING_HOLD_S
        wait = run.rendered_at + (TYPING_RENDER_INTERVAL_S if typing else RENDER_INTERVAL_S) - now
        if wait > 0:
            # Every render re-lays out the screen; rendering at most a dozen times a second (not per
            # delta) leaves the frames between free for keys. `posted` stays set, so events queued
            # meanwhile join this batch.
            self.set_timer(wait, lambda: self.post_message(self.EventsReady(run)))
            return
        # Render once the screen has painted what is pending: a key typed meanwhile gets its frame
        # first, and never waits behind the layout of a batch of events.
        self.call_after_refresh(self.post_message, self._RenderDue(run))

    async def on_chat_pane__render_due(self, message: _RenderDue) -> None:
        if message.run.posted:
            await self._render_queued(message.run, budget=RENDER_BUDGET_S)

    async def _render_queued(self, run: Run, budget: float | None = None) -> None:
        """Show the queued events of `run`, consecutive text deltas joined into one write; with a
        `budget` (seconds), what is left once it is spent waits for the next paint."""
        run.posted = False
        run.rendered_at = started = time.monotonic()
        events = list(run.queue)
        run.queue.clear()
        for event in events:
            run.events.append(event)
            run.stats.apply(event)
        backlog = run.backlog
        if events:
            joined = coalesce_text([*backlog, *events])
            backlog.clear()
            backlog.extend(joined)
        while backlog:
            event = backlog.popleft()
            await run.view.add_event(event)
            if isinstance(event, RunEnded) and event.depth == 0 and run.active:
                run.active = False
                run.ended = time.monotonic()
                collector.release()
                self.post_message(self.RunFinished(run))
            if budget is not None and time.monotonic() - started > budget:
                break
        if backlog and not run.posted:
            run.posted = True
            self.call_after_refresh(self.post_message, self._RenderDue(run))
        if run is self.shown:
            self._show_status()

    async def on_chat_pane_permission_needed(self, message: PermissionNeeded) -> None:
        self._futures[message.request.call_id] = message.future
        # The call's block may still wait in the queue; the prompt must not appear before it.
        await self._render_queued(message.run)
        block = message.run.view.blocks.get(message.request.call_id)
        if block is not None:
            block.apply(message.request)
        if message.run is not self.shown:
            self.show_run(message.run)
        prompt = PermissionPrompt(message.request)
        await self.query_one("#chat-prompts").mount(prompt)
        prompt.focus()

    async def on_permission_prompt_answered(self, message: PermissionPrompt.Answered) -> None:
        message.stop()
        future = self._futures.pop(message.call_id, None)
        if future is not None and not future.done():
            future.set_result(_answer(message.decision, message.reason))
        await message.prompt.remove()
        remaining = self.query(PermissionPrompt)
        (remaining.last() if remaining else self.query_one("#chat-input", Input)).focus()

    # -- display --------------------------------------------------------------------------------

    def _agent_source(self) -> tuple[str, Path | None] | None:
        if self.agent_source is not None:
            return self.agent_source()
        source = getattr(self.app, "current_agent_source", None)
        return source() if callable(source) else None

    def _runtime_session(self, agent_text: str, path: Path | None, ask) -> RunnableSession:
        from workbench.runtime.engines import choose_engine, open_session

        choice = choose_engine(self.engine, self._settings(), self.run_as)
        return open_session(choice, agent_text, path=path, model=self.model, cwd=self.cwd or Path.cwd(),
                            permission_mode=self.permission_mode, ask_permission=ask,
                            catalog=self._catalog(), settings=self._settings())

    def _settings(self):
        return getattr(self.app, "settings", None)

    def engine_name(self) -> str:
        """The engine the next run uses: "builtin" or "claude-code" (the SDK's presence decides auto)."""
        from workbench.runtime.claude_code import resolve_engine
        from workbench.runtime.engines import requested_engine

        try:
            return resolve_engine(requested_engine(self.engine, self._settings()))
        except ValueError:
            return "builtin"

    def engine_text(self) -> str:
        """`built-in`, `Claude Code 2.1.337 · as a subagent`: what the status line shows."""
        if self.session_factory != self._runtime_session:
            return ""
        name = self.engine_name()
        if name != "claude-code":
            return engine_label(name)
        from workbench.runtime.claude_code import bundled_cli
        from workbench.runtime.engines import RUN_AS_LABELS

        run_as = self.run_as or getattr(self._settings(), "run_as", None) or "subagent"
        return f"{engine_label(name, bundled_cli()[1])} {RUN_AS_LABELS.get(run_as, run_as)}"

    def _needs_key(self) -> bool:
        """Whether a run cannot start for want of an API key (Claude Code has its own login)."""
        return (self.session_factory == self._runtime_session and self.engine_name() == "builtin"
                and not has_api_key())

    def choose_engine(self) -> None:
        """Ask which engine runs the next runs (a fresh session: Enter does not continue the last)."""
        from workbench.runtime.claude_code import INSTALL_HINT, sdk_available
        from workbench.ui.screens.choice import ChoiceDialog

        options = [("auto: Claude Code when installed, else built-in", "auto"),
                   ("built-in: workbench's own loop over the API", "builtin"),
                   ("Claude Code: the real CLI through the Claude Agent SDK", "claude-code")]

        def chosen(engine: str | None) -> None:
            if engine is None:
                return
            if engine == "claude-code" and not sdk_available():
                self.app.notify(f"The Claude Code engine needs the Claude Agent SDK: {INSTALL_HINT}",
                                title="Claude Code is not installed", severity="error", timeout=10)
                return
            if engine != self.engine:
                self.engine = engine
                self._fresh_next = bool(self.runs)
            welcome = self.query_one("#chat-welcome", Static)
            if not self._needs_key() and welcome.has_class("-no-key"):
                welcome.update(WELCOME_TEXT)
                welcome.remove_class("-no-key")
            elif self._needs_key():
                self.show_no_key()
            self._show_title()
            self._show_status()

        current = self.engine or getattr(self._settings(), "engine", None) or "auto"
        self.app.push_screen(ChoiceDialog("Engine for the next runs", options, current), chosen)

    def choose_run_as(self) -> None:
        """Ask how Claude Code runs the agent: as a subagent (delegated the task) or as the main agent."""
        from workbench.ui.screens.choice import ChoiceDialog

        options = [("as a subagent: Claude Code's main thread hands it the task", "subagent"),
                   ("as the main agent (--agent)", "main")]

        def chosen(run_as: str | None) -> None:
            if run_as is not None and run_as != self.run_as:
                self.run_as = run_as
                self._fresh_next = bool(self.runs)
                self._show_title()
                self._show_status()

        current = self.run_as or getattr(self._settings(), "run_as", None) or "subagent"
        self.app.push_screen(ChoiceDialog("Claude Code runs the agent", options, current), chosen)

    def _catalog(self):
        """The app's catalog as the sidebar shows it (the agents a delegation may name), or None."""
        main = getattr(self.app, "main_screen", None)
        return getattr(main, "catalog", None)

    def _show_title(self) -> None:
        title = self.query_one("#chat-title", Static)
        settings = " · ".join(filter(None, [
            f"mode {self.permission_mode}" if self.permission_mode else "",
            f"in {self.cwd}" if self.cwd else "",
        ]))
        if self.shown is None:
            title.update(Content.assemble(("Chat", "bold"), f" · {settings}" if settings else ""))
            return
        hint = " · F9 previous run" if len(self.runs) > 1 else ""
        if self._fresh_next:
            hint += " · the next task starts a new session"
        title.update(Content.assemble(
            (f"Run {self.shown.number} of {len(self.runs)}", "bold"),
            f" · {self.shown.prompt.splitlines()[0][:60]}{hint}",
            f" · {settings}" if settings else "",
        ))

    def _show_status(self) -> None:
        if self.shown is None:
            label = self.engine_text()
            if label:
                self.query_one(StatusLine).show_engine(label)
            return
        session_cost = sum(run.stats.cost_usd for run in self.runs)
        self.query_one(StatusLine).show(self.shown.stats, session_cost, self.shown.elapsed_s,
                                        self.engine_text() if self.shown.stats.status == "idle" else "")

    def _tick(self) -> None:
        collector.refreeze()
        if self.shown is not None and self.shown.active:
            self._show_status()


def _load_sdk(engine: str = "builtin") -> None:
    if engine == "claude-code":
        try:
            import claude_agent_sdk  # noqa: F401  (lazy, as anthropic below)
        except ImportError:
            pass  # the session says how to install it
        return
    import anthropic  # noqa: F401  (lazy: cached in sys.modules for the session that follows)


async def _close(session: RunnableSession) -> None:
    """Close a session's transcript and connections (sessions without `aclose` need nothing)."""
    close = getattr(session, "aclose", None)
    if close is not None:
        await close()


def _answer(decision: str, reason: str = ""):
    from workbench.runtime.session import PermissionAnswer

    return PermissionAnswer(decision, reason)
