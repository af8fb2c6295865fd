"""Agent tests: suite files of cases with assertions, run many times (no Textual here)."""
