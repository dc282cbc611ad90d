"""Settings › Licensing, offline work (Pilot, keys only): Edit Alias, authorizing ArcGIS AllSource to work offline
(Yes keeps the session, No ends it, Esc cancels, a prevented org refuses), starting offline, and resolving a check-out
a crash interrupted. Check-in is in test_tui_check_in.py. The demo portal runs in-process (make_local_app) except
where a test needs it over HTTPS or stopped (make_app).
"""

from __future__ import annotations

from textual import events
from textual.widgets import Checkbox

from screens import AliasDialog, SettingsScreen, SignInScreen, StartScreen
from screens.offline_prompt import OfflinePrompt
from tests.conftest import DEMO_PASSWORD, read_state_toml, screen_text, settle, type_text, wait_until
from tui.demo_portal import rules
from tui.demo_portal.accounts import ONLINE
from tui.ui.app import LicenseApp
from tui.ui.widgets.text import short_date


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
async def test_edit_alias_from_the_licensing_tab_saves_it_and_the_palette_and_the_mouse_open_it(make_local_app):
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
        await pilot.press("ctrl+p")
        await type_text(pilot, "workstation alias")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AliasDialog))
        await pilot.press("escape", "l", "end")  # the Edit button is below the fold at 80x24
        await pilot.pause()
        await pilot.click("#alias-edit")
        await wait_until(pilot, lambda: isinstance(app.screen, AliasDialog))


