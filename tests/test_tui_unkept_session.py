""""Sign in automatically" unticked: the session lives for the app's lifetime only and is revoked at exit (issue 16)."""

from __future__ import annotations

import time

from screens import StartScreen
from tests.conftest import DEMO_PASSWORD, read_state_toml, settle
from tests.test_tui_sign_in import type_fields


def live_tokens(portal, username: str = "pro_adv") -> int:
    return sum(1 for record in portal.store.snapshot()["tokens"].values()
               if record["username"] == username and record["expires"] > time.time())


async def test_an_unticked_sign_in_is_revoked_and_forgotten_when_the_app_exits(make_local_app):
    app = make_local_app()
    portal = make_local_app.demo
    async with app.run_test() as pilot:
        await type_fields(pilot, "pro_adv", DEMO_PASSWORD)
        await pilot.press("tab", "space", "enter")  # untick "Sign in automatically", then sign in
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        assert live_tokens(portal) == 1
    # the app has exited (unmounted)
    assert "session" not in read_state_toml(app), "nothing is kept for the next start"
    assert live_tokens(portal) == 0, "the app's session was revoked at exit"


async def test_an_automatic_sign_in_is_kept_at_exit(make_local_app):
    app = make_local_app()
    portal = make_local_app.demo
    async with app.run_test() as pilot:
        await type_fields(pilot, "pro_adv", DEMO_PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
    assert read_state_toml(app)["session"]["auto_sign_in"] is True
    assert live_tokens(portal) == 1
