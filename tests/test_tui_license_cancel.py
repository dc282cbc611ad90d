"""Esc cancels a license read the portal hangs on (issue 16 finding 10): the worker stops, nothing is saved, and the
Licensing tab leaves its loading state; the next Esc goes back to the start page."""

from __future__ import annotations

from screens import SettingsScreen, StartScreen
from screens.licensing_pane import LicensingPane
from tests.conftest import read_state_toml, settle, wait_until
from tests.test_tui_settings import started_as


async def test_esc_cancels_a_hanging_license_read_and_leaves_the_state_as_it_was(make_local_app):
    app = await started_as(make_local_app)
    portal = make_local_app.demo
    async with app.run_test() as pilot:
        await pilot.press("l")
        await settle(pilot)
        before = read_state_toml(app)
        portal.faults.set("userLicenseType", hang=True)
        await pilot.press("r")
        await wait_until(pilot, lambda: any(r.path.endswith("/userLicenseType") for r in portal.request_log[-5:]))
        assert app.screen.query_one(LicensingPane).loading
        await pilot.press("escape")
        await wait_until(pilot, lambda: not app.screen.query_one(LicensingPane).loading)
        assert isinstance(app.screen, SettingsScreen), "the first Esc stops the read and stays"
        assert app.screen.query_one("#status").visual.plain.startswith("Reading the license was cancelled")
        assert not [w for w in app.workers if w.group == "license" and w.is_running]
        portal.faults.clear()
        assert read_state_toml(app) == before, "a cancelled read saves nothing"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