# --- authorize to work offline ------------------------------------------------------------------------------------
async def test_yes_takes_the_license_offline_and_keeps_the_session(make_local_app):
    with make_local_app.demo.store.transaction() as portal_state:  # the org lets licenses stay offline 30 days
        rules.set_disconnect_settings(portal_state, ONLINE, True, 30)
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
        expires = app.service.status().offline.expires_at
        assert expires is not None and f"Expires: {short_date(expires)}." in details
        assert status_line(app).endswith("; you stay signed in.")
        state = read_state_toml(app)
        assert state["session"]["username"] == "pro_adv"
        (entry,) = state["offline"].values()  # keyed by portal, user and computer
        assert entry["machine_id"] == app.service.machine.machine_key and "offline_intent" not in state
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
        details = app.screen.query_one("#offline-details").visual.plain
        assert "Authorized for Avery Pro (pro_adv) on 'host-machine-a'." in details
        assert "Expires: no end date." in details  # the demo Online org sets no limit
        assert status_line(app) == ("Done: Authorized to work offline for pro_adv, with no end date; you are "
                                    "signed out and work without signing in.")
        state = read_state_toml(app)
        assert "session" not in state and state["offline"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        assert "working offline, not signed in" in screen_text(app)


async def test_a_prevented_enterprise_org_shows_the_sentence_and_clears_the_box(make_app):
    service = make_app(enterprise=True).service
    await service.sign_in("ent_user", DEMO_PASSWORD)
    app = LicenseApp(service, check_license_at_start=False)
    async with app.run_test(notifications=True) as pilot:
        await pilot.press("l", "w")  # the error comes when the box is checked, before any question
        await settle(pilot)
        assert not isinstance(app.screen, OfflinePrompt)
        sentence = "Offline use of ArcGIS AllSource is disabled by your organization's administrator"
        assert status_line(app).startswith(f"Error: {sentence}")
        assert not any(sentence in toast for toast in toasts(app))  # the status line shows it: no second copy
        box = checkbox(app)
        assert box.value is False and not box.disabled
        state = read_state_toml(app)
        assert "offline" not in state and "offline_intent" not in state and state["session"]


async def test_the_box_asks_the_portal_first_and_says_when_it_is_unreachable(make_local_app):
    app = await signed_in_app(make_local_app)
    make_local_app.demo.faults.set("*portals/self/purchases", reset=True, times=1)
    async with app.run_test() as pilot:
        await pilot.press("l", "w")
        await settle(pilot)
        assert not isinstance(app.screen, OfflinePrompt)  # no question the portal could not answer anyway
        assert status_line(app).startswith("Error: Could not reach")
        assert "check the box again once the portal answers" in status_line(app)
        assert checkbox(app).value is False and not checkbox(app).disabled
        assert "offline" not in read_state_toml(app)


async def test_esc_on_the_prompt_cancels_an_unreachable_portal_clears_the_box_and_the_next_try_resolves_the_first(
        make_local_app):
    app = await signed_in_app(make_local_app)
    make_local_app.demo.faults.set("*allsourceTuiCheckOut", reset=True, times=1)
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
        await pilot.press("w")  # again, and Yes: the portal is unreachable
        await wait_until(pilot, lambda: isinstance(app.screen, OfflinePrompt))
        await pilot.press("y")
        await settle(pilot)
        assert status_line(app).startswith("Error: Could not reach 127.0.0.1:8443: the connection was reset.")
        assert checkbox(app).value is False and not checkbox(app).disabled
        assert "offline" not in read_state_toml(app)
        await pilot.press("w")
        await wait_until(pilot, lambda: isinstance(app.screen, OfflinePrompt))
        await pilot.press("y")
        await settle(pilot)
        assert checkbox(app).value is True
        state = read_state_toml(app)
        assert state["offline"] and "offline_intent" not in state
        assert [r.path.rsplit("/", 1)[-1] for r in make_local_app.demo.request_log
                if "allsourceTuiCheckOut" in r.path] == ["allsourceTuiCheckOut", "allsourceTuiCheckOutStatus",
                                                         "allsourceTuiCheckOut"]


# --- starting offline -------------------------------------------------------------------------------------------
async def test_an_offline_license_starts_on_the_start_page_with_the_portal_stopped(make_app, demo_portal):
    app = make_app(max_retries=1)  # one retry, not three (~1.75 s of jittered backoff)
    service = app.service
    await service.sign_in("pro_adv", DEMO_PASSWORD)
    service.set_alias("field-laptop")
    await service.authorize_offline(connect=True)
    await service.aclose()
    demo_portal.stop()
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        text = screen_text(app)
        assert "Offline: authorized on 'field-laptop' for pro_adv, with no end date" in text
        assert "License: ArcGIS AllSource Advanced" in text
        # the license check starts after the first frame and retries a refused connection before it reports
        await wait_until(pilot, lambda: status_line(app).startswith("Error: Could not reach 127.0.0.1"))
        await pilot.press("l")
        await pilot.pause()
        assert checkbox(app).value is True
        details = app.screen.query_one("#offline-details").visual.plain
        assert "Authorized for Avery Pro (pro_adv) on 'field-laptop'." in details
        assert "Expires: no end date." in details


async def interrupted_check_out(make_local_app, *, then_sign_out: bool = False) -> None:
    """A run that died after the portal answered the check-out and before the license was stored."""
    service = make_local_app(app=False)
    await service.sign_in("pro_adv", DEMO_PASSWORD)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    service.offline._store_checkout = crash
    try:
        await service.authorize_offline(connect=True)
    except KeyboardInterrupt:
        pass
    if then_sign_out:
        await service.sign_out()
    await service.aclose()
    assert service.read_state().intents


async def test_an_interrupted_check_out_is_resolved_at_start(make_local_app):
    await interrupted_check_out(make_local_app)
    app = make_local_app(check_license_at_start=False)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert status_line(app).startswith("Done: The interrupted offline authorization was completed")
        state = read_state_toml(app)
        assert state["offline"] and "offline_intent" not in state
        assert "Offline: authorized on 'host-machine-a'" in screen_text(app)
    checkouts = [r for r in make_local_app.demo.request_log if r.path.endswith("allsourceTuiCheckOut")]
    assert len(checkouts) == 1  # asked the portal; never checked out twice


async def test_an_interrupted_check_out_without_a_session_is_resolved_after_sign_in(make_local_app):
    await interrupted_check_out(make_local_app, then_sign_out=True)
    app = make_local_app(check_license_at_start=False)
    async with app.run_test(notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert any("resolved once you sign in" in toast for toast in toasts(app))
        assert app.focused.id == "password"  # the username is filled in
        await type_text(pilot, DEMO_PASSWORD)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.service.status().offline is not None)
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        assert "offline_intent" not in read_state_toml(app)
        assert "Offline: authorized on 'host-machine-a'" in screen_text(app)
