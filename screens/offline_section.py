"""OfflineSection: the "Authorize ArcGIS AllSource to work offline" checkbox of the Licensing tab, its progress line and
what the offline license is (authorized user, workstation alias, expiry).

Checking the box posts AuthorizeOffline, clearing it CheckIn; the App runs the flow (tui/ui/workflows/offline.py) and
shows its progress here with ``set_busy``. While one runs the box is unavailable (disabled), and afterwards it shows
the Status the App posts down: a failed check-out leaves it clear.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Static

from tui.service.actions import Action, availability
from tui.service.status import Status
from tui.ui.intents import AuthorizeOffline, CheckIn
from tui.ui.widgets.checkbox import TextCheckbox
from tui.ui.widgets.progress import Progress
from tui.ui.widgets.text import short_date

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
        self.show_status(self.status)

    @property
    def checkbox(self) -> Checkbox:
        return self.query_one("#offline-checkbox", Checkbox)

    @property
    def available(self) -> bool:
        """Whether the box can be used now: a check-out when ``availability`` allows it; a check-in whenever there is
        an offline license here (the flow leads through the sign-in, or says why it can't be checked in here)."""
        if self.busy:
            return False
        return self.status.offline is not None or availability(self.status, Action.AUTHORIZE_OFFLINE).allowed

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
        self._refocus = self.checkbox.has_focus
        self.set_busy(True)  # "the check box becomes unavailable and a prompt appears"
        self.post_message(AuthorizeOffline() if event.value else CheckIn())

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
