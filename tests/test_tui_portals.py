"""Settings › Portals and the licensing portal (Pilot, keys only): the marks in symbols and words, add / activate /
remove with their refusals, greyed keys, and the switch from the demo Online org to the demo Enterprise portal over
HTTPS (restart message, exit 0, a new app signs in to the new portal).
"""

from __future__ import annotations

from textual.widgets import DataTable, Input

from screens import LicensingPortalDialog, MessageDialog, SettingsScreen, SignInScreen, StartScreen
from screens.add_portal_dialog import AddPortalDialog
from screens.confirm_dialog import ConfirmDialog
from screens.portals_pane import PortalsPane
from tests.conftest import DEMO_PASSWORD, TUI_SNAPSHOT_URL, screen_text, sign_in_with_keys, wait_until
from tests.test_tui_offline import paste, signed_in_app, status_line
from tui.ui.app import LicenseApp

OTHER = "https://gis.example.org/portal"


def rows(app) -> list[str]:
    return [row.visual.plain for row in app.screen.query(".portal-row")]


def footer_state(app) -> dict[str, bool]:
    """Binding description → enabled, for the keys the Footer shows."""
    return {active.binding.description: active.enabled for active in app.screen.active_bindings.values()
            if active.binding.show}


async def test_portals_tab_marks_add_activate_and_remove(make_local_app):
    app = await signed_in_app(make_local_app)
    async with app.run_test() as pilot:
        await pilot.press("s", "2", "enter")
        assert isinstance(app.focused, PortalsPane)
        assert rows(app) == [f"› {TUI_SNAPSHOT_URL}\n    ✓ active · 🔑 licensing portal · signed in"]
        keys = footer_state(app)
        assert (keys["Use"], keys["Add"], keys["Remove"]) == (False, True, True)  # greyed: already active

        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AddPortalDialog)
        await paste(pilot, "http://gis.example.org/portal")
        assert app.screen.query_one("#url-feedback").visual.plain.startswith("Error: ")
        await pilot.press("enter")
        assert isinstance(app.screen, AddPortalDialog)  # refused inline with the sentence; the dialog stays
        assert app.screen.query_one("#url-feedback").visual.plain == (
            'Error: The portal URL must use https, not "http": use https:// at the start.')
        assert len(app.service.portal_connections()) == 1
        await pilot.press("ctrl+u")
        await paste(pilot, OTHER + "/home/")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        assert status_line(app) == f"Done: Added the portal connection {OTHER}."
        assert rows(app) == [f"  {TUI_SNAPSHOT_URL}\n    ✓ active · 🔑 licensing portal · signed in",
                             f"› {OTHER}\n    not active, not signed in"]
        assert footer_state(app)["Use"] is True

        await pilot.press("m")
        await pilot.pause()
        assert app.service.status().active_portal == OTHER
        assert rows(app)[1] == f"› {OTHER}\n    ✓ active"
        assert footer_state(app)["Use"] is False

        await pilot.press("up", "d")  # the licensing portal: refused with the service's sentence, nothing asked
        await pilot.pause()
        assert status_line(app) == ("Error: The licensing portal can't be removed; change the licensing portal "
                                    "first.")
        await pilot.press("down", "delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert [url for url in (c.url for c in app.service.portal_connections())] == [TUI_SNAPSHOT_URL]
        assert app.service.status().active_portal == TUI_SNAPSHOT_URL  # the removed one was active
        assert rows(app) == [f"› {TUI_SNAPSHOT_URL}\n    ✓ active · 🔑 licensing portal · signed in"]
        await pilot.press("escape")
        await pilot.pause()
        assert f"Avery Pro (pro_adv) · {TUI_SNAPSHOT_URL}" in screen_text(app)


async def test_enter_on_the_licensing_portal_while_working_offline_goes_to_sign_in(make_local_app):
    service = make_local_app(app=False)
    await service.sign_in("pro_adv", DEMO_PASSWORD)
    await service.authorize_offline(connect=False)
    app = LicenseApp(service, check_license_at_start=False)
    async with app.run_test() as pilot:
        await pilot.press("s", "2", "enter")
        assert rows(app) == [f"› {TUI_SNAPSHOT_URL}\n    ✓ active · 🔑 licensing portal"]
        assert footer_state(app)["Use"] is True
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert app.screen.query_one("#username", Input).value == "pro_adv"


async def test_the_licensing_portal_cant_change_while_the_license_is_offline(make_local_app):
    service = make_local_app(app=False)
    await service.sign_in("pro_adv", DEMO_PASSWORD)
    await service.authorize_offline(connect=True)
    app = LicenseApp(service, check_license_at_start=False)
    async with app.run_test() as pilot:
        await pilot.press("l", "f2")  # refused up front (CHANGE_LICENSING_PORTAL), as `portal set` refuses it
        await wait_until(pilot, lambda: "check the license in first" in app.screen.query_one("#status").visual.plain)
        assert isinstance(app.screen, SettingsScreen)
        assert not any(isinstance(screen, LicensingPortalDialog) for screen in app.screen_stack)
    assert app.service.licensing_portal().url == TUI_SNAPSHOT_URL


async def test_configure_from_the_sign_in_window_closes_the_app_after_the_message(make_local_app):
    app = make_local_app()
    async with app.run_test() as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, LicensingPortalDialog)
        await pilot.press("f4", "ctrl+u")
        await paste(pilot, f"{TUI_SNAPSHOT_URL}/portal")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MessageDialog))
        await pilot.pause()  # pushed; drawn on the next frame
        assert "must close for the change to take effect" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code == 0
    assert app.service.licensing_portal().url == f"{TUI_SNAPSHOT_URL}/portal"


async def test_switching_from_the_online_org_to_the_enterprise_portal_over_https(make_app, demo_portal):
    app = make_app()
    await app.service.sign_in("pro_adv", DEMO_PASSWORD)
    async with app.run_test() as pilot:
        await pilot.press("l", "f2")
        await pilot.pause()
        await pilot.press("f4", "ctrl+u")
        await paste(pilot, demo_portal.enterprise_url)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MessageDialog))
        await pilot.pause()  # pushed; drawn on the next frame
        assert "must close for the change to take effect" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code == 0

    restarted = make_app()  # the same computer and state directory
    async with restarted.run_test() as pilot:
        await pilot.pause()
        assert isinstance(restarted.screen, SignInScreen)
        assert restarted.screen.query_one("#portal-url").visual.plain == (
            f"Licensing portal: {demo_portal.enterprise_url} (ArcGIS Enterprise)")
        await pilot.press("ctrl+u")
        await sign_in_with_keys(pilot, "ent_user")
        assert isinstance(restarted.screen, StartScreen)
        assert "License: ArcGIS AllSource Standard" in screen_text(restarted)
        await pilot.press("l")
        await pilot.pause()
        levels = restarted.screen.query_one("#levels", DataTable)
        assert [str(levels.get_row_at(i)[1]) for i in range(3)] == ["No", "Yes", "No"]
        extensions = restarted.screen.query_one("#extensions", DataTable)
        licensed = {str(row[0]) for row in (extensions.get_row_at(i) for i in range(extensions.row_count))
                    if str(row[1]) == "Yes"}
        assert licensed == {"Network Analyst"}
