"""Every dialog at every size (issue 17, item 6): at 60x20 nothing is cut off, at 200x60 nothing stretches, and the
frames read the same with NO_COLOR. Each dialog runs standalone over a tiny host App (tests/test_dialogs_snapshots.py).

Update the snapshots with `pytest tests/test_dialogs_sizes.py --snapshot-update` after checking snapshot_report.html.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.geometry import Region
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from screens.add_portal_dialog import AddPortalDialog
from screens.alias_dialog import AliasDialog
from screens.confirm_dialog import ConfirmDialog
from screens.message_dialog import MessageDialog
from screens.offline_prompt import OfflinePrompt
from screens.portal_dialog import LicensingPortalDialog
from tests.test_dialogs_snapshots import ENTERPRISE, Host, MismatchService, steady

DIALOGS: dict[str, Callable[[], ModalScreen]] = {
    "confirm": lambda: ConfirmDialog("Release license", "Release the ArcGIS AllSource license checked out to this "
                                     "computer? You can check it out again later.", yes_label="Release",
                                     no_label="Keep"),
    "message": lambda: MessageDialog("Licensing portal changed", "ArcGIS AllSource must close for the change to "
                                     "take effect. Start it again and sign in to the new licensing portal."),
    "alias": lambda: AliasDialog("field-laptop-07"),
    "add_portal": lambda: AddPortalDialog(lambda url: url),
    "offline_prompt": lambda: OfflinePrompt("https://gis.example.com/portal"),
    "licensing": lambda: LicensingPortalDialog(MismatchService(), ENTERPRISE),
}
SMALL, LARGE = (60, 20), (200, 60)
MAX_DIALOG_WIDTH = 76


def inside(inner: Region, outer: Region) -> bool:
    return outer.contains_region(inner)


@pytest.mark.parametrize("name", DIALOGS)
async def test_at_60x20_the_frame_buttons_and_text_fit_on_the_screen(name):
    app = Host(DIALOGS[name]())
    async with app.run_test(size=SMALL) as pilot:
        await steady(pilot)
        screen = app.screen
        frame = screen.query_one("#dialog").region
        assert inside(frame, screen.region) and frame.width < SMALL[0], frame  # a margin remains
        for button in (b for b in screen.query(Button) if b.display):
            assert inside(button.region, frame), f"{name}: {button.label} is cut off"
        for text in screen.query("#message").results(Static):
            assert text.region.right <= frame.right - 2, f"{name}: the message runs past the frame"


@pytest.mark.parametrize("name", DIALOGS)
async def test_at_200x60_dialogs_keep_a_readable_width(name):
    app = Host(DIALOGS[name]())
    async with app.run_test(size=LARGE) as pilot:
        await steady(pilot)
        frame = app.screen.query_one("#dialog").region
        assert frame.width <= MAX_DIALOG_WIDTH and frame.height < LARGE[1] // 2, frame


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["60x20", "200x60"])
@pytest.mark.parametrize("name", DIALOGS)
def test_dialog_snapshot(snap_compare, name, size) -> None:
    assert snap_compare(Host(DIALOGS[name]()), terminal_size=size, run_before=steady)


@pytest.mark.parametrize("name", ["confirm", "alias", "offline_prompt", "licensing"])
def test_dialog_snapshot_no_color(snap_compare, monkeypatch, name) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(Host(DIALOGS[name]()), terminal_size=(80, 24), run_before=steady)
