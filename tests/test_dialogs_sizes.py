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


def misfits(screen, name: str, size: tuple[int, int]) -> list[str]:
    """At 60x20: the frame, its buttons and its text fit on the screen. At 200x60: the frame keeps a readable width."""
    frame = screen.query_one("#dialog").region
    if size == LARGE:
        return [] if frame.width <= MAX_DIALOG_WIDTH and frame.height < LARGE[1] // 2 else [f"{name}: {frame}"]
    found = [] if inside(frame, screen.region) and frame.width < SMALL[0] else [f"{name}: {frame}"]  # a margin remains
    found += [f"{name}: {button.label} is cut off" for button in screen.query(Button)
              if button.display and not inside(button.region, frame)]
    found += [f"{name}: the message runs past the frame" for text in screen.query("#message").results(Static)
              if text.region.right > frame.right - 2]
    return found


# The geometry is checked in the snapshot's own run (one app start per dialog and size), on the steady screen.
@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["60x20", "200x60"])
@pytest.mark.parametrize("name", DIALOGS)
def test_dialog_snapshot(snap_compare, name, size) -> None:
    measured: list[list[str]] = []

    async def steady_then_measure(pilot) -> None:
        await steady(pilot)
        measured.append(misfits(pilot.app.screen, name, size))

    matches = snap_compare(Host(DIALOGS[name]()), terminal_size=size, run_before=steady_then_measure)
    assert measured == [[]] and matches  # measured once, nothing out of place


@pytest.mark.parametrize("name", ["confirm", "alias", "offline_prompt", "licensing"])
def test_dialog_snapshot_no_color(snap_compare, monkeypatch, name) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(Host(DIALOGS[name]()), terminal_size=(80, 24), run_before=steady)
