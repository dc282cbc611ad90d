"""Settings: side tabs by keys, the Licensing/Portals/About tabs, refresh, sign out, and the licensing portal change."""

from __future__ import annotations

from textual.widgets import Button, Checkbox, ContentSwitcher, DataTable

from screens import ConfirmDialog, LicensingPortalDialog, MessageDialog, SettingsScreen, SignInScreen, StartScreen
from tests.conftest import DEMO_PASSWORD, TUI_SNAPSHOT_URL, read_state_toml, screen_text, settle, type_text, wait_until
from tui import __version__


async def started_as(make_local_app, username: str = "pro_adv"):
    """An app on a computer where ``username`` signed in automatically before."""
    service = make_local_app(app=False)
    await service.sign_in(username, DEMO_PASSWORD)
    await service.aclose()
    return make_local_app(check_license_at_start=False)


def rows(app, table_id: str) -> list[tuple[str, str]]:
    table = app.screen.query_one(f"#{table_id}", DataTable)
    return [tuple(str(cell) for cell in table.get_row_at(index)) for index in range(table.row_count)]


def current_tab(app) -> str | None:
    return app.screen.query_one("#panes", ContentSwitcher).current


async def test_side_tabs_follow_arrows_digits_and_enter_the_portals_and_about_tabs_and_esc_goes_back(make_local_app):
    app = await started_as(make_local_app)
    async with app.run_test() as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        assert (current_tab(app), app.focused.id) == ("licensing", "tabs")
        await pilot.press("down")
        assert current_tab(app) == "portals"
        await pilot.press("down")
        assert current_tab(app) == "about"
        await pilot.press("up")
        assert current_tab(app) == "portals"
        await pilot.press("1")
        assert current_tab(app) == "licensing"
        await pilot.press("3")
        assert current_tab(app) == "about"
        text = screen_text(app)
        assert f"allsource-tui {__version__}" in text
        assert app.screen.query_one("#state-path").visual.plain == str(app.service.store.path)
        assert "mode 0600" in app.screen.query_one("#secrets").visual.plain
        await pilot.press("2", "enter")
        assert (current_tab(app), app.focused.id) == ("portals", "portals")
        text = screen_text(app)
        assert TUI_SNAPSHOT_URL in text
        assert "✓ active · 🔑 licensing portal · signed in" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)


async def test_l_opens_the_licensing_tab_of_pro_adv_and_r_reads_the_license_again(make_local_app):
    app = await started_as(make_local_app)
    async with app.run_test() as pilot:
        await pilot.press("l")
        await pilot.pause()
        assert (current_tab(app), app.focused.id) == ("licensing", "licensing")
        assert rows(app, "levels") == [("Basic", "No"), ("Standard", "No"), ("Advanced", "Yes")]
        extensions = dict(rows(app, "extensions"))
        assert {name for name, licensed in extensions.items() if licensed == "Yes"} == {
            "3D Analyst", "Image Analyst", "Spatial Analyst"}
        assert extensions["Network Analyst"] == "No"
        text = screen_text(app)
        assert "Named User License" in text and "Extensions" in text  # two headings, as on the help page
        assert "contact your" in text and "administrator" in text
        assert f"🔑 {TUI_SNAPSHOT_URL} (ArcGIS Online)" in text
        assert app.screen.query_one("#alias").visual.plain == "Not set"
        assert not app.screen.query_one("#alias-edit", Button).disabled
        offline = app.screen.query_one("#offline-checkbox", Checkbox)
        assert not offline.disabled and offline.value is False
        assert "Authorize ArcGIS AllSource to work offline" in str(offline.label)
        before = sum(record.path.endswith("/userLicenseType") for record in make_local_app.demo.request_log)
        await pilot.press("r")  # the refresh key reads the license again
        await settle(pilot)
        after = sum(record.path.endswith("/userLicenseType") for record in make_local_app.demo.request_log)
        assert after == before + 1
        assert app.screen.query_one("#status").visual.plain == "Done: License read from the licensing portal."
        assert rows(app, "levels")[2] == ("Advanced", "Yes")


