"""Host: what a workflow may ask of the App (HostApp, tui/ui/host_app.py, implements it; LicenseApp is one).

A Protocol, so workflows never import the App.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from textual.screen import Screen

from tui.service.licensing import LicensingService
from tui.service.status import Status
from tui.ui.widgets.status_line import Kind

if TYPE_CHECKING:
    from screens.portal_dialog import LicensingPortalDialog

T = TypeVar("T")


class Host(Protocol):
    service: LicensingService

    @property
    def status(self) -> Status:
        """The current status (re-read only when state.toml changed)."""

    def publish_status(self, *, select: str | None = None) -> Status:
        """Re-read the status and post StatusChanged to every screen (``select``: a portal to highlight)."""

    def signed_in(self) -> None:
        """The one "signed in" path: the start page replaces the sign-in window, then any pending follow-up."""

    def report(self, text: str, kind: Kind = "done") -> None:
        """An outcome on the current screen's status line (and a toast)."""

    def notify_quietly(self, text: str, *, title: str, warning: bool = False) -> None:
        """A toast only (no status line)."""

    def show_offline_progress(self, busy: bool, text: str = "") -> None:
        """The Licensing tab's offline box: unavailable with a progress line while a flow runs."""

    def show_sign_in(self, notice: str = "", *, then: Callable[[], object] | None = None) -> None:
        """The sign-in window alone; ``then`` runs once the user has signed in there."""

    def show_start(self, notice: str = "") -> None:
        """The start page alone (working offline: no sign-in window is needed)."""

    def run_after_sign_in(self, then: Callable[[], object]) -> None:
        """Run ``then`` once the user has signed in (the sign-in window is already showing)."""

    def licensing_portal_dialog(self) -> LicensingPortalDialog:
        """The Licensing dialog, kept by the App, for the current licensing portal."""

    async def ask(self, dialog: Screen[T]) -> T | None:
        """Push ``dialog`` and wait for its answer."""

    def run_workflow(self, flow: Coroutine[Any, Any, None], group: str) -> None:
        """Run ``flow`` as an exclusive App worker of ``group``."""

    def exit(self, result: int | None = None) -> None: ...
