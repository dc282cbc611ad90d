"""80x24 snapshots of the sign-in window, its error states, the start page and the Licensing tab.

The demo portal is served in-process at https://127.0.0.1:8443 (its `demo-portal` default), so no random port
appears; the theme is fixed and the cursor does not blink. Unreachable and untrusted-certificate states come from a
transport that fails as httpx does on the network. Update with `pytest tests/test_tui_snapshots.py
--snapshot-update` after checking snapshot_report.html.
"""

from __future__ import annotations

import pytest

from screens import SignInScreen
from tests.conftest import DEMO_PASSWORD, read_state_toml, settle, sign_in_with_keys, type_text

SIZE = (80, 24)


def signing_in(username: str, password: str = DEMO_PASSWORD):
    async def run_before(pilot) -> None:
        await sign_in_with_keys(pilot, username, password)

    return run_before


def test_sign_in_window(snap_compare, make_local_app):
    assert snap_compare(make_local_app(), terminal_size=SIZE)


NO_LICENSE, DISABLED = "Error: You have no ArcGIS AllSource license", "Error: Your ArcGIS account is disabled"


@pytest.mark.parametrize(("username", "password", "options", "refusal"), [
    pytest.param("pro_adv", "not-the-password", {}, "", id="invalid_password"),
    pytest.param("creator_none", DEMO_PASSWORD, {}, NO_LICENSE, id="no_license"),
    pytest.param("pro_adv", DEMO_PASSWORD, {"disabled": True}, DISABLED, id="disabled_account"),
    pytest.param("pro_adv", DEMO_PASSWORD, {"failure": "refused"}, "", id="unreachable_portal"),
    pytest.param("pro_adv", DEMO_PASSWORD, {"failure": "tls"}, "", id="untrusted_certificate"),
])
def test_sign_in_error(snap_compare, make_local_app, username, password, options, refusal):
    """The picture; for a refusal of the account (no license, disabled) also its sentence with what to do next, and
    nothing stored."""
    app, seen = make_local_app(**options), []

    async def run_before(pilot) -> None:
        await sign_in_with_keys(pilot, username, password)
        errors = " ".join(app.screen.query_one(f"#{name}").visual.plain for name in ("error", "try-next"))
        seen.append((isinstance(app.screen, SignInScreen), refusal in errors, "Try: " in errors,
                     "session" in read_state_toml(app)))

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)
    assert not refusal or seen == [(True, True, True, False)]


def test_sign_in_error_too_many_computers(snap_compare, make_local_app):
    others = [make_local_app(f"machine-{n}", app=False) for n in (1, 2, 3)]

    async def run_before(pilot) -> None:
        for service in others:
            await service.sign_in("pro_adv", DEMO_PASSWORD)
        await sign_in_with_keys(pilot, "pro_adv")

    assert snap_compare(make_local_app("machine-4"), run_before=run_before, terminal_size=SIZE)


def test_start_page(snap_compare, make_local_app):
    assert snap_compare(make_local_app(), run_before=signing_in("pro_adv"), terminal_size=SIZE)


def test_licensing_tab(snap_compare, make_local_app):
    async def run_before(pilot) -> None:
        await sign_in_with_keys(pilot, "pro_adv")
        await pilot.press("l")
        await settle(pilot)

    assert snap_compare(make_local_app(), run_before=run_before, terminal_size=SIZE)


def test_licensing_tab_creator_std(snap_compare, make_local_app):
    async def run_before(pilot) -> None:
        await type_text(pilot, "creator_std")
        await pilot.press("tab")
        await type_text(pilot, DEMO_PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("s", "down", "up")

    assert snap_compare(make_local_app(), run_before=run_before, terminal_size=SIZE)


# --- 60x20 and NO_COLOR (issue 17): the three screens of the help page's first steps --------------------------------
VARIANTS = [pytest.param((60, 20), False, id="60x20"), pytest.param(SIZE, True, id="no_color")]


def variant_app(make_local_app, monkeypatch, no_color: bool):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")  # read when the App is made
    return make_local_app()


@pytest.mark.parametrize(("size", "no_color"), VARIANTS)
def test_sign_in_window_variants(snap_compare, make_local_app, monkeypatch, size, no_color):
    assert snap_compare(variant_app(make_local_app, monkeypatch, no_color), terminal_size=size)


@pytest.mark.parametrize(("size", "no_color"), VARIANTS)
def test_start_page_variants(snap_compare, make_local_app, monkeypatch, size, no_color):
    assert snap_compare(variant_app(make_local_app, monkeypatch, no_color), run_before=signing_in("pro_adv"),
                        terminal_size=size)


@pytest.mark.parametrize(("size", "no_color"), VARIANTS)
def test_licensing_tab_variants(snap_compare, make_local_app, monkeypatch, size, no_color):
    async def run_before(pilot) -> None:
        await sign_in_with_keys(pilot, "pro_adv")
        await pilot.press("l")
        await settle(pilot)

    assert snap_compare(variant_app(make_local_app, monkeypatch, no_color), run_before=run_before, terminal_size=size)