async def test_creator_std_sees_standard_and_one_extension(make_local_app):
    app = await started_as(make_local_app, "creator_std")
    async with app.run_test() as pilot:
        await pilot.press("l")
        await pilot.pause()
        assert rows(app, "levels") == [("Basic", "No"), ("Standard", "Yes"), ("Advanced", "No")]
        assert [name for name, licensed in rows(app, "extensions") if licensed == "Yes"] == ["Geostatistical Analyst"]


async def test_sign_out_asks_first_then_returns_to_the_sign_in_window(make_local_app):
    app = await started_as(make_local_app)
    async with app.run_test() as pilot:
        await pilot.press("s", "o")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert read_state_toml(app)["session"]["username"] == "pro_adv"
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert len(app.screen_stack) == 2  # Settings and the start page are gone: Esc can't lead back
        state = read_state_toml(app)
        assert "session" not in state and state["last_username"] == "pro_adv"


async def test_configure_your_licensing_options_then_the_app_closes(make_local_app):
    app = await started_as(make_local_app)
    async with app.run_test() as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.click("#configure-licensing")  # the mouse still works in Settings
        await pilot.pause()
        assert isinstance(app.screen, LicensingPortalDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("f4", "ctrl+u")
        await type_text(pilot, f"{TUI_SNAPSHOT_URL}/portal")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MessageDialog))
        assert "must close" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code == 0
    state = read_state_toml(app)
    assert state["licensing_portal"] == {"url": f"{TUI_SNAPSHOT_URL}/portal", "kind": "enterprise"}
    assert "session" not in state


async def test_the_licensing_dialog_is_kept_and_starts_over_on_every_f2(make_local_app):
    """F2 shows the same Licensing dialog again (composed once: README › Figures), as if new each time: the current
    portal, no error from what was typed last time, no check left running, nothing saved by the abandoned one."""
    from textual.widgets import Input, RadioButton

    app = await started_as(make_local_app)
    async with app.run_test() as pilot:
        await pilot.press("s", "f2")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, LicensingPortalDialog)
        first_look = screen_text(app)

        def shown() -> tuple:
            return (dialog.query_one("#online", RadioButton).value, dialog.query_one("#url", Input).value,
                    str(dialog.query_one("#status").render()), dialog.query_one("#ok", Button).disabled,
                    dialog.has_class("-offer-save"), app.focused is dialog.query_one("#url"))

        fresh = shown()
        assert fresh == (True, TUI_SNAPSHOT_URL, "", False, False, True)
        await pilot.press("f4", "ctrl+u")
        await type_text(pilot, "http://")  # an error under the field, Enterprise chosen
        assert "Error" in screen_text(app)
        await pilot.press("escape", "f2")
        await pilot.pause()
        assert app.screen is dialog and shown() == fresh and screen_text(app) == first_look

        make_local_app.demo.faults.set("*", hang=True)  # the portal never answers the check
        await pilot.press("f4", "ctrl+u")
        await type_text(pilot, f"{TUI_SNAPSHOT_URL}/portal")
        await pilot.press("enter")
        await pilot.pause()
        assert "Checking" in screen_text(app) and dialog.query_one("#ok", Button).disabled
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        assert not [w for w in app.workers if w.group == "licensing-portal-dialog" and not w.is_finished]
        make_local_app.demo.faults.clear()
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is dialog and shown() == fresh and screen_text(app) == first_look

        make_local_app.demo.faults.set("*", hang=True)
        await pilot.press("f4", "ctrl+u")
        await type_text(pilot, f"{TUI_SNAPSHOT_URL}/portal")
        await pilot.press("enter")
        await pilot.pause()
        assert "Checking" in screen_text(app)
        app.show_sign_in("Signed out elsewhere.")  # the App closes every screen (follow_state does so)
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert not [w for w in app.workers if w.group == "licensing-portal-dialog" and not w.is_finished]
        make_local_app.demo.faults.clear()
    assert read_state_toml(app).get("licensing_portal", {}).get("kind", "online") == "online"
