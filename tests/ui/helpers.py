"""Waiting for the app's background work and reading the screen as text."""

from __future__ import annotations


async def settle(pilot) -> None:
    """Wait until the catalog is loaded and every validation has been painted."""
    app = pilot.app
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.main_screen
        painted = screen.path is None or screen.painted_text == screen.editor.text
        if screen.catalog is not None and painted and not [
            w for w in app.workers if w.group in ("catalog", "validate") and w.is_running
        ]:
            break
    # The problems list mounts with the first findings; give its mount and layout a frame.
    await pilot.pause()
    await pilot.pause()


def screen_text(app) -> str:
    """The screen as plain text, one line per row."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip).rstrip() for strip in strips)


async def run_command(pilot, title: str) -> None:
    """Run a command palette entry by its exact title (typing into the palette is tested apart)."""
    app = pilot.app
    commands = {command.title: command.callback for command in app.get_system_commands(app.screen)}
    commands[title]()
    await pilot.pause()
