"""Every screen and dialog pushed over the main screen is left with Esc (a second Esc where the
first one has a meaning of its own, such as clearing a filter), and with the palette's
"view: close this screen" (issue 11: Compare could not be left)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from fake_api import text_reply
from textual.widgets import OptionList

from tests.transcripts.run_fixtures import write_run
from tests.ui.chat.test_chat_pane import until
from tests.ui.helpers import run_command, settle
from tests.ui.test_save_and_disk import edit_then_change_on_disk
from workbench.ui.screens.agent_as_run import AgentAsRunScreen
from workbench.ui.screens.choice import ChoiceDialog
from workbench.ui.screens.compare import CompareScreen
from workbench.ui.screens.confirm import ConfirmDialog
from workbench.ui.screens.diff_view import DiffScreen
from workbench.ui.screens.generate import GenerateScreen
from workbench.ui.screens.test_samples import SamplesScreen
from workbench.ui.screens import tests_view
from workbench.ui.screens.help import HelpScreen
from workbench.ui.screens.new_agent import NewAgentDialog
from workbench.ui.screens.text_prompt import TextPromptDialog
from workbench.ui.screens.tool_picker import ToolPickerDialog
from workbench.ui.screens.transcript_view import TranscriptScreen
from workbench.ui.screens.transcripts import TranscriptBrowser

CLOSE = "view: close this screen"


async def _browser(pilot, request) -> None:
    await pilot.press("ctrl+t")
    await until(pilot, lambda: isinstance(pilot.app.screen, TranscriptBrowser))


async def _browser_with_a_filter_typed(pilot, request) -> None:
    await _browser(pilot, request)
    await pilot.press(*"zz")  # the browser opens in its filter box
    await pilot.pause()


async def _viewer(pilot, request) -> None:
    data = Path(os.environ["WORKBENCH_DATA_DIR"])
    write_run(data / "transcripts" / date.today().isoformat() / "run-7.jsonl")
    await _browser(pilot, request)
    await until(pilot, lambda: pilot.app.screen.query_one("DataTable").row_count == 1)
    await pilot.press("down", "enter")
    await until(pilot, lambda: getattr(pilot.app.screen, "loaded", False))


async def _definition_as_run(pilot, request) -> None:
    await _viewer(pilot, request)
    await pilot.press("o")
    await until(pilot, lambda: isinstance(pilot.app.screen, AgentAsRunScreen))


async def _compare_choice(pilot, request) -> None:
    await pilot.press("f4", *"review it", "f10")
    await until(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))


async def _compare(pilot, request) -> None:
    fake_api = request.getfixturevalue("fake_api")
    fake_api.add(text_reply("msg_1", "Reviewed."), text_reply("msg_2", "Tests ran."))
    await _compare_choice(pilot, request)
    dialog = pilot.app.screen
    options = dialog.query_one(OptionList)
    ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
    options.highlighted = ids.index("agent:0")
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, CompareScreen))
    compare = pilot.app.screen
    await until(pilot, lambda: all(run is not None and not run.active for run in compare.runs))


async def _difference(pilot, request) -> None:
    await edit_then_change_on_disk(pilot, request.getfixturevalue("agents_dir"))
    await pilot.click("#conflict-diff")
    await until(pilot, lambda: isinstance(pilot.app.screen, DiffScreen))


TESTS_SUITE = """agent: code-reviewer
repeat: 1
cases:
  - name: reviews
    prompt: review it
    assert: [{output_contains: Reviewed}]
