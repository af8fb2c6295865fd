"""A recorded run played back as a session: for screens whose snapshots need fixed numbers."""

from __future__ import annotations

import asyncio


class RecordedSession:
    """Gives back a fixed list of events, as a finished run recorded them."""

    def __init__(self, events: list) -> None:
        self.events = events

    async def send(self, text: str):
        for event in self.events:
            await asyncio.sleep(0)
            yield event

    def cancel(self) -> None:
        """A recording has nothing to stop."""
