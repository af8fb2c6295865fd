"""Re-running a workbench run with today's definition of its agent.

Today's definition is the file at the snapshot's path when it is still an agent file, else the agent
Claude Code would load under the snapshot's name.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from workbench.agents.catalog import Catalog, default_scopes
from workbench.transcripts.events import AgentSnapshot
from workbench.transcripts.origin import RunOrigin

if TYPE_CHECKING:
    from workbench.ui.app import WorkbenchApp


def todays_agent(catalog: Catalog | None, agent: AgentSnapshot) -> Path | None:
    """The file holding today's definition of `agent`, or None when there is none."""
    if agent.path:
        path = Path(agent.path)
        if catalog is not None and catalog.entry(path) is not None:
            return path
        if path.is_file():
            return path
    if catalog is not None and agent.name:
        winner = catalog.winners().get(agent.name)
        if winner is not None:
            return winner.path
    return None


def missing_agent_message(agent: AgentSnapshot) -> str:
    """Why a re-run cannot start: no file and no agent of that name."""
    where = f"not at {agent.path}, and " if agent.path else ""
    return f"Cannot re-run: {where}no agent named {agent.name or '(unnamed)'} in the catalog today."


async def rerun_in_app(app: WorkbenchApp, origin: RunOrigin) -> bool:
    """Open today's definition in the editor and run the run's first prompt in the chat pane."""
    main = app.main_screen
    path = todays_agent(main.catalog, origin.agent)
    if path is None:
        app.notify(missing_agent_message(origin.agent), severity="error")
        return False
    if not origin.prompt:
        app.notify("Cannot re-run: the run has no prompt.", severity="error")
        return False
    if main.chat.running:
        app.notify("A run is in progress; Esc in the chat cancels it.", severity="warning")
        return False
    while len(app.screen_stack) > 1:
        await app.pop_screen()
    if not main.open_agent(path):
        return False
    main.show_pane("chat")  # a narrow terminal may have it hidden
    if origin.engine == "claude-code":  # a Claude Code run is re-run in Claude Code, the same way
        main.chat.engine, main.chat.run_as = origin.engine, origin.run_as or None
    return await main.chat.start_run(origin.prompt) is not None


def launch_rerun(origin: RunOrigin, cwd: Path) -> str:
    """Run the full app on today's definition of the run's agent, re-running its first prompt;
    '' once the app has closed, else why it could not start."""
    app = rerun_app(origin, cwd)
    if isinstance(app, str):
        return app
    app.run()
    return ""


def rerun_app(origin: RunOrigin, cwd: Path) -> WorkbenchApp | str:
    """The full app (the scopes seen from `cwd`) opening today's definition of the run's agent and
    running its first prompt once the catalog is read; or why there is no such agent."""
    from workbench.ui.app import WorkbenchApp

    scopes = default_scopes(cwd)
    path = todays_agent(Catalog.load(scopes), origin.agent)
    if path is None:
        return missing_agent_message(origin.agent)
    if not any(_within(path, scope.root) for scope in scopes):
        # A file outside every scope (run from a folder named on the command line) still opens.
        scopes = default_scopes(cwd, extra=[path.parent])

    class RerunApp(WorkbenchApp):
        async def on_main_screen_catalog_loaded(self, message) -> None:
            # Bubbled up from the main screen, which has opened the agent by then.
            await rerun_in_app(self, origin)

    return RerunApp(scopes, open_path=path)


def _within(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(Path(folder).resolve())
    except OSError:
        return False
