"""One walk through every state with NO_COLOR=1: each must say what it means in words or symbols, not in colour."""

from __future__ import annotations

from textual.filter import Monochrome, NoColor

from screens import ConfirmDialog, SettingsScreen, SignInScreen, StartScreen
from tests.conftest import DEMO_PASSWORD, screen_text, settle, sign_in_with_keys, type_text


async def test_every_state_reads_as_text_without_colour(make_local_app, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    others = [make_local_app(f"machine-{n}", app=False) for n in (1, 2, 3)]
    app = make_local_app()
    seen: dict[str, str] = {}
    async with app.run_test() as pilot:
        assert app.no_color and any(isinstance(f, Monochrome | NoColor) for f in app._filters)
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        seen["sign-in window"] = screen_text(app)
        await pilot.press("tab", "tab", "space")
        seen["unticked"] = screen_text(app)
        await pilot.press("space", "shift+tab", "shift+tab")
        await sign_in_with_keys(pilot, "pro_adv", "wrong-password")
        seen["invalid password"] = screen_text(app)
        for service in others:
            await service.sign_in("pro_adv", DEMO_PASSWORD)
        await type_text(pilot, DEMO_PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        seen["too many computers"] = screen_text(app)
        await others[0].sign_out()
        await type_text(pilot, DEMO_PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        seen["start page"] = screen_text(app)
        await pilot.press("l")
        seen["licensing tab"] = screen_text(app)
        await pilot.press("2")
        seen["portals tab"] = screen_text(app)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        seen["sign out?"] = screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)

    expected = {
        "sign-in window": ["ArcGIS Sign In", "Username", "Password", "[X] Sign in automatically", "Sign In [Enter]",
                           "Configure your licensing options [F2]"],
        "unticked": ["[ ] Sign in automatically"],
        "invalid password": ["Error: Invalid username or password.", "Try: "],
        "too many computers": ["Error: You are already signed in", "Try: sign out on another computer"],
        "start page": ["Avery Pro (pro_adv)", "License: ArcGIS AllSource Advanced", "Offline: not authorized",
                       "🔑 Licensing portal"],
        "licensing tab": ["Basic     No", "Advanced  Yes", "3D Analyst", "Yes", "🔑 https://127.0.0.1:8443"],
        "portals tab": ["✓ active · 🔑 licensing portal · signed in"],
        "sign out?": ["Sign out [y]", "Stay signed in [n]"],
    }
    for state, phrases in expected.items():
        for phrase in phrases:
            assert phrase in seen[state], (state, phrase)
