"""One gate for requests made at once by several sessions (the samples of `workbench test`).

A 429 (or 529) that says `retry-after` to one session means the account is over its limit for
everyone: `hold(seconds)` closes the gate until then, and every session's next request waits at
`wait()`. Holds do not stack: a later hold only moves the reopening later if it ends later.
Requests already in flight are left alone. No Textual, no SDK: plain asyncio.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class RateGate:
    """Shared by the providers of concurrent sessions (one event loop)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._until = 0.0
        self.holds = 0  # how many times a retry-after closed (or extended) the gate

    @property
    def remaining_s(self) -> float:
        """Seconds until the gate reopens (0 when open)."""
        return max(0.0, self._until - self._clock())

    def hold(self, seconds: float) -> None:
        """Close the gate for `seconds` from now, unless it already stays closed longer."""
        until = self._clock() + max(0.0, seconds)
        if until > self._until:
            self._until = until
            self.holds += 1

    async def wait(self) -> None:
        """Return once the gate is open (at once when it is)."""
        while True:
            delay = self._until - self._clock()
            if delay <= 0:
                return
            await asyncio.sleep(delay)
