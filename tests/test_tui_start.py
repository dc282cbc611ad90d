"""The start page and the session across starts: Sign in automatically, renewal failures, the palette, quitting."""

from __future__ import annotations

import time

from textual.command import CommandPalette
from textual.widgets import Input, OptionList

from screens import ConfirmDialog, SignInScreen, StartScreen
from tests.conftest import DEMO_PASSWORD, TUI_SNAPSHOT_URL, read_state_toml, screen_text, settle, type_text
from tui.core.clock import FakeClock


async def signed_in_once(make_local_app, *, auto: bool = True, username: str = "pro_adv") -> None:
    """An earlier run of the app on this computer signed in (the window's own path is in test_tui_sign_in)."""
    service = make_local_app(app=False)
    await service.sign_in(username, DEMO_PASSWORD, auto=auto)
    await service.aclose()


def license_calls(make_local_app) -> int:
    return sum(1 for record in make_local_app.demo.request_log if record.path.endswith("/userLicenseType"))


async def test_sign_in_automatically_goes_straight_to_the_start_page_next_time(make_local_app):
    await signed_in_once(make_local_app)
    calls = license_calls(make_local_app)
    app = make_local_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        text = screen_text(app)
        assert f"Avery Pro (pro_adv) · {TUI_SNAPSHOT_URL}" in text
        assert "License: ArcGIS AllSource Advanced" in text
        assert app.screen.query_one("#summary-2").visual.plain == (
            "Extensions: 3 extensions licensed (3D Analyst, Image Analyst, Spatial Analyst)")
        assert "Offline: not authorized" in text
        assert "Done: License read from the licensing portal." in text
        assert license_calls(make_local_app) == calls + 1  # the stored session was checked at start
        for key, label in (("s", "Settings"), ("l", "Licensing"), ("^q", "Quit")):
            assert f"{key} {label}" in text


async def test_unchecked_sign_in_automatically_asks_again_with_the_username_filled_in(make_local_app):
    await signed_in_once(make_local_app, auto=False)
    app = make_local_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert app.screen.query_one("#username", Input).value == "pro_adv"
        assert app.focused.id == "password"  # the username is known: the password is next, typed hidden
        assert read_state_toml(app)["session"]["auto_sign_in"] is False
        await type_text(pilot, "allsource-demo")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)


async def test_a_session_the_portal_no_longer_accepts_returns_to_the_sign_in_window(make_local_app):
    await signed_in_once(make_local_app)
    make_local_app.demo.faults.set("community/users/*", error_498=True)
    app = make_local_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert "sign in again" in app.screen.query_one("#error").visual.plain
        assert app.screen.query_one("#username", Input).value == "pro_adv"
        state = read_state_toml(app)
        assert "session" not in state and state["last_username"] == "pro_adv"


async def test_an_expired_session_asks_to_sign_in_again_and_ctrl_q_quits_with_exit_code_0(make_local_app):
    clock = FakeClock(time.time())
    service = make_local_app(app=False, clock=clock)
    await service.sign_in("pro_adv", DEMO_PASSWORD)
    await service.aclose()
    clock.advance(15 * 24 * 3600)  # past the 14-day token, and there is no refresh token
    app = make_local_app(clock=clock)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert app.screen.query_one("#error").visual.plain == "Your session has expired; sign in again."
        assert app.screen.query_one("#username", Input).value == "pro_adv"
        await pilot.press("ctrl+q")  # quits from the sign-in window with exit code 0
        await pilot.pause()
    assert app.return_code == 0


async def test_an_unreachable_portal_at_start_keeps_the_stored_license_and_says_so(make_local_app):
    await signed_in_once(make_local_app)
    app = make_local_app(failure="refused")
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        status = app.screen.query_one("#status").visual.plain
        assert status.startswith("Error: Could not reach 127.0.0.1:8443")
        assert "proxy. Showing the license read on " in status and ".;" not in status
        assert "License: ArcGIS AllSource Advanced" in screen_text(app)
        assert read_state_toml(app)["session"]["username"] == "pro_adv"


async def test_the_palette_lists_every_action_and_signs_out(make_local_app):
    await signed_in_once(make_local_app)
    app = make_local_app(check_license_at_start=False)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        prompts = [str(option.prompt) for option in app.screen.query_one(OptionList).options]
        for name in ("Settings", "Settings › Licensing", "Settings › Portals", "Settings › About", "Refresh license",
                     "Sign out", "Configure your licensing options", "Help", "Quit"):
            assert any(prompt.startswith(name) for prompt in prompts), name
        await type_text(pilot, "sign out")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert "You signed out" in app.screen.query_one("#error").visual.plain
        assert "session" not in read_state_toml(app)
        assert any(record.path.endswith("/revokeToken") for record in make_local_app.demo.request_log)


async def test_working_offline_starts_without_sign_in_and_offers_it(make_local_app):
    service = make_local_app(app=False)
    await service.sign_in("pro_adv", DEMO_PASSWORD)
    await service.authorize_offline(connect=False)
    await service.aclose()
    calls = len(make_local_app.demo.request_log)
    app = make_local_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        text = screen_text(app)
        assert "Avery Pro (pro_adv) · working offline, not signed in" in text
        assert "Offline: authorized on 'host-machine-a' for pro_adv" in text
        assert "i Sign in" in text
        assert len(make_local_app.demo.request_log) == calls  # no portal call while working offline
        await pilot.press("l")
        await pilot.pause()
        assert app.screen.query_one("#offline-checkbox").value is True
        assert "Authorized for Avery Pro (pro_adv)" in app.screen.query_one("#offline-details").visual.plain
        await pilot.press("escape", "i")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
