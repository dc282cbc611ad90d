"""Checking an offline license in from the Licensing tab (Pilot, keys only): clearing the box tells the user to sign
in again, the sign-in window completes the check-in; already signed in it happens after the message; refusals (another
OS user, the licensing portal not the active portal) are shown as their sentence.
"""

from __future__ import annotations

from textual.widgets import Input

from screens import ConfirmDialog, MessageDialog, SettingsScreen, SignInScreen, StartScreen
from tests.conftest import DEMO_PASSWORD, read_state_toml, screen_text, settle, type_text, wait_until
from tests.test_tui_offline import checkbox, status_line
from tui.core.machine import MachineIdentity
from tui.ui.app import LicenseApp


async def offline_app(make_local_app, *, connect: bool, os_user: str = "tester") -> LicenseApp:
    """pro_adv took the license offline on machine-a earlier; the app runs as ``os_user`` on that computer."""
    service = make_local_app(app=False)
    await service.sign_in("pro_adv", DEMO_PASSWORD)
    await service.authorize_offline(connect=connect)
    await service.aclose()
    service = make_local_app(app=False)
    service.machine = MachineIdentity(machine_id="machine-a", os_user=os_user, hostname="host-machine-a")
    return LicenseApp(service, check_license_at_start=False)


async def test_clearing_the_box_asks_to_sign_in_then_checks_the_license_in(make_local_app):
    app = await offline_app(make_local_app, connect=False)
    async with app.run_test() as pilot:
        await pilot.press("l", "w")
        await wait_until(pilot, lambda: isinstance(app.screen, MessageDialog))
        assert "You must sign in to your licensing portal again" in screen_text(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        assert app.screen.query_one("#username", Input).value == "pro_adv"
        assert app.screen.query_one("#error").visual.plain == (  # the CHECK_IN availability sentence, as in the CLI
            "Sign in to your licensing portal https://127.0.0.1:8443 as pro_adv to check in the license.")
        assert app.focused.id == "password"  # the username is filled in: the password is next, typed hidden
        await type_text(pilot, DEMO_PASSWORD)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, StartScreen) and app.service.status().offline is None)
        await settle(pilot)
        assert status_line(app) == ("Done: License checked in: ArcGIS AllSource is connected to your licensing "
                                    "portal again.")
        assert "Offline: not authorized" in screen_text(app)
        assert "offline" not in read_state_toml(app)
        assert (await app.service.refresh_license()).disconnected is False  # a fresh read from the portal


async def test_already_signed_in_the_license_is_checked_in_after_the_message(make_local_app):
    app = await offline_app(make_local_app, connect=True)
    async with app.run_test() as pilot:
        await pilot.press("l", "w")
        await wait_until(pilot, lambda: isinstance(app.screen, MessageDialog))
        text = app.screen.query_one("#message").visual.plain  # the dialog's text, before it wraps
        assert "You are signed in to https://127.0.0.1" in text and "the license is checked in now" in text
        assert "must sign in" not in text  # the old text asked for a sign-in the user had already done
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        box = checkbox(app)
        assert box.value is False and not box.disabled
        assert "offline" not in read_state_toml(app)


async def test_another_os_user_is_refused_with_a_sentence(make_local_app):
    app = await offline_app(make_local_app, connect=False, os_user="bob")
    async with app.run_test() as pilot:
        await pilot.press("l", "w")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)  # no message, no sign-in: it can't work from here
        assert status_line(app) == ("Error: This offline license was authorized by another user account on this "
                                    "computer; sign in to the operating system as that user to check it in.")
        box = checkbox(app)
        assert box.value is True and not box.disabled
        assert read_state_toml(app)["offline"]


async def test_check_in_does_not_depend_on_the_active_portal(make_local_app):
    """The license goes back to the portal that issued it, as `offline check-in` does: no prompt to switch, and the
    active portal is left as the user chose it (the TUI used to insist on making the licensing portal active)."""
    app = await offline_app(make_local_app, connect=True)
    other = app.service.add_portal("https://127.0.0.1:8443/other")
    app.service.activate_portal(other)
    async with app.run_test() as pilot:
        await pilot.press("l", "w")
        await wait_until(pilot, lambda: isinstance(app.screen, MessageDialog))
        assert not any(isinstance(screen, ConfirmDialog) for screen in app.screen_stack)
        await pilot.press("enter")
        await settle(pilot)
        assert app.service.status().offline is None
        assert app.service.status().active_portal == other
