"""Imported by tui/portal/__init__.py before httpx."""

import sys

# `import httpx` also imports httpx's own command-line client (httpx._main) whenever click is installed, and uvicorn
# (the demo portal) installs it: click, rich.syntax, rich.progress and pygments, ~4.5 MB and ~0.1 s of a first license
# check, for a program we never run. A None entry makes that one import fail, and httpx then defines its placeholder
# `httpx.main` instead (its own fallback for a missing click).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
