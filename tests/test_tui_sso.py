"""Sign in with your organization (SSO) from the sign-in window, keys only, against the demo portal over HTTPS.

The test plays the user's browser on another device (tests/sso_browser.py) with the link the dialog shows.
"""

from __future__ import annotations

import webbrowser

import pytest
from textual.widgets import Input

from screens import SignInScreen, SsoDialog, StartScreen
from tests.conftest import DEMO_PASSWORD, read_state_toml, screen_text, settle, type_text
from tests.sso_browser import approve_in_browser

pytestmark = pytest.mark.e2e


async def open_sso_dialog(pilot) -> SsoDialog:
    await pilot.press("f3")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, SsoDialog)
    return dialog


async def paste_and_submit(pilot, pasted: str) -> None:
    await type_text(pilot, pasted)
    await pilot.press("enter")
    await settle(pilot)


async def test_f3_shows_the_link_and_a_pasted_code_signs_in(make_app, demo_portal):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert "Sign in with your organization (SSO) [F3]" in screen_text(app)
        dialog = await open_sso_dialog(pilot)
        url = dialog.link_text
        assert url == dialog.request.authorize_url
        assert "oauth2/authorize" in url and "code_challenge" in url
        assert dialog.request.pkce.verifier.reveal() not in url
        assert app.focused is dialog.code_input
        code, _state = await approve_in_browser(url, demo_portal.ca_path, "pro_adv", DEMO_PASSWORD)
        await paste_and_submit(pilot, f"SUCCESS code={code}")
        assert isinstance(app.screen, StartScreen)
        assert "Avery Pro (pro_adv)" in screen_text(app)
        session = read_state_toml(app)["session"]
        assert session["method"] == "oauth" and session["username"] == "pro_adv"
        assert session["auto_sign_in"] is True
        assert code not in app.service.store.path.read_text()


async def test_f5_copies_the_link_wrong_codes_are_refused_inline_and_esc_cancels_back_to_the_sign_in_window(
        make_app, demo_portal, monkeypatch):
    """One dialog, one way after another: F5 copies the link, an empty field, a wrong code and a code of another
    attempt are each refused inline (the dialog stays), then Esc cancels."""
    app = make_app()
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        dialog = await open_sso_dialog(pilot)
        await pilot.press("f5")
        await pilot.pause()
        assert copied == [dialog.request.authorize_url]
        assert "Copied (if your terminal allows OSC 52)" in dialog.query_one("#copied").visual.plain
        assert "Shift+drag" in dialog.query_one("#copied").visual.plain

        await pilot.press("enter")
        assert "Paste the code" in dialog.query_one("#error").visual.plain
        await paste_and_submit(pilot, "not-a-real-code")
        assert app.screen is dialog
        error = dialog.query_one("#error").visual.plain
        assert error.startswith("Error: ") and "did not accept that code" in error
        assert dialog.code_input.value == "" and app.focused is dialog.code_input
        assert not dialog.query_one("#progress").display
        assert "session" not in read_state_toml(app)

        other = app.service.begin_sso()
        code, state = await approve_in_browser(other.authorize_url, demo_portal.ca_path, "pro_adv", DEMO_PASSWORD)
        await paste_and_submit(pilot, f"?code={code}&state={state}")
        assert app.screen is dialog
        assert "another sign-in attempt" in dialog.query_one("#error").visual.plain

        await type_text(pilot, "half-pasted")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert app.focused is not None and app.focused.id == "username"
        assert "session" not in read_state_toml(app)


async def test_no_browser_is_ever_opened_and_auto_sign_in_off_is_kept(make_app, demo_portal, monkeypatch):
    """TP-HEADLESS: over SSH there is no browser; the flow shows the link and never calls webbrowser."""
    opened: list[str] = []

    def refuse(url: str, *args, **kwargs) -> bool:
        opened.append(url)
        raise AssertionError("the TUI must never open a browser")

    for name in ("open", "open_new", "open_new_tab"):
        monkeypatch.setattr(webbrowser, name, refuse)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("tab", "tab", "space")  # Username → Password → "Sign in automatically": off
        dialog = await open_sso_dialog(pilot)
        assert dialog.auto is False
        code, _ = await approve_in_browser(dialog.link_text, demo_portal.ca_path, "pro_adv", DEMO_PASSWORD)
        dialog.query_one("#code", Input).value = code
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        session = read_state_toml(app)["session"]
        assert session["method"] == "oauth" and session["auto_sign_in"] is False
    assert opened == []


def test_sso_dialog_snapshot(snap_compare, make_local_app):
    """80x24 picture of the dialog. The link carries a random PKCE challenge and state, so the request the dialog
    gets shows a fixed link of the same shape instead (the other tests check the real one)."""
    from dataclasses import replace

    fixed = ("https://127.0.0.1:8443/sharing/rest/oauth2/authorize?client_id=allsource-tui&response_type=code"
             "&redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob&code_challenge=" + "C" * 43
             + "&code_challenge_method=S256&state=" + "S" * 32 + "&expiration=20160")
    app = make_local_app()
    begin_sso = app.service.begin_sso
    app.service.begin_sso = lambda: replace(begin_sso(), authorize_url=fixed)

    async def run_before(pilot) -> None:
        await open_sso_dialog(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_the_link_is_unboxed_so_a_terminal_selection_copies_exactly_the_link(make_local_app, size):
    app = make_local_app()
    async with app.run_test(size=size) as pilot:
        dialog = await open_sso_dialog(pilot)
        await pilot.pause()
        url = dialog.link_text
        rows = screen_text(app).splitlines()
        first = next(index for index, row in enumerate(rows) if row.startswith(url[:20]))
        selected = ""
        for row in rows[first:]:  # what Shift+drag from the link's first to its last character selects
            selected += row.rstrip()
            if len(selected) >= len(url):
                break
        assert selected == url  # no │ and no padding between the pieces


async def test_a_refused_code_does_not_advise_pressing_enter_on_the_cleared_field(make_local_app):
    app = make_local_app()
    async with app.run_test() as pilot:
        await open_sso_dialog(pilot)
        await paste_and_submit(pilot, "not-a-code")
        advice = app.screen.query_one("#try-next").visual.plain
        assert advice.startswith("Try:") and "press Enter" not in advice
        assert app.screen.query_one("#code", Input).value == ""


async def test_a_busy_portal_during_the_code_exchange_is_not_blamed_on_the_url(make_local_app):
    app = make_local_app()
    make_local_app.demo.faults.set("*oauth2/token", status=503)
    async with app.run_test() as pilot:
        await open_sso_dialog(pilot)
        await paste_and_submit(pilot, "some-code")
        shown = app.screen.query_one("#error").visual.plain + " " + app.screen.query_one("#try-next").visual.plain
        assert "URL" not in shown and "busy or down" in shown, shown
