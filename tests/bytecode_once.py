"""Compile the project and the tests once, before pytest-xdist starts its workers (``tests/conftest.py``).

With ``PYTHONDONTWRITEBYTECODE`` set, as on the CI machine, no process writes bytecode: each test worker compiled
every module of tui/, screens/ and tests/ it imported and rewrote every test module's asserts, and so did every
allsource-tui child process a test starts. A fresh clone's `pytest -n auto` on 2 cores, measured one after the other:
125 s and 225 CPU-s as it was; 115 s and 207 CPU-s with tui/ and screens/ compiled first; 112 s and 197 CPU-s with
this module (the 5–7 s it spends before the workers start included: each worker's collection went from ~4 s to 0.8 s).

Both writes are explicit, so the variable still holds for everything else: ``compileall`` writes the ordinary
bytecode, and importing each test module here, with ``sys.dont_write_bytecode`` lifted for that moment, has pytest's
assertion rewriter cache the rewritten module, which the workers then read. The files go to ``__pycache__``, which git
ignores; a stale one is compiled again as usual (its source's mtime and size are checked). Without the variable the
processes keep their own bytecode, and nothing is done here.
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
    """In the controller of a `pytest -n N` run under PYTHONDONTWRITEBYTECODE only."""
    controller = bool(getattr(config.option, "numprocesses", None)) and not hasattr(config, "workerinput")
    if not (controller and sys.dont_write_bytecode):
        return
    for package in PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)
    rewrite_test_modules_once()


def rewrite_test_modules_once() -> None:
    lifted, sys.dont_write_bytecode = sys.dont_write_bytecode, False
    try:
        for path in sorted((ROOT / "tests").glob("test_*.py")):
            try:
                importlib.import_module(f"tests.{path.stem}")
            except Exception:  # the workers' collection reports it, as pytest always does
                continue
    finally:
        sys.dont_write_bytecode = lifted
