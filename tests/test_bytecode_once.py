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


def test_a_test_module_that_fails_to_import_is_left_to_the_workers_collection_to_report(
        monkeypatch: pytest.MonkeyPatch) -> None:
    imported: list[str] = []
    writes_seen: list[bool] = []

    def import_module(name: str) -> None:
        writes_seen.append(not sys.dont_write_bytecode)
        if name.endswith("test_bytecode_once"):
            raise SyntaxError("a broken test file")
        imported.append(name)

    monkeypatch.setattr(bytecode_once.importlib, "import_module", import_module)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    bytecode_once.rewrite_test_modules_once()
    test_files = sorted((bytecode_once.ROOT / "tests").glob("test_*.py"))
    assert imported == [f"tests.{path.stem}" for path in test_files if path.stem != "test_bytecode_once"]
    assert all(writes_seen) and sys.dont_write_bytecode is True  # lifted while importing, then put back
