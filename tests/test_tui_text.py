"""The pure sentences of tui/ui/widgets/text.py (issue 17): advice that fits the error, and dates that read well."""

from __future__ import annotations

import pytest

from tui.core.errors import PortalUnreachable, UnexpectedResponse
from tui.ui.widgets.text import BUSY_ADVICE, try_next, until


@pytest.mark.parametrize("code", [500, 502, 503, 504, 429])
def test_a_busy_portal_is_not_blamed_on_the_url(code):
    advice = try_next(UnexpectedResponse(f"gis.example.com answered with HTTP {code}.", code=code))
    assert advice == BUSY_ADVICE and "URL" not in advice


def test_a_non_portal_answer_still_points_at_the_url():
    assert "licensing portal URL" in try_next(UnexpectedResponse("an HTML page", code=200))
    assert "press Enter" in try_next(PortalUnreachable("Could not reach gis.example.com."))


def test_until_never_says_until_no_end_date():
    assert until(None) == "with no end date" and until(-1) == "with no end date"
    assert until(0) == "until 1970-01-01 00:00 UTC"
