"""Compile the project and the tests once, before pytest-xdist starts its workers (``tests/conftest.py``).

With ``PYTHONDONTWRITEBYTECODE`` set, as on the CI machine, no process writes bytecode: each of the test workers
compiled every module of tui/, screens/ and tests/ it imported and rewrote every test module's asserts, and so did every
allsource-tui child process a test starts. A fresh clone on 2 cores took 213 CPU-s and 125 s for the suite; with
the bytecode of tui/ and screens/ written first 194 CPU-s, and with the tests' too 174 CPU-s and 105 s.

Both writes are explicit, so the variable still holds for everything else: ``compileall`` writes the ordinary
bytecode, and importing each test module here, with ``sys.dont_write_bytecode`` lifted for that moment, has pytest's
assertion rewriter cache its rewritten modules, which the workers then read. The files go to ``__pycache__``, which git
ignores; a stale one is recompiled as usual (its source's mtime and size are checked).
"""

from __future__ import annotations

import compileall
import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("tui", "screens", "tests")


def before_workers_start(config: pytest.Config) -> None:
    """In the controller of a `pytest -n N` run only: workers, and runs without xdist, compile as they import."""
    if not getattr(config.option, "numprocesses", None) or hasattr(config, "workerinput"):
        return
    for package in PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)
    rewrite_test_modules_once()


def rewrite_test_modules_once() -> None:
    lifted, sys.dont_write_bytecode = sys.dont_write_bytecode, False
    try:
        for path in sorted((ROOT / "tests").glob("test_*.py")):
            importlib.import_module(f"tests.{path.stem}")
    finally:
        sys.dont_write_bytecode = lifted
