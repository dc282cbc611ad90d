"""The sign-in window, driven by keys only against the demo portal (over HTTPS where the network is the point)."""

from __future__ import annotations

import socket

import pytest
from textual.widgets import Button, Checkbox, Input

from screens import HelpScreen, LicensingPortalDialog, SignInScreen, StartScreen
from tests.conftest import DEMO_PASSWORD, read_state_toml, screen_text, settle, sign_in_with_keys, type_text


def error_text(app) -> str:
    return " ".join(app.screen.query_one(f"#{name}").visual.plain for name in ("error", "try-next"))


async def type_fields(pilot, username: str, password: str) -> None:
    await type_text(pilot, username)
    await pilot.press("tab")
    await type_text(pilot, password)


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"https://127.0.0.1:{port}"


@pytest.mark.e2e
async def test_first_start_shows_the_form_then_pro_adv_signs_in_and_the_session_is_stored_without_the_password(
        make_app, demo_portal):
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert app.focused.id == "username"
        text = screen_text(app)
        assert f"Licensing portal: {demo_portal.url} (ArcGIS Online)" in text
        assert "[X] Sign in automatically" in text
        assert "Configure your licensing options" in text
        assert app.screen.query_one("#auto", Checkbox).value is True
        await pilot.press("tab")
        assert app.focused.id == "password"
        assert app.screen.query_one("#password", Input).password is True
        await sign_in_with_keys(pilot, "pro_adv")  # from the Password field: back to Username, then as a user types
        assert isinstance(app.screen, StartScreen)
        assert "Avery Pro (pro_adv)" in screen_text(app)
        state = read_state_toml(app)
        assert state["session"]["username"] == "pro_adv"
        assert state["session"]["auto_sign_in"] is True
        assert state["license"]["level"] == "Advanced"
        assert DEMO_PASSWORD not in app.service.store.path.read_text()


async def test_creator_std_gets_standard_with_one_extension(make_local_app):
    app = make_local_app()
    async with app.run_test() as pilot:
        await sign_in_with_keys(pilot, "creator_std")
        text = screen_text(app)
        assert "License: ArcGIS AllSource Standard" in text
        assert "Extensions: 1 extension licensed (Geostatistical Analyst)" in text
        assert read_state_toml(app)["license"]["level"] == "Standard"


async def test_wrong_password_clears_and_focuses_the_password_and_keeps_the_username(make_local_app):
    app = make_local_app()
    async with app.run_test() as pilot:
        await sign_in_with_keys(pilot, "pro_adv", "not-the-password")
        assert "Error: Invalid username or password." in error_text(app)
        assert app.screen.query_one("#username", Input).value == "pro_adv"
        assert app.screen.query_one("#password", Input).value == ""
        assert app.focused.id == "password"
        assert "session" not in read_state_toml(app)
        await type_text(pilot, DEMO_PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)


async def test_a_fourth_computer_is_refused_until_one_signs_out(make_local_app):
    others = [make_local_app(f"machine-{n}", app=False) for n in (1, 2, 3)]
    for service in others:
        await service.sign_in("pro_adv", DEMO_PASSWORD)
    app = make_local_app("machine-4")
    async with app.run_test() as pilot:
        await sign_in_with_keys(pilot, "pro_adv")
        assert "Error: You are already signed in to ArcGIS AllSource on 3 computers" in error_text(app)
        assert "Try: sign out on another computer" in error_text(app)
        assert app.focused.id == "password"
        await others[0].sign_out()
        await type_text(pilot, DEMO_PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        assert read_state_toml(app)["session"]["username"] == "pro_adv"


@pytest.mark.e2e
async def test_an_unreachable_portal_is_explained_and_can_be_retried(make_app):
    url = closed_port_url()
    app = make_app(portal_url=url, max_retries=0)
    async with app.run_test() as pilot:
        await sign_in_with_keys(pilot, "pro_adv")
        text = error_text(app)
        assert f"Error: Could not reach {url.removeprefix('https://')}: " in text
        assert "Try: type the password again and press Enter, or F2 to choose another licensing portal." in text
        assert app.screen.query_one("#username", Input).value == "pro_adv"
        assert app.focused.id == "password"
        assert read_state_toml(app) == {}


@pytest.mark.e2e
async def test_an_untrusted_certificate_names_the_fix(make_app):
    app = make_app(trust_demo_ca=False, max_retries=0)
    async with app.run_test() as pilot:
        await sign_in_with_keys(pilot, "pro_adv")
        text = error_text(app)
        assert "is not trusted" in text and "ca_bundle" in text
        assert "session" not in read_state_toml(app)


async def test_empty_fields_are_named_and_focused_without_calling_the_portal(make_local_app):
    app = make_local_app()
    async with app.run_test() as pilot:
        calls = len(make_local_app.demo.request_log)
        await pilot.press("enter")
        assert "Error: Type your username to sign in." in error_text(app)
        assert app.focused.id == "username"
        await type_text(pilot, "pro_adv")
        await pilot.press("enter")
        assert "Error: Type your password to sign in." in error_text(app)
        assert app.focused.id == "password"
        assert len(make_local_app.demo.request_log) == calls


async def test_enter_on_the_checkbox_signs_in_and_space_toggles_it(make_local_app):
    app = make_local_app()
    async with app.run_test() as pilot:
        await type_fields(pilot, "pro_adv", DEMO_PASSWORD)
        await pilot.press("tab")
        assert app.focused.id == "auto"
        await pilot.press("space")
        assert app.screen.query_one("#auto", Checkbox).value is False
        assert "[ ] Sign in automatically" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        assert read_state_toml(app)["session"]["auto_sign_in"] is False


@pytest.mark.e2e
async def test_keys_answer_while_the_portal_is_slow(make_app, demo_portal):
    demo_portal.faults.set("generateToken", latency=3.0)  # pending through Enter and F1 (~1.3 s here)
    app = make_app()
    async with app.run_test() as pilot:
        await type_fields(pilot, "pro_adv", DEMO_PASSWORD)
        await pilot.press("enter")
        assert f"Signing in to {demo_portal.url} as pro_adv…" in screen_text(app)
        assert app.screen.query_one("#sign-in", Button).disabled
        await pilot.press("f1")  # the UI answers while the request waits
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert app.screen_stack[-2].signing_in  # still waiting for the portal underneath
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)


