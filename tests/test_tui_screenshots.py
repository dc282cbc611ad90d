"""The README screenshot script still runs against the real demo portal and draws the four screens."""

from __future__ import annotations

import pytest

from tests import make_screenshots

pytestmark = pytest.mark.e2e


def test_make_screenshots_writes_the_four_readme_pictures(tmp_path):
    written = make_screenshots.main(tmp_path)
    assert [path.name for path in written] == ["sign_in.svg", "start_page.svg", "licensing_tab.svg",
                                               "organization_tab.svg"]
    texts = {path.stem: path.read_text(encoding="utf-8").replace("&#160;", " ") for path in written}
    assert "ArcGIS Sign In" in texts["sign_in"]
    assert "Avery Pro" in texts["start_page"]
    assert "Advanced" in texts["licensing_tab"] and "Extension" in texts["licensing_tab"]
    assert "4 Organization" in texts["organization_tab"] and "233 members" in texts["organization_tab"]
    assert "✈ Field tablet 2" in texts["organization_tab"]  # sorted by offline: the offline holders first
