"""The TUI follows the state wherever it changes (issue 17, items 1 and 10): another process signs out, a second TUI
sets the alias, the session expires; the sign-in window opened while working offline is never a trap."""

from __future__ import annotations

import time

import pytest
from textual.command import CommandPalette
from textual.widgets import OptionList

from screens import ConfirmDialog, SettingsScreen, SignInScreen, StartScreen
from tests.conftest import DEMO_PASSWORD, screen_text, settle, type_text, wait_until
from tui.core.clock import FakeClock
from tui.ui.app import LicenseApp


@pytest.fixture(autouse=True)
def follow_quickly(monkeypatch: pytest.MonkeyPatch) -> None:
    """The App looks at state.toml once a second; a tenth of that here, so each test waits less for a change to be
    seen (what is followed, and how, is the same)."""
    monkeypatch.setattr(LicenseApp, "FOLLOW_SECONDS", 0.1)


async def signed_in_service(make_local_app, **kwargs):
    service = make_local_app(app=False, **kwargs)
    await service.sign_in("pro_adv", DEMO_PASSWORD)
    return service


async def offline_here(make_local_app) -> None:
    """A license authorized to work offline on this computer, no session (then the portal may be down)."""
    service = await signed_in_service(make_local_app)
    await service.authorize_offline(connect=False)
    await service.aclose()


# --- item 1: the sign-in window opened from offline mode ----------------------------------------------------------
async def test_esc_or_settings_from_the_sign_in_window_opened_while_working_offline_return_to_the_start_page(
        make_local_app):
    await offline_here(make_local_app)
    app = make_local_app(failure="refused")  # the portal is down
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert "esc Back" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        assert "working offline, not signed in" in screen_text(app)
        # Settings opened from that sign-in window returns to the start page too
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "Settings")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        assert not any(isinstance(screen, SignInScreen) for screen in app.screen_stack)


# --- item 10: the state changes elsewhere --------------------------------------------------------------------------
async def test_a_sign_out_elsewhere_leads_to_the_sign_in_window(make_local_app):
    (await signed_in_service(make_local_app)).store  # noqa: B018  # an earlier run signed in
    app = make_local_app(check_license_at_start=False)
    async with app.run_test() as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        other = make_local_app(app=False)  # the CLI or a second TUI on the same state
        await other.sign_out()
        await other.aclose()
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        await pilot.pause()
        assert "You were signed out" in app.screen.query_one("#error").visual.plain


async def test_a_sign_out_elsewhere_while_offline_keeps_the_start_page_with_sign_in(make_local_app):
    service = await signed_in_service(make_local_app)
    await service.authorize_offline(connect=True)
    await service.aclose()
    app = make_local_app(check_license_at_start=False)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert "Avery Pro (pro_adv) · http" in screen_text(app)
        other = make_local_app(app=False)
        await other.sign_out()
        await other.aclose()
        await wait_until(pilot, lambda: "working offline, not signed in" in screen_text(app))
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        assert "i Sign in" in screen_text(app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        prompts = [str(option.prompt) for option in app.screen.query_one(OptionList).options]
        assert any(prompt.startswith("Sign in") for prompt in prompts)


async def test_a_second_tui_shows_the_alias_set_elsewhere(make_local_app):
    (await signed_in_service(make_local_app)).store  # noqa: B018
    app = make_local_app(check_license_at_start=False)
    async with app.run_test() as pilot:
        await pilot.press("l")
        await pilot.pause()
        assert app.screen.query_one("#alias").visual.plain == "Not set"
        other = make_local_app(app=False)
        other.set_alias("field-laptop")
        await other.aclose()
        await wait_until(pilot, lambda: app.screen.query_one("#alias").visual.plain == "field-laptop")


async def test_an_expired_session_leads_to_the_sign_in_window(make_local_app):
    clock = FakeClock(time.time())
    await (await signed_in_service(make_local_app, clock=clock)).aclose()
    app = make_local_app(check_license_at_start=False, clock=clock)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        clock.advance(15 * 24 * 3600)  # past the 14-day token, and there is no refresh token
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        await pilot.pause()
        assert "Your session has expired" in app.screen.query_one("#error").visual.plain


async def test_signing_out_while_an_offline_license_is_held_returns_to_working_offline(make_local_app):
    service = await signed_in_service(make_local_app)
    await service.authorize_offline(connect=True)
    await service.aclose()
    app = make_local_app(check_license_at_start=False)
    async with app.run_test() as pilot:
        await pilot.press("s", "o")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "asks for your password" not in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        assert "working offline, not signed in" in screen_text(app)


async def test_a_look_at_the_state_while_the_app_shuts_down_does_nothing(make_local_app, monkeypatch):
    """The timer can tick after the App's screens are gone (seen on a loaded machine: a crash on quit)."""
    service = await signed_in_service(make_local_app)
    app = make_local_app(check_license_at_start=False)
    async with app.run_test() as pilot:
        await settle(pilot)
        await service.sign_out()  # state.toml changed: the next look would publish and lead to the sign-in window
        with monkeypatch.context() as patch:
            patch.setattr(LicenseApp, "screen_stack", property(lambda self: []))
            app.follow_state()
        assert isinstance(app.screen, StartScreen)
