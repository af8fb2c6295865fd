"""Snapshots of the Tests view before and after a run, at 120x36 and 80x24 (saved file against a
tweaked buffer, answered by the scripted API server)."""

from __future__ import annotations

import pytest

from tests.ui.chat.test_chat_pane import until
from tests.ui.test_tests_view import TWEAK, answer_by_prompt, open_tests, project  # noqa: F401


@pytest.fixture(autouse=True)
def _no_retry_waits(monkeypatch):
    monkeypatch.setenv("WORKBENCH_RETRY_DELAY_SCALE", "0")


async def _before(pilot) -> None:
    await open_tests(pilot, TWEAK)
    await pilot.pause()


async def _after(pilot) -> None:
    screen = await open_tests(pilot, TWEAK)
    await pilot.press("r")
    await until(pilot, lambda: screen.cells and not screen.running)
    await pilot.pause()


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
class TestTestsView:
    def test_before_a_run(self, snap_compare, make_app, project, fake_api, size):  # noqa: F811
        answer_by_prompt(fake_api)
        assert snap_compare(make_app("note-writer.md"), terminal_size=size, run_before=_before)

    def test_after_a_run(self, snap_compare, make_app, project, fake_api, size):  # noqa: F811
        answer_by_prompt(fake_api)
        assert snap_compare(make_app("note-writer.md"), terminal_size=size, run_before=_after)
