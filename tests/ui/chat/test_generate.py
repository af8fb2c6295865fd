"""Generate: a sentence in, a checked agent file out, through the scripted Messages API."""

from __future__ import annotations

import json

from fake_api import text_reply

from workbench.agents.document import AgentDocument
from workbench.ui.screens.generate import (
    GenerateScreen,
    GenerationError,
    agent_text,
    parse_definition,
)

from .conftest import ChatHarness
from .test_chat_pane import until

WHEN = ("Use this agent when tests fail and the cause is unclear.\n\n<example>\nContext: CI is red.\n"
        "user: \"the build broke\"\nassistant: \"I'll use the test-triager agent.\"\n"
        "<commentary>A failing test needs triage.</commentary>\n</example>")
DEFINITION = {"identifier": "test-triager", "whenToUse": WHEN,
              "systemPrompt": "You are a test triager. Run the failing test, read the trace, name the cause."}


class GenerateHarness(ChatHarness):
    def __init__(self, screen: GenerateScreen) -> None:
        super().__init__(None)
        self.generate = screen
        self.saved: list = []

    def compose(self):
        return []

    def on_mount(self) -> None:
        self.push_screen(self.generate, self.saved.append)


def reply_with(definition: dict) -> str:
    raw = json.dumps(definition)
    return "```json\n" + raw + "\n```"


async def generate(pilot, screen: GenerateScreen, sentence: str) -> None:
    await pilot.pause()
    await pilot.press(*sentence, "enter")
    await until(pilot, lambda: not [w for w in pilot.app.workers if w.group == "generate" and w.is_running])
    await pilot.pause()


async def test_a_sentence_becomes_a_checked_agent_file_that_is_saved(fake_api, tmp_path):
    raw = reply_with(DEFINITION)
    fake_api.add(text_reply("msg_1", raw[:40], raw[40:]))
    folder = tmp_path / ".claude" / "agents"
    screen = GenerateScreen([("project", folder)])
    app = GenerateHarness(screen)
    async with app.run_test(size=(100, 40)) as pilot:
        await generate(pilot, screen, "triage failing tests")
        request = fake_api.bodies()[0]
        assert "triage failing tests" in json.dumps(request["messages"])
        assert "identifier" in json.dumps(request["system"])
        assert "Ctrl+S saves" in str(screen.query_one("#generate-status").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = folder / "test-triager.md"
    assert app.saved == [saved]
    document = AgentDocument.parse(saved.read_text(), saved)
    assert document.state == "strict"
    assert document.name == "test-triager"
    assert document.description == WHEN
    assert document.body.startswith("You are a test triager.")


async def test_a_definition_with_rule_errors_is_not_saved(fake_api, tmp_path):
    fake_api.add(text_reply("msg_1", reply_with({**DEFINITION, "identifier": "plugin:triager"})))
    folder = tmp_path / "agents"
    screen = GenerateScreen([("project", folder)])
    app = GenerateHarness(screen)
    async with app.run_test(size=(100, 40)) as pilot:
        await generate(pilot, screen, "triage failing tests")
        status = str(screen.query_one("#generate-status").render())
        assert "error" in status and "must be fixed" in status
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Not saved" in str(screen.query_one("#generate-status").render())
    assert app.saved == [] and not folder.exists()


async def test_an_answer_without_json_is_explained_not_raised(fake_api, tmp_path):
    fake_api.add(text_reply("msg_1", "Sorry, I cannot help with that."))
    screen = GenerateScreen([("project", tmp_path)])
    app = GenerateHarness(screen)
    async with app.run_test(size=(100, 40)) as pilot:
        await generate(pilot, screen, "anything")
        assert "no JSON object" in str(screen.query_one("#generate-status").render())


async def test_without_a_key_generate_says_how_to_set_one(tmp_path):
    screen = GenerateScreen([("project", tmp_path)])
    app = GenerateHarness(screen)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*"anything", "enter")
        await pilot.pause()
        assert "ANTHROPIC_API_KEY" in str(screen.query_one("#generate-status").render())


def test_the_definition_must_have_all_three_texts():
    try:
        parse_definition('{"identifier": "x", "whenToUse": ""}')
    except GenerationError as error:
        assert "whenToUse" in str(error)
    else:
        raise AssertionError("an empty whenToUse was accepted")


def test_the_file_reads_back_exactly_what_the_model_wrote():
    definition = parse_definition(json.dumps({**DEFINITION, "whenToUse": 'Use it: "now" # really'}))
    document = AgentDocument.parse(agent_text(definition))
    assert document.state == "strict" and document.description == 'Use it: "now" # really'


async def test_the_palette_opens_generate_and_the_saved_agent_opens_in_the_editor(fake_api, make_app,
                                                                                  agents_dir):
    from tests.ui.helpers import settle

    fake_api.add(text_reply("msg_1", reply_with(DEFINITION)))
    app = make_app("code-reviewer.md")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        app.main_screen.action_generate_agent()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GenerateScreen)
        await generate(pilot, screen, "triage failing tests")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.main_screen.path == agents_dir / "test-triager.md"
        assert "test triager" in app.main_screen.editor.text


async def test_a_name_that_exists_is_said_at_once_and_ctrl_s_asks_for_another(fake_api, tmp_path):
    from workbench.ui.screens.text_prompt import TextPromptDialog

    fake_api.add(text_reply("msg_1", reply_with(DEFINITION)))
    folder = tmp_path / "agents"
    folder.mkdir()
    existing = folder / "test-triager.md"
    existing.write_text("---\nname: test-triager\ndescription: Mine.\n---\nMine.\n")
    screen = GenerateScreen([("project", folder)])
    app = GenerateHarness(screen)
    async with app.run_test(size=(100, 40)) as pilot:
        await generate(pilot, screen, "triage failing tests")
        status = str(screen.query_one("#generate-status").render())
        assert "test-triager.md already exists in project" in status and "Ctrl+S saves" not in status
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TextPromptDialog)
        assert app.screen.query_one("#prompt-input").value == "test-triager-2"
        await pilot.press("enter")
        await pilot.pause()
    saved = folder / "test-triager-2.md"
    assert app.saved == [saved]
    assert AgentDocument.parse(saved.read_text(), saved).name == "test-triager-2"
    assert existing.read_text().endswith("Mine.\n")


async def test_picking_a_folder_without_the_name_offers_to_save_there(fake_api, tmp_path):
    from textual.widgets import Select

    fake_api.add(text_reply("msg_1", reply_with(DEFINITION)))
    project, user = tmp_path / "project", tmp_path / "user"
    project.mkdir()
    (project / "test-triager.md").write_text("---\nname: test-triager\ndescription: Mine.\n---\nMine.\n")
    screen = GenerateScreen([("project", project), ("user", user)])
    app = GenerateHarness(screen)
    async with app.run_test(size=(100, 40)) as pilot:
        await generate(pilot, screen, "triage failing tests")
        assert "already exists in project" in str(screen.query_one("#generate-status").render())
        screen.query_one("#generate-folder", Select).value = "1"
        await pilot.pause()
        status = str(screen.query_one("#generate-status").render())
        assert f"Ctrl+S saves {user / 'test-triager.md'}" in status
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.saved == [user / "test-triager.md"]
