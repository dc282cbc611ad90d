"""Settings › Licensing, offline work (Pilot, keys only): Edit Alias, authorizing ArcGIS AllSource to work offline
(Yes keeps the session, No ends it, Esc cancels, a prevented org refuses), starting offline, checking the license in
through the sign-in window, and the refusals a check-in can meet. The demo portal runs in-process (make_local_app)
except where a test needs it over HTTPS or stopped (make_app).
"""

from __future__ import annotations

from textual import events
from textual.widgets import Checkbox, Input

from screens import AliasDialog, ConfirmDialog, MessageDialog, SettingsScreen, SignInScreen, StartScreen
from screens.offline_prompt import OfflinePrompt
from tests.conftest import DEMO_PASSWORD, read_state_toml, screen_text, settle, type_text, wait_until
from tui.machine import MachineIdentity


async def signed_in_app(make_local_app, username: str = "pro_adv", machine_id: str = "machine-a"):
    """An app on a computer where ``username`` signed in automatically before."""
    service = make_local_app(machine_id, app=False)
    await service.sign_in(username, DEMO_PASSWORD)
    await service.aclose()
    return make_local_app(machine_id, check_license_at_start=False)


async def paste(pilot, text: str) -> None:
    """Paste into the focused field, as a terminal delivers a bracketed paste."""
    pilot.app.focused.post_message(events.Paste(text))
    await pilot.pause()


def checkbox(app) -> Checkbox:
    return app.screen.query_one("#offline-checkbox", Checkbox)


def status_line(app) -> str:
    return app.screen.query_one("#status").visual.plain


def toasts(app) -> list[str]:
    return [notification.message for notification in app._notifications]


async def tick_offline_box(pilot) -> None:
    """From the start page: l (Licensing tab), w (the box's key); the prompt appears."""
    await pilot.press("l", "w")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, OfflinePrompt))


# --- Workstation Alias ----------------------------------------------------------------------------------------------
async def test_edit_alias_from_the_licensing_tab_saves_it(make_local_app):
    app = await signed_in_app(make_local_app)
    async with app.run_test() as pilot:
        await pilot.press("l")
        assert app.screen.query_one("#alias").visual.plain == "Not set"
        await pilot.press("tab", "tab", "enter")  # Configure…, Edit
        await pilot.pause()
        assert isinstance(app.screen, AliasDialog)
        assert app.screen.alias_input.value == "host-machine-a"  # the computer's name is offered
        await pilot.press("ctrl+u")
        await paste(pilot, "field-laptop-7")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert app.screen.query_one("#alias").visual.plain == "field-laptop-7"
        assert status_line(app) == "Done: Workstation alias is now 'field-laptop-7'."
        assert read_state_toml(app)["workstation_alias"] == "field-laptop-7"
        await pilot.press("e")  # the tab's key opens it too; Esc leaves the alias alone
        await pilot.pause()
        assert app.screen.alias_input.value == "field-laptop-7"
        await pilot.press("escape")
        await pilot.pause()
        assert read_state_toml(app)["workstation_alias"] == "field-laptop-7"


# --- authorize to work offline ------------------------------------------------------------------------------------
async def test_yes_takes_the_license_offline_and_keeps_the_session(make_local_app):
    app = await signed_in_app(make_local_app)
    async with app.run_test() as pilot:
        await tick_offline_box(pilot)
        text = screen_text(app)
        assert "connect to an active portal to access or share content" in text
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        box = checkbox(app)
        assert box.value is True and not box.disabled
        details = app.screen.query_one("#offline-details").visual.plain
        assert "Authorized for Avery Pro (pro_adv) on 'host-machine-a'." in details
        assert "Expires: " in details
        assert "You stay signed in." in status_line(app)
        state = read_state_toml(app)
        assert state["session"]["username"] == "pro_adv"
        assert list(state["offline"]) == [app.service.machine.machine_key] and "offline_intent" not in state
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one("#summary-3").visual.plain.startswith(
            "Offline: authorized on 'host-machine-a' for pro_adv, until")
        assert app.service.status().signed_in


async def test_no_takes_the_license_offline_and_ends_the_session_without_leaving_the_app(make_local_app):
    app = await signed_in_app(make_local_app)
    async with app.run_test() as pilot:
        await tick_offline_box(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)  # no bounce to the sign-in window
        assert checkbox(app).value is True
        assert "Authorized for Avery Pro (pro_adv)" in app.screen.query_one("#offline-details").visual.plain
        assert "You are signed out" in status_line(app)
        state = read_state_toml(app)
        assert "session" not in state and state["offline"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        assert "working offline, not signed in" in screen_text(app)


async def test_esc_on_the_prompt_cancels(make_local_app):
    app = await signed_in_app(make_local_app)
    async with app.run_test() as pilot:
        await tick_offline_box(pilot)
        behind = app.screen_stack[-2].query_one("#offline-checkbox", Checkbox)
        assert behind.disabled and behind.value is True  # "the check box becomes unavailable and a prompt appears"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        box = checkbox(app)
        assert box.value is False and not box.disabled
        assert status_line(app) == "Not authorized to work offline; nothing was taken offline."
        state = read_state_toml(app)
        assert "offline" not in state and "offline_intent" not in state and state["session"]
        assert not any(record.path.endswith("allsourceTuiCheckOut") for record in make_local_app.demo.request_log)
