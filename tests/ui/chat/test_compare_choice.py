"""F10 in the app: the choice of what to compare, and a comparison of two agents against the fake API."""

from __future__ import annotations

import json

from fake_api import text_reply
from textual.widgets import OptionList

from tests.ui.helpers import settle
from workbench.ui.chat.pane import ChatPane
from workbench.ui.screens.choice import ChoiceDialog
from workbench.ui.screens.compare import CompareScreen

from .test_chat_pane import until


def _option_ids(dialog: ChoiceDialog) -> list[str]:
    options = dialog.query_one(OptionList)
    return [options.get_option_at_index(i).id for i in range(options.option_count)]


async def _open_choice(pilot, app, task: str) -> ChoiceDialog:
    await pilot.press("f4", *task, "f10")
    await until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
    return app.screen


async def test_f10_without_a_task_asks_for_one_instead_of_opening_the_choice(make_app):
    app = make_app("code-reviewer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f10")
        await pilot.pause()
        assert not isinstance(app.screen, ChoiceDialog)
        assert app.focused is app.main_screen.query_one("#chat-input")


async def test_the_choice_offers_two_models_and_the_other_agents_but_saved_vs_buffer_only_when_edited(
        make_app):
    app = make_app("code-reviewer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        dialog = await _open_choice(pilot, app, "review main.py")
        ids = _option_ids(dialog)
        assert "saved" not in ids
        assert any(i.startswith("models:") for i in ids) and "agent:0" in ids
        await pilot.press("escape")
        editor = app.main_screen.editor
        editor.focus()
        editor.move_cursor_to_offset(len(editor.text))
        await pilot.press(*"Be brief.")
        dialog = await _open_choice(pilot, app, "")
        assert _option_ids(dialog)[0] == "saved"


async def test_comparing_two_agents_runs_each_definition_in_its_own_column(fake_api, make_app, agents_dir,
                                                                           monkeypatch):
    monkeypatch.chdir(agents_dir.parent.parent)
    fake_api.add(text_reply("msg_1", "Reviewed."), text_reply("msg_2", "Tests ran."))
    app = make_app("code-reviewer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        dialog = await _open_choice(pilot, app, "check main.py")
        options = dialog.query_one(OptionList)
        options.highlighted = _option_ids(dialog).index("agent:0")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CompareScreen))
        compare = app.screen
        await until(pilot, lambda: all(r is not None and not r.active for r in compare.runs))
        labels = [v.label for v in compare.variants]
        assert labels == ["agent code-reviewer", "agent test-runner"]
        systems = sorted(json.dumps(body["system"]) for body in fake_api.bodies())
        assert any("meticulous code reviewer" in s for s in systems)
        assert any("run the test suite" in s for s in systems)
        assert all(body["messages"][0]["content"][-1]["text"] == "check main.py" for body in fake_api.bodies())
        # The main chat pane did not run anything: both runs belong to the comparison's columns.
        assert app.main_screen.query_one(ChatPane).runs == []


async def test_the_choice_offers_each_agent_claude_code_would_load_once(make_app, agents_dir, tmp_path):
    # Issue 11: Compare listed names twice and offered agents Claude Code would not load.
    from workbench.agents.catalog import Scope, ScopeKind

    user = tmp_path / "home" / ".claude" / "agents"
    user.mkdir(parents=True)
    helper = "---\nname: helper\ndescription: Helps with {0}.\n---\n\nYou help with {0}.\n"
    (agents_dir / "helper.md").write_text(helper.format("the project"), encoding="utf-8")
    (user / "helper.md").write_text(helper.format("anything"), encoding="utf-8")  # shadowed
    (user / "planner.md").write_text(
        "---\nname: planner\ndescription: Plans the work.\n---\n\nYou plan.\n", encoding="utf-8")
    (user / "notes.md").write_text("Just notes, no frontmatter.\n", encoding="utf-8")  # skipped
    bundled = tmp_path / "bundled"  # workbench's examples: offered too, once
    bundled.mkdir()
    (bundled / "example.md").write_text(helper.replace("helper", "example").format("it"),
                                        encoding="utf-8")
    app = make_app("code-reviewer.md",
                   scopes=[Scope(ScopeKind.PROJECT, agents_dir), Scope(ScopeKind.USER, user),
                           Scope(ScopeKind.BUNDLED, bundled)])
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        dialog = await _open_choice(pilot, app, "review main.py")
        options = dialog.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        against = sorted(label.removeprefix("this agent vs ") for label in labels
                         if label.startswith("this agent vs ") and " under " not in label)
        assert "example" in app.main_screen.catalog.winners()
        loaded = sorted(name for name, entry in app.main_screen.catalog.winners().items()
                        if name != "code-reviewer" and entry.document is not None)
        assert against == loaded
        assert "helper" in against and "planner" in against and "example" in against
        assert "notes" not in against
        assert len(against) == len(set(against))
