"""tests/bytecode_once.py: under PYTHONDONTWRITEBYTECODE the controller of `pytest -n N` compiles once for all."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests import bytecode_once


def config(numprocesses: object, *, worker: bool = False) -> SimpleNamespace:
    made = SimpleNamespace(option=SimpleNamespace(numprocesses=numprocesses))
    if worker:
        made.workerinput = {}
    return made


@pytest.mark.parametrize(("numprocesses", "worker", "no_bytecode", "compiles"), [
    (6, False, True, True),     # the controller of an xdist run, on a machine that writes no bytecode
    (6, True, True, False),     # a worker: reads what the controller wrote
    (None, False, True, False),  # no xdist: one process compiles as it imports anyway
    (6, False, False, False),   # bytecode is written by every process: nothing to do
])
def test_only_the_controller_of_an_xdist_run_without_bytecode_writes_compiles(
        monkeypatch: pytest.MonkeyPatch, numprocesses: object, worker: bool, no_bytecode: bool,
        compiles: bool) -> None:
    compiled: list[Path] = []
    monkeypatch.setattr(bytecode_once.compileall, "compile_dir", lambda path, quiet: compiled.append(path))
    monkeypatch.setattr(bytecode_once, "rewrite_test_modules_once", lambda: compiled.append(Path("rewritten")))
    monkeypatch.setattr(sys, "dont_write_bytecode", no_bytecode)
    bytecode_once.before_workers_start(config(numprocesses, worker=worker))  # type: ignore[arg-type]
    expected = [bytecode_once.ROOT / name for name in bytecode_once.PACKAGES] + [Path("rewritten")]
    assert compiled == (expected if compiles else [])
    assert sys.dont_write_bytecode is no_bytecode


def test_a_worker_without_bytecode_writes_finds_the_project_compiled_and_its_tests_rewritten(
        request: pytest.FixtureRequest) -> None:
    if not hasattr(request.config, "workerinput") or not sys.dont_write_bytecode:
        pytest.skip("for a `pytest -n N` worker under PYTHONDONTWRITEBYTECODE (as CI runs the suite)")
    app = bytecode_once.ROOT / "tui" / "ui" / "app.py"
    assert Path(importlib.util.cache_from_source(str(app))).is_file()
    here = Path(__file__)
    assert list((here.parent / "__pycache__").glob(f"{here.stem}.*-pytest-*.pyc")), "the asserts were not cached"
