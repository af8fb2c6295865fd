"""The transcript layer stays below the UI and the SDK."""

import json
import subprocess
import sys

import pytest

MODULES = [
    "workbench.transcripts.reader",
    "workbench.transcripts.stats",
    "workbench.transcripts.export",
    "workbench.transcripts.discovery",
    "workbench.transcripts.text",
    "workbench.transcripts.replay",
    "workbench.commands.transcript",
]


@pytest.mark.parametrize("module", MODULES)
def test_transcript_modules_import_neither_textual_nor_the_sdk(module):
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout)
    for top in ("textual", "anthropic", "watchfiles", "workbench.runtime", "workbench.ui"):
        assert not any(m == top or m.startswith(top + ".") for m in loaded), top
