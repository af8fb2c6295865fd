"""Keeps Python's full garbage collections short while runs stream.

A full (generation 2) collection walks every object the app holds; with a big catalog and a long
conversation that is 100-400 ms in which no key is drawn, and a stream allocates enough to trigger
one every second or so. While any run streams, everything older than a second is frozen (moved out
of the collector's reach), so a full collection only walks what is new; when the last run ends the
objects are handed back and collected as usual.
"""

from __future__ import annotations

import gc

_holders = 0


def hold() -> None:
    """A run started streaming: freeze what exists now."""
    global _holders
    _holders += 1
    gc.freeze()


def refreeze() -> None:
    """Called about once a second while runs stream: freeze what survived since the last call."""
    if _holders:
        gc.freeze()


def release() -> None:
    """A run ended: when none is left, give the frozen objects back to the collector."""
    global _holders
    _holders = max(0, _holders - 1)
    if not _holders:
        gc.unfreeze()
