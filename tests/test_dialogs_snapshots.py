"""Snapshots of the four dialogs at 80x24 (pytest-textual-snapshot), in fixed, deterministic states.

Update with `pytest tests/test_dialogs_snapshots.py --snapshot-update` after checking snapshot_report.html.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from screens.alias_dialog import AliasDialog
from screens.confirm_dialog import ConfirmDialog
from screens.message_dialog import MessageDialog
from screens.portal_dialog import LicensingPortalDialog
from tui.core.errors import UsageError
from tui.core.models import LicensingPortal

SIZE = (80, 24)
ONLINE = LicensingPortal(url="https://www.arcgis.com", kind="online")
ENTERPRISE = LicensingPortal(url="https://gis.example.com/portal", kind="enterprise")


class Host(App[None]):
    """A plain screen behind the dialog, a fixed theme, and no blinking cursor."""

    def __init__(self, dialog: ModalScreen) -> None:
        super().__init__()
        self.dialog = dialog

    def compose(self) -> ComposeResult:
        yield Static("The screen behind the dialog.")

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.push_screen(self.dialog)


async def steady(pilot) -> None:
    await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


class MismatchService:
    async def set_licensing_portal(self, kind, url, *, save_if_unreachable=False) -> LicensingPortal:
        raise UsageError(f"{url} is an ArcGIS Online portal, not the kind you chose; choose ArcGIS Online.")


def test_confirm_dialog(snap_compare) -> None:
    dialog = ConfirmDialog("Release license", "Release the ArcGIS AllSource license checked out to this computer? "
                           "You can check it out again later.", yes_label="Release", no_label="Keep")
    assert snap_compare(Host(dialog), terminal_size=SIZE, run_before=steady)


def test_message_dialog(snap_compare) -> None:
    dialog = MessageDialog("Licensing portal changed",
                           "ArcGIS AllSource must close for the change to take effect. Start it again and sign in "
                           "to the new licensing portal.")
    assert snap_compare(Host(dialog), terminal_size=SIZE, run_before=steady)


def test_alias_dialog_valid(snap_compare) -> None:
    assert snap_compare(Host(AliasDialog("field-laptop-07")), terminal_size=SIZE, run_before=steady)


def test_alias_dialog_invalid(snap_compare) -> None:
    assert snap_compare(Host(AliasDialog("x" * 70)), terminal_size=SIZE, run_before=steady)


def test_portal_dialog_valid(snap_compare) -> None:
    assert snap_compare(Host(LicensingPortalDialog(MismatchService(), ONLINE)), terminal_size=SIZE,
                        run_before=steady)


def test_portal_dialog_invalid(snap_compare) -> None:
    current = LicensingPortal(url="https://gis.example.com", kind="enterprise")
    assert snap_compare(Host(LicensingPortalDialog(MismatchService(), current)), terminal_size=SIZE,
                        run_before=steady)


def test_portal_dialog_kind_mismatch(snap_compare) -> None:
    async def press_ok(pilot) -> None:
        await steady(pilot)
        await pilot.press("enter")
        await steady(pilot)

    assert snap_compare(Host(LicensingPortalDialog(MismatchService(), ENTERPRISE)), terminal_size=SIZE,
                        run_before=press_ok)
