"""The Textual app: screens, widgets, themes."""

import os

# Textual paints at most TEXTUAL_FPS frames a second, read once when it is first imported (every
# workbench entry point imports this package before Textual). At its default of 60, a key typed just
# after a long frame (a streamed batch laid out) waits for the next 16.7 ms tick, up to two; at 120
# the wait halves. Key-to-screen p99 while a run streams 1,000 tokens/s: 189 -> 98 ms, 100 tokens/s:
# 46 -> 38 ms (benchmarks/bench_chat.py). A value set by the person wins.
os.environ.setdefault("TEXTUAL_FPS", "120")
