"""The pure sentences of tui/ui/widgets/text.py (issue 17): advice that fits the error, and dates that read well."""

from __future__ import annotations

import pytest

from tui.core.errors import LicenseRuleError, PortalUnreachable, UnexpectedResponse, UsageError
from tui.ui.widgets.text import BUSY_ADVICE, sso_try_next, try_next, until


@pytest.mark.parametrize("code", [500, 502, 503, 504, 429])
def test_a_busy_portal_is_not_blamed_on_the_url(code):
    advice = try_next(UnexpectedResponse(f"gis.example.com answered with HTTP {code}.", code=code))
    assert advice == BUSY_ADVICE and "URL" not in advice


def test_a_non_portal_answer_still_points_at_the_url():
    assert "licensing portal URL" in try_next(UnexpectedResponse("an HTML page", code=200))
    assert "press Enter" in try_next(PortalUnreachable("Could not reach gis.example.com."))


@pytest.mark.parametrize("error", [PortalUnreachable("Could not reach gis.example.com."),
                                   UnexpectedResponse("HTTP 503", code=503), LicenseRuleError("three computers"),
                                   UnexpectedResponse("an HTML page", code=200)])
def test_advice_after_a_cleared_password_never_says_just_press_enter(error):
    advice = try_next(error)
    assert "type the password again" in advice or "press Enter" not in advice, advice


@pytest.mark.parametrize("error", [UnexpectedResponse("HTTP 503", code=503), UsageError("link older than 10 minutes"),
                                   PortalUnreachable("Could not reach"), LicenseRuleError("three computers")])
def test_sso_advice_never_says_press_enter_on_an_empty_field_nor_blames_the_url(error):
    advice = sso_try_next(error)
    assert "URL" not in advice
    assert "press Enter" not in advice or "paste the code again" in advice, advice


def test_until_never_says_until_no_end_date():
    assert until(None) == "with no end date" and until(-1) == "with no end date"
    assert until(0) == "until 1970-01-01 00:00 UTC"
