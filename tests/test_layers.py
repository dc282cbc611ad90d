"""The layering of docs/architecture.md, checked on the source: imports point downwards only (counting the imports
under ``if TYPE_CHECKING:``), there is no import circle at all, and the size limits of the project guide hold."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI_PACKAGES = ("tui.ui", "screens")


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


SOURCES = {_name(p): p for d in ("tui", "screens") for p in (ROOT / d).rglob("*.py")}
KNOWN = set(SOURCES)


def _imports_in(nodes: list[ast.AST]) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import):
                found.update(alias.name for alias in inner.names)
            elif isinstance(inner, ast.ImportFrom) and inner.module and inner.level == 0:
                submodules = {f"{inner.module}.{alias.name}" for alias in inner.names}
                found.update(submodules & KNOWN or {inner.module})
    return found


def module_imports(path: Path) -> set[str]:
    """Module-level imports, `if TYPE_CHECKING:` blocks included; function-level imports (lazy on purpose) are not."""
    lazy = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return _imports_in([node for node in ast.parse(path.read_text()).body if not isinstance(node, lazy)])


def all_imports(path: Path) -> set[str]:
    """Every import anywhere in the module: TYPE_CHECKING blocks, functions and classes too."""
    return _imports_in([ast.parse(path.read_text())])


def runtime_imports(path: Path) -> set[str]:
    """What importing the module really imports: module level, without the `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text())
    lazy = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return _imports_in([node for node in tree.body if not isinstance(node, lazy)
                        and not (isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test))])


def _project(imports: set[str]) -> set[str]:
    return {imp for imp in imports if imp.split(".")[0] in ("tui", "screens")}


GRAPH = {name: _project(module_imports(path)) for name, path in SOURCES.items()}


def is_ui(name: str) -> bool:
    return name.startswith(UI_PACKAGES)


def test_only_the_ui_imports_textual():
    offenders = [name for name, path in SOURCES.items() if not is_ui(name)
                 and any(imp.split(".")[0] == "textual" for imp in module_imports(path))]
    assert offenders == []


def test_nothing_below_the_ui_imports_screens_or_the_app():
    offenders = [(name, imp) for name, imports in GRAPH.items() for imp in imports
                 if not is_ui(name) and is_ui(imp)]
    assert offenders == []


APP_MODULES = ("tui.ui.app", "tui.ui.host_app")  # LicenseApp and its base, HostApp


def test_screens_and_widgets_never_import_the_app_anywhere():
    """Not at module level, not under TYPE_CHECKING, not inside a function: they post intents instead."""
    offenders = [name for name, path in SOURCES.items() if name.startswith(("screens", "tui.ui.widgets"))
                 and any(imp in APP_MODULES or imp.startswith(tuple(f"{m}." for m in APP_MODULES))
                         for imp in all_imports(path))]
    assert offenders == []


def test_only_the_launcher_imports_the_app():
    """The workflows and the palette reach the App through protocols (Host, CommandHost), so nothing imports it
    back and the UI has no circle either."""
    importers = {name for name, path in SOURCES.items() if "tui.ui.app" in all_imports(path)}
    assert importers == {"tui.ui.launcher"}
    base_importers = {name for name, path in SOURCES.items() if "tui.ui.host_app" in all_imports(path)}
    assert base_importers == {"tui.ui.app"}  # LicenseApp's base, imported by nothing else


def test_screens_and_widgets_never_reach_into_the_app():
    """No `self.app.service`, `self.app.report`, `self.app.show_sign_in`..., and no App attribute is set."""
    pattern = re.compile(r"\bapp\.(service|report|publish_status|show_sign_in|after_sign_in|status_signal|"
                         r"check_license|action_\w+)\b")
    offenders = [(name, match.group(0)) for name, path in SOURCES.items()
                 if name.startswith(("screens", "tui.ui.widgets")) for match in pattern.finditer(path.read_text())]
    assert offenders == []


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
    assert cycles == []


# --- size and shape (the project guide: modules ≤ 300 lines, functions ≤ 40, class chains ≤ 2 project classes) ---
MAX_MODULE_LINES = 300   # lines that hold code, comments or docstrings; blank lines are not counted
MAX_FUNCTION_LINES = 40  # from `def` to the last line of the body
MAX_PROJECT_CHAIN = 2    # a class and its project base classes; Textual's and Python's classes don't count


def test_no_module_is_over_300_lines():
    sizes = {name: sum(1 for line in path.read_text().splitlines() if line.strip()) for name, path in SOURCES.items()}
    assert {name: n for name, n in sizes.items() if n > MAX_MODULE_LINES} == {}


def test_no_function_is_over_40_lines():
    long = [(name, node.name, node.end_lineno - node.lineno + 1) for name, path in SOURCES.items()
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and (node.end_lineno or node.lineno) - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert long == []


def _project_classes() -> dict[str, list[str]]:
    """Class name → the names of its bases (``Generic[T]`` and ``module.Name`` reduced to the name)."""
    classes: dict[str, list[str]] = {}
    for path in SOURCES.values():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                bases = [base.value if isinstance(base, ast.Subscript) else base for base in node.bases]
                classes[node.name] = [b.id if isinstance(b, ast.Name) else b.attr for b in bases
                                      if isinstance(b, (ast.Name, ast.Attribute))]
    return classes


def chain_length(name: str, classes: dict[str, list[str]], seen: frozenset[str] = frozenset()) -> int:
    if name not in classes or name in seen:
        return 0  # not a project class (Textual's, Python's; or a project class named like the Textual one it extends)
    return 1 + max((chain_length(base, classes, seen | {name}) for base in classes[name]), default=0)


def is_error(name: str, classes: dict[str, list[str]]) -> bool:
    """Exceptions are a taxonomy that `except` clauses match on (PortalTLSError is a PortalUnreachable is a
    PortalError), not code split over a chain of classes, so the chain rule leaves them out."""
    return name == "AllSourceError" or any(base != name and is_error(base, classes) for base in classes.get(name, ()))




def test_no_class_inherits_through_more_than_two_project_classes():
    classes = _project_classes()
    deep = {name: chain_length(name, classes) for name in classes
            if not is_error(name, classes) and chain_length(name, classes) > MAX_PROJECT_CHAIN}
    assert deep == {}
