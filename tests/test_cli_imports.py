"""`allsource-tui status` stays light: it imports only what reading config.toml and state.toml needs — no Textual, no
HTTP stack, no asyncio, ssl, logging, subprocess or argparse, no service workflows (tui/cli/fast_status.py) — and
no shell-completion code (only `allsource-tui completion` imports shtab)."""

from __future__ import annotations

import json
import subprocess
import sys

# Runs the real entry point (what the `allsource-tui` console script calls) in a fresh interpreter and reports every
# module it imported beyond what the interpreter had loaded before.
PROBE = """
import json, sys
before = set(sys.modules)
sys.argv[1:] = {argv!r}
from {module} import main
try:
    main()
except SystemExit:
    pass
finally:
    sys.stderr.write("LOADED=" + json.dumps(sorted(set(sys.modules) - before)) + "\\n")
"""

# The stdlib a status run may import (private C accelerators such as _json are not listed). Anything else — asyncio,
# ssl, logging, subprocess, argparse, socket, even hashlib (loading OpenSSL) while nothing is checked out offline — is
# a regression of the start-up time.
STATUS_STDLIB = {
    "__future__", "collections", "contextlib", "copy", "copyreg", "datetime", "encodings", "enum", "errno", "fcntl",
    "fnmatch", "functools", "importlib", "ipaddress", "itertools", "json", "keyword", "math", "ntpath", "operator",
    "pathlib", "pwd", "re", "reprlib", "string", "threading", "tomllib", "types", "typing", "urllib", "warnings",
    "weakref",
}
STATUS_TUI_MODULES = {
    "tui", "tui.__main__", "tui.cli", "tui.cli.failures", "tui.cli.fast_status", "tui.cli.output", "tui.core",
    "tui.core.config", "tui.core.errors", "tui.core.machine", "tui.core.models", "tui.core.paths", "tui.core.secret",
    "tui.core.settings", "tui.core.text", "tui.core.urls", "tui.service", "tui.service.status", "tui.state",
    "tui.state.atomic_write", "tui.state.backup", "tui.state.folder",
    "tui.state.file", "tui.state.keys", "tui.state.lock", "tui.state.model", "tui.state.secret_store",
    "tui.state.store", "tui.state.token_vault",
}
NEVER_FOR_STATUS = {"asyncio", "ssl", "logging", "subprocess", "argparse", "socket", "selectors", "concurrent",
                    "httpx", "httpcore", "textual", "rich", "starlette", "uvicorn", "shtab", "keyring", "idna",
                    "platformdirs", "tomli_w", "secrets", "uuid", "tempfile", "shutil",
                    # ~13 ms with inspect, ast and dis: what status reads are NamedTuples (docs/architecture.md)
                    "dataclasses", "inspect"}


def loaded_modules(*argv: str, module: str = "tui.__main__") -> list[str]:
    probe = PROBE.format(argv=list(argv), module=module)
    result = subprocess.run([sys.executable, "-c", probe], check=False, capture_output=True, text=True, timeout=60)
    line = next(line for line in result.stderr.splitlines() if line.startswith("LOADED="))
    return json.loads(line.removeprefix("LOADED="))


def top_level(modules: list[str]) -> set[str]:
    return {name.split(".")[0] for name in modules if not name.startswith("_") or name == "__future__"}


def test_status_imports_only_what_reading_two_toml_files_needs(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[portal]\nlicensing_portal_url = "https://gis.example.com/portal"\n'
                      'licensing_portal_kind = "enterprise"\n')
    loaded = loaded_modules("--config", str(config), "--state-dir", str(tmp_path / "state"), "status", "--json")
    tui_modules = {name for name in loaded if name == "tui" or name.startswith("tui.")}
    assert tui_modules == STATUS_TUI_MODULES
    others = top_level(loaded) - {"tui"}
    assert others & NEVER_FOR_STATUS == set()
    assert others - STATUS_STDLIB == set(), "status imports more than it needs (or a new Python imports more)"


def test_plain_status_text_is_as_light(tmp_path):
    loaded = loaded_modules("--state-dir", str(tmp_path), "--demo", "status")
    assert top_level(loaded) & NEVER_FOR_STATUS == set()
    assert "tui.cli.main" not in loaded and "tui.service.licensing" not in loaded


def test_the_probe_sees_the_full_command_line(tmp_path):
    # The probe can fail: `--debug` (like any command line the fast path does not take) goes through argparse,
    # asyncio and the service.
    loaded = top_level(loaded_modules("--debug", "--state-dir", str(tmp_path), "status"))
    assert {"argparse", "asyncio", "logging"} <= loaded


def test_the_probe_sees_what_completion_imports():
    # The completion command does load shtab and tui.cli.completion (and nothing heavy: no Textual, no httpx).
    loaded = loaded_modules("completion", "bash")
    assert {"shtab", "tui.cli.completion"} <= set(loaded)
    assert top_level(loaded) & {"textual", "httpx", "rich", "starlette", "uvicorn"} == set()


def test_the_value_objects_status_reads_are_defined_without_string_annotations():
    """`from __future__ import annotations` makes every field annotation a string, and typing.NamedTuple compiles
    each one into a ForwardRef when the class is defined: ~40 µs a field, ~3 ms of `status` (docs/architecture.md ›
    Value objects)."""
    import ast
    import importlib.util
    from pathlib import Path

    for name in sorted(STATUS_TUI_MODULES):
        origin = importlib.util.find_spec(name).origin
        tree = ast.parse(Path(origin).read_text(encoding="utf-8"))
        named_tuples = [node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
                        and any(isinstance(base, ast.Name) and base.id == "NamedTuple" for base in node.bases)]
        future = any(isinstance(node, ast.ImportFrom) and node.module == "__future__" for node in tree.body)
        assert not (named_tuples and future), f"{name} defines {named_tuples} with string annotations"
