"""Esc cancels a license read the portal hangs on (issue 16 finding 10): the worker stops, nothing is saved, and the
Licensing tab leaves its loading state; the next Esc goes back to the start page."""

from __future__ import annotations

import pytest

from screens import SettingsScreen, StartScreen
from screens.licensing_pane import LicensingPane
from tests.conftest import DEMO_PASSWORD, read_state_toml, settle, wait_until
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


@pytest.mark.parametrize("closed_by", ["ctrl+q", "the app shutting down"])
async def test_closing_while_the_portal_hangs_on_the_license_read_exits_cleanly(demo_portal, make_app, closed_by):
    """The app closes (ctrl+q, or shut down as Pilot does) while the start-up license read hangs on a real HTTPS
    connection: the read is cancelled with the app, whose screens may already be gone when the cancelled workflow
    says how it ended, and the app ends with no error."""
    app = make_app()
    await app.service.sign_in("pro_adv", DEMO_PASSWORD)
    demo_portal.faults.set("*/userLicenseType", hang=True)
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: any(w.group == "license" and w.is_running for w in app.workers))
        await pilot.press("s", "escape")
        await pilot.pause()
        if closed_by == "ctrl+q":
            await pilot.press("ctrl+q")
            await pilot.pause()
    assert app.return_code in (0, None) and app._exception is None  # None: Pilot shut it down without an exit code
