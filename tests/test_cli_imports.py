"""`allsource-tui status` stays light: it must not import Textual (docs/architecture.md) nor the HTTP stack (no
network), nor the shell-completion code (only `allsource-tui completion` imports shtab).
"""

from __future__ import annotations

import json
import subprocess
import sys

# Runs the CLI in a fresh interpreter and reports which of the watched top-level modules it imported.
PROBE = """
import json, sys
from tui.cli.main import main
try:
    main(sys.argv[1:])
finally:
    watched = {"textual", "httpx", "starlette", "uvicorn", "rich", "shtab"}
    loaded = {m.split(".")[0] for m in sys.modules} & watched
    loaded |= {m for m in sys.modules if m == "tui.cli.completion"}
    sys.stderr.write("LOADED=" + json.dumps(sorted(loaded)) + "\\n")
"""


def loaded_modules(*argv: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, *argv], check=False, capture_output=True, text=True,
                            timeout=60)
    line = next(line for line in result.stderr.splitlines() if line.startswith("LOADED="))
    return json.loads(line.removeprefix("LOADED="))


def test_status_imports_neither_textual_nor_httpx_nor_completion(tmp_path):
    assert loaded_modules("--state-dir", str(tmp_path), "status", "--json") == []


def test_the_probe_sees_what_completion_imports():
    # The probe above can fail: the completion command does load shtab and tui.cli.completion (and nothing heavy).
    assert loaded_modules("completion", "bash") == ["shtab", "tui.cli.completion"]