@pytest.mark.e2e
async def test_escape_cancels_a_pending_sign_in(make_app, demo_portal):
    demo_portal.faults.set("generateToken", latency=2.0)
    app = make_app()
    async with app.run_test() as pilot:
        await type_fields(pilot, "pro_adv", DEMO_PASSWORD)
        await pilot.press("enter")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert "Sign-in cancelled" in error_text(app)
        assert not app.screen.query_one("#sign-in", Button).disabled
        assert "session" not in read_state_toml(app)


async def test_the_mouse_still_works(make_local_app):
    app = make_local_app()
    async with app.run_test() as pilot:
        await type_fields(pilot, "pro_adv", DEMO_PASSWORD)
        await pilot.click("#sign-in")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)


async def test_configure_your_licensing_options_from_the_sign_in_window(make_local_app):
    app = make_local_app()
    async with app.run_test() as pilot:
        await pilot.press("tab", "tab", "tab", "tab")
        assert app.focused.id == "configure"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LicensingPortalDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, LicensingPortalDialog)


@pytest.mark.e2e
async def test_a_second_enter_replaces_the_pending_attempt_and_signs_in_once(make_app, demo_portal):
    demo_portal.faults.set("generateToken", latency=1.0)
    app = make_app()
    async with app.run_test() as pilot:
        await type_fields(pilot, "pro_adv", DEMO_PASSWORD)
        await pilot.press("enter")
        first = app.screen.attempt
        await pilot.press("enter")
        assert first.is_cancelled and app.screen.signing_in
        assert "Signing in to" in screen_text(app)  # the newer attempt keeps its progress line
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        assert read_state_toml(app)["session"]["username"] == "pro_adv"


async def _signed_out_once(make_local_app) -> None:
    service = make_local_app(app=False)
    async with service:
        await service.sign_in("pro_adv", DEMO_PASSWORD)
        await service.sign_out()


async def test_a_known_username_opens_the_window_in_the_password_field(make_local_app):
    """Issue 11: a password typed at once must never land, visible, in a filled-in Username field."""
    await _signed_out_once(make_local_app)
    app = make_local_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert app.screen.query_one("#username", Input).value == "pro_adv"
        assert app.focused.id == "password" and app.focused.password is True
        await type_text(pilot, "typed-at-once")
        assert "typed-at-once" not in screen_text(app)
        assert app.screen.query_one("#username", Input).value == "pro_adv"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)  # wrong password: still here, and still not shown
        assert "typed-at-once" not in screen_text(app)


async def test_signing_out_in_the_app_returns_with_focus_in_the_password_field(make_local_app):
    app = make_local_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await sign_in_with_keys(pilot, "pro_adv")
        await pilot.press("s", "o")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert app.focused.id == "password"
        await type_text(pilot, DEMO_PASSWORD)  # (the demo hint shows the demo password, so compare the fields)
        assert app.screen.query_one("#username", Input).value == "pro_adv"
        assert app.screen.query_one("#password", Input).value == DEMO_PASSWORD
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
