"""OfflineSection: the "Authorize ArcGIS AllSource to work offline" checkbox of the Licensing tab, its progress line and
what the offline license is (authorized user, workstation alias, expiry).

Checking the box or clearing it starts the offline flows of ``screens.offline_flow`` as App workers; while one runs the
box is unavailable (disabled), and afterwards it shows what the service stored: a failed check-out leaves it clear.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Static

from screens.offline_flow import authorize_offline, check_in_offline, run_offline
from tui.service.status import Status
from tui.ui.widgets.checkbox import TextCheckbox
from tui.ui.widgets.progress import Progress
from tui.ui.widgets.text import short_date

if TYPE_CHECKING:
    from tui.ui.app import LicenseApp

LABEL = "Authorize ArcGIS AllSource to work offline"


class OfflineSection(Vertical):
    DEFAULT_CSS = """
    OfflineSection {
        height: auto;
        & #offline-checkbox { margin-left: 2; }
        & #offline-progress { margin-left: 2; }
        & #offline-details { margin-left: 2; }
    }
    """

    app: LicenseApp  # type: ignore[assignment]

    def __init__(self, status: Status, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.status = status
        self.busy = False
        self._refocus = False

    def compose(self) -> ComposeResult:
        yield TextCheckbox(LABEL, id="offline-checkbox", compact=True)
        yield Progress(id="offline-progress")
        yield Static("", id="offline-details", markup=False)

    def on_mount(self) -> None:
        self.query_one("#offline-progress", Progress).display = False
        self.show_status(self.status)

    @property
    def checkbox(self) -> Checkbox:
        return self.query_one("#offline-checkbox", Checkbox)

    @property
    def available(self) -> bool:
        """Whether the box can be used now: a check-out needs a session; a check-in starts from the license."""
        return not self.busy and (self.status.offline is not None or self.status.signed_in)

    def show_status(self, status: Status) -> None:
        self.status = status
        with self.checkbox.prevent(Checkbox.Changed):  # showing the state is not the user ticking the box
            self.checkbox.value = status.offline is not None
        self.checkbox.disabled = not self.available
        self.query_one("#offline-details", Static).update(offline_details(status))
        self.refresh_bindings()  # the Licensing tab greys its key for the box

    def toggle(self) -> None:
        """The Licensing tab's key for the box (the box itself answers Space and Enter)."""
        if self.available:
            self.checkbox.toggle()

    @on(Checkbox.Changed, "#offline-checkbox")
    def _toggled(self, event: Checkbox.Changed) -> None:
        event.stop()
        if self.busy:
            return
        flow = authorize_offline if event.value else check_in_offline
        self._refocus = self.checkbox.has_focus
        self.set_busy(True)  # "the check box becomes unavailable and a prompt appears"
        run_offline(self.app, flow(self.app, self))

    def set_busy(self, busy: bool, text: str = "") -> None:
        if not self.is_attached:
            return  # Settings was closed meanwhile; the flow still reports on the current screen
        self.busy = busy
        self.checkbox.disabled = not self.available
        self.refresh_bindings()
        progress = self.query_one("#offline-progress", Progress)
        if busy and text:
            progress.start(text)
        elif not busy:
            progress.stop()
            if self._refocus and not self.checkbox.disabled:
                self.checkbox.focus()


def offline_details(status: Status) -> str:
    offline = status.offline
    if offline is not None:
        return (f"Authorized for {offline.full_name or offline.username} ({offline.username}) on "
                f"'{offline.alias}'.\nExpires: {short_date(offline.expires_at)}.\n"
                "Clear the box to check the license in (needs your licensing portal).")
    if not status.signed_in:
        return "Sign in to your licensing portal to authorize ArcGIS AllSource to work offline."
    return "Not authorized: ArcGIS AllSource needs your licensing portal to start."
