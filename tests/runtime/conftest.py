"""Fixtures for runtime tests: the scripted Messages API server and sessions pointed at it."""

from __future__ import annotations

import asyncio

import pytest

from workbench.runtime.provider import Provider, RetryPolicy
from workbench.runtime.session import Session
from workbench.settings import Settings

AGENT = """---
name: helper
description: Helps with files.
---
You are a careful helper.
"""


@pytest.fixture
def sleeps() -> list[float]:
    """The retry waits a session asked for (recorded instead of slept)."""
    return []


@pytest.fixture
def make_session(workspace, sleeps, tmp_path):
    """Build a Session on the workspace whose retries record their delay instead of sleeping."""

    async def no_sleep(delay: float) -> None:
        sleeps.append(delay)
        await asyncio.sleep(0)

    def build(agent_text: str = AGENT, **kwargs) -> Session:
        kwargs.setdefault("cwd", workspace)
        kwargs.setdefault("settings", Settings())
        kwargs.setdefault("transcript_path", tmp_path / "transcript.jsonl")
        kwargs.setdefault("provider", Provider(retry=RetryPolicy(sleep=no_sleep)))
        return Session(agent_text, **kwargs)

    return build


async def collect(session: Session, prompt: str = "go") -> list:
    """Every event of one run."""
    events = [event async for event in session.send(prompt)]
    await session.aclose()
    return events


def of_kind(events: list, kind: str) -> list:
    """The events of one kind, in order."""
    return [e for e in events if e.kind == kind]
