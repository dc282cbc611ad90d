"""The repository documents itself: no file cites a document that is not in it, and every docs/ reference resolves.

Comments once cited sections of design documents that lived outside the repository ("DESIGN §8", "RELIABILITY W-1",
"portal-protocol §14", "STYLE §8", "../shared"), which a person who clones the repo cannot follow. They now cite
docs/*.md by file and heading (or a rule id of docs/reliability.md); these tests keep it that way.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TEXT_SUFFIXES = {".py", ".md", ".tcss", ".toml", ".txt"}
SKIPPED_DIRS = {"__snapshots__", "screenshots", "__pycache__"}
THIS_FILE = Path(__file__).resolve()  # holds the forbidden patterns themselves
# The one test allowed to name ../shared: it compares tests/fixtures/arcgis with the originals when they sit beside
# the checkout (and says so in a comment).
FIXTURE_COPY_TEST = ROOT / "tests" / "test_fixture_copy.py"

FORBIDDEN = {
    "DESIGN": re.compile(r"\bDESIGN(?:\.md)?(?:'s)?\s*(?:§|\.md)|\bDESIGN\.md\b"),
    "RELIABILITY": re.compile(r"\bRELIABILITY(?:\.md)?\s*(?:§|\b[A-Z]{1,3}-\d)|\bRELIABILITY\.md\b"),
    "portal-protocol": re.compile(r"\bportal-protocol(?:\.md)?\s*§|(?<![\w/\[])(?<!\]\()portal-protocol\.md"),
    "STYLE": re.compile(r"\bSTYLE(?:\.md\b|\s*§)"),
}
SHARED = re.compile(r"\.\./shared\b|(?<![\w./-])shared/(?:fixtures|seed|DESIGN|RELIABILITY|STYLE|portal)")

RULE_ID = re.compile(r"(?<![\w-])((?:LIC|[FWLSKXNTH])-\d+)\b")
TP_ID = re.compile(r"\bTP-[A-Z0-9]+\b")
DOCS_PATH = re.compile(r"(?<![\w./-])docs/([\w.-]+\.md)")
# docs/x.md, "Heading" | docs/x.md ("Heading") | docs/x.md "Heading"
DOCS_HEADING = re.compile(r"(?<![\w./-])docs/([\w.-]+\.md)(?:,\s*|\s*\(\s*|\s+)\"([^\"]+)\"")
README_HEADING = re.compile(r"\bREADME(?:'s)?(?:\.md)?,?\s+\"([^\"]+)\"")
MD_LINK = re.compile(r"\]\(([^)\s]+)\)")


def scanned_files() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "config.example.toml"]
    for folder in ("tui", "screens", "tests", "docs"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in TEXT_SUFFIXES and not SKIPPED_DIRS & set(path.parts):
                files.append(path)
    return [path for path in files if path.resolve() != THIS_FILE]


def flattened(path: Path) -> str:
    """The file as one line: a citation wrapped over two lines (docstring or ``#`` comment) is still found."""
    text = path.read_text(encoding="utf-8")
    return re.sub(r"\s*\n\s*(?:#\s*)?", " ", text)


def headings(markdown: Path) -> set[str]:
    lines = markdown.read_text(encoding="utf-8").splitlines()
    return {line.lstrip("#").strip().lower() for line in lines if line.startswith("#")}


def has_heading(markdown: Path, cited: str) -> bool:
    """A heading cited by its text, or by the start of it ("Project-defined operations" for "…: offline check-out")."""
    cited = cited.lower()
    return any(heading == cited or heading.startswith(cited + ":") for heading in headings(markdown))


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


FILES = scanned_files()


def test_the_scan_covers_code_tests_and_docs() -> None:
    names = {relative(path) for path in FILES}
    assert {"README.md", "tui/core/errors.py", "tests/test_layers.py", "docs/architecture.md"} <= names
    assert {"docs/portal-protocol.md", "docs/state-file.md", "docs/reliability.md", "docs/tui.md"} <= names


@pytest.mark.parametrize("name", sorted(FORBIDDEN))
def test_nothing_cites_a_design_document_outside_the_repo(name: str) -> None:
    pattern = FORBIDDEN[name]
    offenders = [f"{relative(path)}:{number}: {line.strip()}" for path in FILES
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line)]
    assert offenders == [], f"cite docs/*.md instead of {name}:\n" + "\n".join(offenders)


def test_only_the_fixture_copy_test_names_the_shared_folder() -> None:
    offenders = [relative(path) for path in FILES if path != FIXTURE_COPY_TEST and SHARED.search(flattened(path))]
    assert offenders == []


def test_every_docs_path_names_an_existing_file() -> None:
    missing = sorted({(relative(path), name) for path in FILES for name in DOCS_PATH.findall(flattened(path))
                      if not (DOCS / name).is_file()})
    assert missing == []


def test_every_cited_docs_heading_exists() -> None:
    cited = [(relative(path), name, heading) for path in FILES
             for name, heading in DOCS_HEADING.findall(flattened(path))]
    assert len(cited) >= 20  # the pattern still finds the citations (else this test would pass vacuously)
    assert [(where, name, heading) for where, name, heading in cited if (DOCS / name).is_file()
            and not has_heading(DOCS / name, heading)] == []


def test_every_cited_readme_heading_exists() -> None:
    cited = [(relative(path), heading) for path in FILES for heading in README_HEADING.findall(flattened(path))]
    assert len(cited) >= 10
    assert [(where, heading) for where, heading in cited if not has_heading(ROOT / "README.md", heading)] == []


def test_every_markdown_link_to_a_file_resolves() -> None:
    broken = []
    for path in FILES:
        if path.suffix != ".md":
            continue
        for target in MD_LINK.findall(path.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            if not (path.parent / target.split("#", 1)[0]).exists():
                broken.append((relative(path), target))
    assert broken == []


def test_every_rule_id_cited_in_code_is_defined_in_the_reliability_doc() -> None:
    defined = set(re.findall(r"\*\*((?:LIC|[FWLSKXNTH])-\d+)\*\*", (DOCS / "reliability.md").read_text("utf-8")))
    cited = {(relative(path), rule) for path in FILES if path.suffix == ".py"
             for rule in RULE_ID.findall(path.read_text(encoding="utf-8"))}
    assert sorted((where, rule) for where, rule in cited if rule not in defined) == []


def test_every_tp_test_cited_in_tests_is_in_the_test_plan() -> None:
    plan = set(TP_ID.findall((DOCS / "reliability.md").read_text("utf-8")))
    cited = {(relative(path), tp) for path in FILES if path.suffix == ".py" for tp in TP_ID.findall(path.read_text())}
    assert sorted(item for item in cited if item[1] not in plan) == []


def test_the_test_plan_names_test_files_that_exist() -> None:
    table = (DOCS / "reliability.md").read_text("utf-8").split("## Test plan", 1)[1]
    named = set(re.findall(r"`(tests/[\w/.-]+\.py)`", table))
    assert named and sorted(name for name in named if not (ROOT / name).is_file()) == []
