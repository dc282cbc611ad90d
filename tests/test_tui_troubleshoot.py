"""The sign-in window's Troubleshoot action (issue 12): offered with every sign-in error but a wrong password, it
runs the doctor's checks against the licensing portal and shows which one fails, with its fix; Esc closes it."""

from __future__ import annotations

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Button

from screens import SignInScreen
from screens.troubleshoot_dialog import TroubleshootDialog
from tests.conftest import screen_text, settle, sign_in_with_keys
from tests.test_dialogs_snapshots import Host
from tests.test_tui_sign_in import closed_port_url


def offered(app) -> bool:
    """The button is on the screen and the key in the footer."""
    keys = [key for key in app.screen.active_bindings.values() if key.binding.action == "troubleshoot"]
    return "Troubleshoot [F4]" in screen_text(app) and bool(keys) and keys[0].enabled


@pytest.mark.e2e
async def test_an_unreachable_portal_offers_troubleshoot_which_names_the_failing_check_and_its_fix(make_app):
    url = closed_port_url()
    app = make_app(portal_url=url, max_retries=1)  # one retry, not three (~1.75 s of jittered backoff)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert not offered(app)  # nothing has failed yet
        await sign_in_with_keys(pilot, "pro_adv")
        assert isinstance(app.screen, SignInScreen) and offered(app)
        await pilot.press("f4")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TroubleshootDialog)
        report = dialog.report.splitlines()
        assert report[0] == f"Sign-in troubleshooting for {url}"
        assert any(line.startswith("✓ dns") for line in report)
        tcp = next(index for index, line in enumerate(report) if line.startswith("✗ tcp      FAILED — "))
        assert report[tcp + 1].startswith("  Fix: ")
        assert "✗ tcp      FAILED" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)


@pytest.mark.e2e
async def test_an_untrusted_certificate_offers_troubleshoot_which_names_the_tls_setting(make_app):
    app = make_app(trust_demo_ca=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await sign_in_with_keys(pilot, "pro_adv")
        assert offered(app)
        await pilot.click("#troubleshoot")
        await settle(pilot)
        report = app.screen.report
        assert "✓ tcp" in report and "✗ tls      FAILED" in report
        assert "ca_bundle" in report.split("✗ tls", 1)[1]  # the setting that fixes it


@pytest.mark.e2e
async def test_a_wrong_password_does_not_offer_troubleshoot(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await sign_in_with_keys(pilot, "pro_adv", "not-the-password")
        assert "Invalid username or password" in screen_text(app)
        assert not offered(app)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)


@pytest.mark.e2e
async def test_troubleshoot_goes_away_when_the_next_attempt_starts_and_comes_back_once_when_it_fails(make_app):
    app = make_app(portal_url=closed_port_url(), max_retries=1)  # one retry, not three (~1.75 s of jittered backoff)
    async with app.run_test(size=(100, 40)) as pilot:
        await sign_in_with_keys(pilot, "pro_adv")
        assert offered(app)
        app.screen.set_busy(True, "Signing in…")
        await pilot.pause()
        assert not offered(app)
        app.screen.set_busy(False)
        await sign_in_with_keys(pilot, "pro_adv")  # fails again: the same button is offered again
        assert offered(app) and len(app.screen.query("#troubleshoot")) == 1


async def test_a_long_report_fits_60x20_scrolls_and_is_plain_text():
    checks = [f"✗ check{n:02d} FAILED — [bold]not markup[/bold] and a detail long enough to wrap at sixty columns"
              for n in range(12)]
    dialog = TroubleshootDialog()
    app = Host(dialog)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert "Working: Running the checks…" in screen_text(app)
        dialog.show_report("\n".join(checks))
        await pilot.pause()
        frame = dialog.query_one("#dialog").region
        assert dialog.region.contains_region(frame) and frame.width < 60
        assert frame.contains_region(dialog.query_one("#close", Button).region)
        assert "[bold]not markup[/bold]" in screen_text(app) and "Working:" not in screen_text(app)
        body = dialog.query_one("#body", VerticalScroll)
        assert body.scroll_y == 0 and body.max_scroll_y > 0
        await pilot.press("down")
        await pilot.pause()
        assert body.scroll_y > 0
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not dialog
