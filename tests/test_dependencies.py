"""Every third-party package that tui/ and screens/ import is declared in pyproject.toml, with a minimum version.

An undeclared import works on a developer's machine (it came in with another package) and breaks a fresh install the
day that other package stops pulling it in: certifi, idna and rich were once imported but not declared.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIRST_PARTY = {"tui", "screens"}
# Import name → distribution name, where they differ.
DISTRIBUTION_OF = {"tomli_w": "tomli-w", "yaml": "PyYAML", "OpenSSL": "pyOpenSSL"}
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _canonical(name: str) -> str:
    """PEP 503 normalisation: case and runs of -, _ and . do not matter in a distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _requirements() -> dict[str, str]:
    """Canonical distribution name → its requirement string, over the dependencies and every extra."""
    project = _project()
    requirements = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        requirements.extend(extra)
    declared: dict[str, str] = {}
    for requirement in requirements:
        match = _NAME.match(requirement)
        assert match, f"unreadable requirement {requirement!r} in pyproject.toml"
        declared[_canonical(match.group(1))] = requirement
    return declared


def _top_level_imports(path: Path) -> set[str]:
    """Absolute imports anywhere in the module (also inside functions and TYPE_CHECKING blocks)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def third_party_imports() -> dict[str, set[str]]:
    """Import name → the modules (repo-relative) importing it, for everything neither stdlib nor first-party."""
    found: dict[str, set[str]] = {}
    for folder in sorted(FIRST_PARTY):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for name in _top_level_imports(path):
                if name in sys.stdlib_module_names or name in FIRST_PARTY or name == "__future__":
                    continue
                found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def test_the_scan_sees_the_packages_we_know_are_imported() -> None:
    # Guards the scanner itself: if it stopped finding imports, the next test would pass vacuously.
    assert {"textual", "httpx", "certifi", "idna", "rich", "tomli_w", "platformdirs"} <= set(third_party_imports())


def test_every_third_party_import_is_declared() -> None:
    declared = _requirements()
    missing = {name: sorted(users) for name, users in third_party_imports().items()
               if _canonical(DISTRIBUTION_OF.get(name, name)) not in declared}
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


@pytest.mark.parametrize("requirement", sorted(_requirements().values()))
def test_every_declared_package_has_a_minimum_version(requirement: str) -> None:
    assert ">=" in requirement, f"{requirement!r} needs a minimum version (name>=X.Y)"


def test_textual_is_pinned_below_the_next_major_version() -> None:
    # tui/ui/app.py overrides private Textual methods (the crash screen), which a major release may change.
    assert re.search(r"<\s*9\b", _requirements()["textual"]), _requirements()["textual"]
