"""App-wide readability rules of tui/ui/app.tcss (issue 17, items 7 and 8): toasts never cover the status line or
the footer, and a disabled control is struck through, which reads without colour.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Button, Checkbox
from textual.widgets._toast import Toast

from screens import StartScreen
from tests.conftest import DEMO_PASSWORD, settle
from tui.ui.app import LicenseApp


async def test_a_toast_does_not_cover_the_status_line_or_the_footer_at_80_columns(make_local_app):
    service = make_local_app(app=False)
    await service.sign_in("pro_adv", DEMO_PASSWORD)
    await service.aclose()
    app = make_local_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        app.notify("Could not reach 127.0.0.1:8443: connection refused. Check the URL and your network or proxy.",
                   severity="error", timeout=10, markup=False)
        await settle(pilot)
        toasts = list(app.screen.query(Toast))
        assert toasts, "the toast should show"
        status = app.screen.query_one("#status").region
        footer_row = app.size.height - 1
        for toast in toasts:
            assert not toast.region.overlaps(status), (toast.region, status)
            assert toast.region.bottom <= footer_row
            assert not toast.region.overlaps(app.screen.query_one("#summary").region)  # nor the license summary


async def test_a_report_shown_on_the_status_line_is_not_repeated_as_a_toast(make_local_app):
    service = make_local_app(app=False)
    await service.sign_in("pro_adv", DEMO_PASSWORD)
    await service.aclose()
    app = make_local_app(check_license_at_start=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.report("Could not reach 127.0.0.1:8443: connection refused.", "error")
        await settle(pilot)
        assert app.screen.query_one("#status").visual.plain.startswith("Error: Could not reach")
        assert not list(app.screen.query(Toast)) and not list(app._notifications)


class Controls(App[None]):
    CSS_PATH = Path(inspect.getfile(LicenseApp)).parent / "app.tcss"  # the app's own stylesheet

    def compose(self) -> ComposeResult:
        yield Button("Edit [e]", id="off", disabled=True)
        yield Button("Edit [e]", id="on")
        yield Checkbox("Authorize ArcGIS AllSource to work offline", id="box", disabled=True)


@pytest.mark.parametrize("no_color", [False, True])
async def test_disabled_controls_are_struck_through(monkeypatch, no_color):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = Controls()
    async with app.run_test() as pilot:
        await pilot.pause()

        def struck(widget) -> bool:
            return any(segment.style and segment.style.strike and segment.text.strip()
                       for y in range(widget.size.height) for segment in widget.render_line(y))

        assert struck(app.query_one("#off", Button)) and struck(app.query_one("#box", Checkbox))
        assert not struck(app.query_one("#on", Button))