"""


async def _tests_view(pilot, request) -> None:
    suites = request.getfixturevalue("agents_dir").parent / "agent-tests"
    suites.mkdir(exist_ok=True)
    (suites / "reviewer.yaml").write_text(TESTS_SUITE)
    await pilot.press("ctrl+r")
    await until(pilot, lambda: isinstance(pilot.app.screen, tests_view.TestsScreen))


async def _test_samples(pilot, request) -> None:
    fake_api = request.getfixturevalue("fake_api")
    fake_api.add(text_reply("msg_1", "Reviewed."))
    await _tests_view(pilot, request)
    screen = pilot.app.screen
    await pilot.press("c")  # the first case, this project's (code-reviewer has bundled suites too)
    await until(pilot, lambda: screen.cells and not screen.running)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, SamplesScreen))


def _palette(title: str, screen_type: type):
    async def open_it(pilot, request) -> None:
        await run_command(pilot, title)
        await until(pilot, lambda: isinstance(pilot.app.screen, screen_type))
    return open_it


def _keys(keys: tuple[str, ...], screen_type: type):
    async def open_it(pilot, request) -> None:
        await pilot.press(*keys)
        await until(pilot, lambda: isinstance(pilot.app.screen, screen_type))
    return open_it


# (how a person opens it, the screen it opens, the Esc presses that lead back to the main screen)
SCREENS = {
    "help (F1)": (_keys(("f1",), HelpScreen), HelpScreen, 1),
    "transcript browser (ctrl+t)": (_browser, TranscriptBrowser, 1),
    "transcript browser, filter typed": (_browser_with_a_filter_typed, TranscriptBrowser, 2),
    "transcript viewer": (_viewer, TranscriptScreen, 2),
    "definition as run": (_definition_as_run, AgentAsRunScreen, 3),
    "compare choice (F10)": (_compare_choice, ChoiceDialog, 1),
    "compare": (_compare, CompareScreen, 1),
    "generate with Claude": (_palette("agent: generate with Claude", GenerateScreen), GenerateScreen, 1),
    "new agent (ctrl+n)": (_keys(("ctrl+n",), NewAgentDialog), NewAgentDialog, 1),
    "tool picker": (_palette("edit: tools", ToolPickerDialog), ToolPickerDialog, 1),
    "model choice": (_palette("edit: model", ChoiceDialog), ChoiceDialog, 1),
    "colour choice": (_palette("edit: colour", ChoiceDialog), ChoiceDialog, 1),
    "duplicate name": (_palette("agent: duplicate", TextPromptDialog), TextPromptDialog, 1),
    "rename": (_palette("agent: rename", TextPromptDialog), TextPromptDialog, 1),
    "delete question": (_palette("agent: delete", ConfirmDialog), ConfirmDialog, 1),
    "difference view": (_difference, DiffScreen, 1),
    "tests view (ctrl+r)": (_tests_view, tests_view.TestsScreen, 1),
    "test samples": (_test_samples, SamplesScreen, 2),
    "run permission mode": (_palette("run: permission mode", ChoiceDialog), ChoiceDialog, 1),
    "run working directory": (_palette("run: working directory", TextPromptDialog),
                              TextPromptDialog, 1),
}


async def _opened(pilot, request, name: str):
    open_it, screen_type, _ = SCREENS[name]
    await settle(pilot)
    await open_it(pilot, request)
    assert isinstance(pilot.app.screen, screen_type)
    return pilot.app.screen


@pytest.mark.parametrize("name", SCREENS)
async def test_esc_leaves_every_screen_back_to_the_main_screen(name, make_app, request):
    app = make_app()
    async with app.run_test(size=(140, 36)) as pilot:
        await _opened(pilot, request, name)
        presses = SCREENS[name][2]
        for _ in range(presses - 1):
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is not app.main_screen
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main_screen)
        assert len(app.screen_stack) == 1


@pytest.mark.parametrize("name", SCREENS)
async def test_the_palette_closes_every_screen(name, make_app, request):
    app = make_app()
    async with app.run_test(size=(140, 36)) as pilot:
        await _opened(pilot, request, name)
        while app.screen is not app.main_screen:
            depth = len(app.screen_stack)
            commands = {c.title: c.callback for c in app.get_system_commands(app.screen)}
            commands[CLOSE]()
            await until(pilot, lambda: len(app.screen_stack) == depth - 1)
        assert CLOSE not in {c.title for c in app.get_system_commands(app.main_screen)}


async def test_close_this_screen_typed_into_the_palette_over_a_dialog(make_app):
    app = make_app()
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, NewAgentDialog))
        await pilot.press("ctrl+p", *"close this screen")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is app.main_screen)


async def test_the_palette_closes_compare_while_its_runs_go_and_cancels_them(make_app, request):
    import threading

    from fake_api import Reply, start, text

    fake_api = request.getfixturevalue("fake_api")
    hold = threading.Event()
    fake_api.add(*[Reply.sse([start(f"msg_{i}"), *text(0, "Working")], hold=hold) for i in (1, 2)])
    app = make_app()
    try:
        async with app.run_test(size=(140, 36)) as pilot:
            await settle(pilot)
            await _compare_choice(pilot, request)
            options = app.screen.query_one(OptionList)
            ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
            options.highlighted = ids.index("agent:0")
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, CompareScreen))
            compare = app.screen
            await until(pilot, lambda: all(pane.running for pane in compare.panes))
            commands = {c.title: c.callback for c in app.get_system_commands(compare)}
            commands[CLOSE]()
            await until(pilot, lambda: app.screen is app.main_screen)
            await until(pilot, lambda: not any(pane.running for pane in compare.panes))
    finally:
        hold.set()


async def test_the_palette_closes_the_tests_view_while_its_run_goes_and_cancels_it(make_app, request):
    import threading

    from fake_api import Reply, start, text

    fake_api = request.getfixturevalue("fake_api")
    hold = threading.Event()
    fake_api.add(Reply.sse([start("msg_1"), *text(0, "Working")], hold=hold))
    app = make_app()
    try:
        async with app.run_test(size=(140, 36)) as pilot:
            await settle(pilot)
            await _tests_view(pilot, request)
            screen = app.screen
            await pilot.press("c")
            await until(pilot, lambda: len(fake_api.bodies()) == 1)
            commands = {c.title: c.callback for c in app.get_system_commands(screen)}
            commands[CLOSE]()
            await until(pilot, lambda: app.screen is app.main_screen)
            await until(pilot, lambda: not screen.running)
    finally:
        hold.set()
