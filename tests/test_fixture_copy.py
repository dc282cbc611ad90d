"""tests/fixtures/arcgis is a copy of the shared ArcGIS fixtures; when shared/ sits beside the repo, they must agree."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_FIXTURES = Path(__file__).parent / "fixtures" / "arcgis"
# The one path outside the repository a test may name: the product team's original ArcGIS fixtures, when a checkout
# sits beside them. It is a consistency check of the copy, skipped elsewhere; nothing else reads or cites ../shared
# (tests/test_docs.py allows exactly this file).
SHARED_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "arcgis"


def test_the_repo_holds_the_fixtures():
    assert len(list(REPO_FIXTURES.glob("*.json"))) >= 30


@pytest.mark.skipif(not SHARED_FIXTURES.is_dir(), reason="shared/ is not beside this checkout")
def test_every_shared_fixture_is_copied_unchanged():
    shared = {p.name: p.read_bytes() for p in SHARED_FIXTURES.glob("*.json")}
    copied = {p.name: p.read_bytes() for p in REPO_FIXTURES.glob("*.json")}
    assert shared == copied, "copy shared/fixtures/arcgis into tests/fixtures/arcgis again"
