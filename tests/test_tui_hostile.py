"""The TUI shows hostile portal text escaped (issue 11 item 1), and shows every config warning (item 3).

The property test drives the real LicenseApp with Pilot against the demo portal served in-process, with every
displayed portal field (full name, user type, workstation alias, error message and details) replaced by a generated
string full of terminal controls, and inspects what the user would see: the rendered screen and the exported SVG.
"""

from __future__ import annotations

import asyncio
import io
import itertools
from pathlib import Path

import pytest
from hypothesis import Phase, given, settings
from rich.console import Console

from screens import SettingsScreen, SignInScreen, StartScreen
from tests.conftest import (
    DEMO_PASSWORD,
    TUI_SNAPSHOT_URL,
    screen_text,
    settle,
    sign_in_with_keys,
    tui_settings,
    type_text,
)
from tests.hostile_support import HostilePortal, hostile_strings, unsafe_in
from tui.core.config import load_settings
from tui.core.machine import MachineIdentity
from tui.core.settings import NetworkSettings, PortalSettings, Settings
from tui.core.text import LINE_BREAKS, is_unsafe, visible
from tui.ui.app import LicenseApp

TUI_FIELDS = ("sign-in error message", "sign-in error details", "identity line (full name)", "user type",
              "Settings › Licensing", "Settings › About")
RUNS = {"strings": 0}
EXAMPLE_NUMBERS = itertools.count()


def hostile_app(tmp_path: Path, text: str):
    from tui.demo_portal import create_app
    from tui.service.licensing import LicensingService
    from tui.state.store import StateStore
    from tui.ui.app import LicenseApp

    run = next(EXAMPLE_NUMBERS)
    portal = HostilePortal(create_app(tmp_path / f"portal-{run}"), text)
    app_settings = tui_settings(Settings(portal=PortalSettings(licensing_portal_url=TUI_SNAPSHOT_URL),
                                         network=NetworkSettings(max_retries=0)))
    machine = MachineIdentity(machine_id="machine-a", os_user="tester", hostname="host-a")
    service = LicensingService(app_settings, StateStore(tmp_path / f"state-{run}"), machine, transport=portal)
    return LicenseApp(service), portal


def what_the_user_sees(app) -> str:
    """The screen as text and as the SVG of a screenshot, from one rendering of it (as App.export_screenshot makes
    it: a true-colour recording console)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, color_system="truecolor",
                      record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(clear=False) + console.export_svg(title=app.title)


async def hostile_session(tmp_path: Path, text: str) -> list[str]:
    app, portal = hostile_app(tmp_path, text)
    seen: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        portal.mode = "error"
        await sign_in_with_keys(pilot, "pro_adv")
        assert isinstance(app.screen, SignInScreen)
        seen.append(what_the_user_sees(app))
        portal.mode = ""
        await type_text(pilot, DEMO_PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        seen.append(what_the_user_sees(app))
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        seen.append(what_the_user_sees(app))
        await pilot.press("3")
        await pilot.pause()
        seen.append(what_the_user_sees(app))
    return seen


# 12 generated strings in all, as 3 tests of 4: an example takes seconds, and one test of 12 was the longest test of
# the suite, which pytest -n auto can't share between its workers.
PARTS, EXAMPLES_PER_PART = 3, 4


@pytest.mark.parametrize("part", range(PARTS))
def test_the_tui_shows_hostile_portal_text_escaped(part: int, tmp_path: Path) -> None:
    @settings(max_examples=EXAMPLES_PER_PART, deadline=None,
              phases=[Phase.explicit, Phase.reuse, Phase.generate])  # no shrinking; each part draws its own strings
    @given(text=hostile_strings)
    def check(text: str) -> None:
        seen = asyncio.run(hostile_session(tmp_path, text))
        for screen in seen:
            assert unsafe_in(screen) == [], (text, screen[:2000])
        # escaped, not dropped: the user sees that something odd was sent (one-character stand-ins survive wrapping)
        markers = {visible(char) for char in text if is_unsafe(char) and char not in LINE_BREAKS} - {""}
        markers = {marker for marker in markers if len(marker) == 1}
        assert not markers or any(marker in seen[0] for marker in markers), (text, markers)
        RUNS["strings"] += 1

    check()


def test_zz_tui_figure() -> None:
    if RUNS["strings"]:
        print(f"\nHOSTILE-TEXT TUI: {RUNS['strings']} strings x {len(TUI_FIELDS)} fields = "
              f"{RUNS['strings'] * len(TUI_FIELDS)} field renderings (Pilot, rendered screen + exported SVG), "
              "0 control bytes out")


@pytest.fixture
def insecure_config(tmp_path: Path) -> Settings:
    path = tmp_path / "config.toml"
    path.write_text('[network]\nverify_tls = false\n[ui]\ncolour = "blue"\n')
    return load_settings(path)


async def test_config_warnings_are_a_notice_at_start_and_listed_in_about(make_local_app, insecure_config):
    assert len(insecure_config.warnings) == 2
    service = make_local_app(app=False)
    await service.sign_in("pro_adv", DEMO_PASSWORD)
    await service.aclose()
    service = make_local_app(app=False)
    service.settings = service.settings._replace(network=insecure_config.network, warnings=insecure_config.warnings)
    app = LicenseApp(service, check_license_at_start=False)  # the App reads its first Status when it is made
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        toasts = [str(n.message) for n in app._notifications]
        assert all(any(warning == toast for toast in toasts) for warning in insecure_config.warnings), toasts
        assert "TLS checks OFF (verify_tls = false)" in app.screen.query_one("#identity").visual.plain
        await pilot.press("s", "3")
        await pilot.pause()
        about = " ".join(app.screen.query_one(f"#config-warning-{i}").visual.plain for i in range(2))
        assert "verify_tls = false turns TLS certificate checks off" in about and "colour" in about


async def test_no_warning_and_no_mark_with_a_clean_config(make_local_app):
    service = make_local_app(app=False)
    await service.sign_in("pro_adv", DEMO_PASSWORD)
    await service.aclose()
    app = make_local_app(check_license_at_start=False)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert "TLS checks OFF" not in screen_text(app) and not list(app._notifications)
