"""`allsource-tui status` stays light: it must not import Textual (docs/architecture.md) nor the HTTP stack (no
network).
"""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from tui.cli.main import main
sys.argv = ["allsource-tui", "status", "--json"]
try:
    main(["status", "--json"])
finally:
    heavy = sorted({m.split(".")[0] for m in sys.modules} & {"textual", "httpx", "starlette", "uvicorn", "rich"})
    sys.stderr.write("HEAVY=" + ",".join(heavy) + "\\n")
"""


def test_status_imports_neither_textual_nor_httpx(tmp_path):
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60)
    heavy = next(line for line in result.stderr.splitlines() if line.startswith("HEAVY="))
    assert heavy == "HEAVY=", heavy
