"""The layering of docs/architecture.md ("What may import what"), checked on the source: imports point downwards only,
and there are no cycles.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI_PACKAGES = ("tui.ui", "screens")


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


SOURCES = {_name(p): p for d in ("tui", "screens") for p in (ROOT / d).rglob("*.py")}
KNOWN = set(SOURCES)


def runtime_imports(path: Path) -> set[str]:
    """Module-level imports, leaving out `if TYPE_CHECKING:` blocks (function-level imports are lazy on purpose)."""
    found: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for inner in ast.walk(node) if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                             ast.ClassDef)) else ():
            if isinstance(inner, ast.Import):
                found.update(alias.name for alias in inner.names)
            elif isinstance(inner, ast.ImportFrom) and inner.module and inner.level == 0:
                submodules = {f"{inner.module}.{alias.name}" for alias in inner.names}
                found.update(submodules & KNOWN or {inner.module})
    return found


GRAPH = {name: {imp for imp in runtime_imports(path) if imp.split(".")[0] in ("tui", "screens")}
         for name, path in SOURCES.items()}


def is_ui(name: str) -> bool:
    return name.startswith(UI_PACKAGES)


def test_only_the_ui_imports_textual():
    offenders = [name for name, path in SOURCES.items() if not is_ui(name)
                 and any(imp.split(".")[0] == "textual" for imp in runtime_imports(path))]
    assert offenders == []


def test_nothing_below_the_ui_imports_screens_or_the_app():
    offenders = [(name, imp) for name, imports in GRAPH.items() for imp in imports
                 if not is_ui(name) and is_ui(imp)]
    assert offenders == []


def test_screens_never_import_tui_app():
    assert [name for name, imports in GRAPH.items() if name.startswith("screens") and "tui.ui.app" in imports] == []


def test_the_demo_portal_stands_alone():
    offenders = [(name, imp) for name, imports in GRAPH.items() if name.startswith("tui.demo_portal")
                 for imp in imports if not imp.startswith("tui.demo_portal")]
    assert offenders == []


def test_there_are_no_import_cycles():
    def resolve(imp: str) -> str | None:
        while imp and imp not in GRAPH:
            imp = imp.rpartition(".")[0]
        return imp or None

    edges = {name: {target for imp in imports if (target := resolve(imp)) and target != name}
             for name, imports in GRAPH.items()}
    visiting, done, cycles = set(), set(), []

    def visit(node: str, trail: list[str]) -> None:
        if node in done:
            return
        if node in visiting:
            cycles.append([*trail[trail.index(node):], node])
            return
        visiting.add(node)
        for target in sorted(edges.get(node, ())):
            visit(target, [*trail, node])
        visiting.discard(node)
        done.add(node)

    for name in sorted(edges):
        visit(name, [])
    package_inits = {"tui", "screens"}  # a package importing its own submodules is not a layering cycle
    assert [c for c in cycles if not set(c) & package_inits] == []
