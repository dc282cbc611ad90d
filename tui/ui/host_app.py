"""HostApp: the part of the App that workflows call (tui/ui/workflows/host.py's ``Host``) and the following of
state.toml: the Status read once per change and posted down to the screens, which screen shows, outcomes on the status
line, dialogs awaited, workflows run as workers. LicenseApp (tui/ui/app.py) adds the first screen, the intents, the
keys and the crash screen.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from textual.app import App
from textual.screen import Screen

from screens.sign_in import SignInScreen
from screens.start import StartScreen
from tui.service.licensing import LicensingService
from tui.service.status import Status
from tui.ui import intents
from tui.ui.kept_screens import licensing_portal_dialog
from tui.ui.status_cache import StatusCache
from tui.ui.widgets.status_line import Kind, StatusLine
from tui.ui.workflows import offline, session

if TYPE_CHECKING:
    from screens.portal_dialog import LicensingPortalDialog

T = TypeVar("T")
# Workers that change state.toml themselves and then move on (the App's workflows, the SSO and licensing dialogs'):
# while one runs, follow_state waits, so nothing is navigated away under it.
WORKFLOW_GROUPS = frozenset({session.SIGN_IN_GROUP, "session", "license", offline.OFFLINE_GROUP, "alias", "dialog",
                             "portals", "sso", "licensing-portal-dialog"})


class HostApp(App[int]):
    FOLLOW_SECONDS = 1.0  # how often state.toml is looked at (one stat) for changes made by another process

    def __init__(self, service: LicensingService, *, demo_hint: str = "") -> None:
        super().__init__()
        self.service = service
        self.demo_hint = demo_hint
        self._after_sign_in: Callable[[], object] | None = None  # e.g. the check-in that needed a sign-in
        self._statuses = StatusCache(service)

    # --- the status: read once per change of state.toml, posted down to the screens -----------------------------
    @property
    def status(self) -> Status:
        return self._statuses.current()

    def publish_status(self, *, select: str | None = None) -> Status:
        self._statuses.forget()  # a session may also have expired meanwhile: read it again
        status = self.status
        if not self.screen_stack:  # the App is closing (a workflow cancelled with it ends here)
            return status
        for screen in self.screen_stack:
            screen.post_message(intents.StatusChanged(status, select=select))
        self.refresh_bindings()
        return status

    # --- state.toml changed by another process ------------------------------------------------------------------
    def follow_state(self) -> None:
        """Another process (a second TUI, `allsource-tui sign-out`) changed state.toml, or the session expired:
        re-render every screen from the new Status and lead to the next step. Skipped while a workflow of this App
        runs: it publishes and moves on itself. A tick while the App shuts down (its screens gone) does nothing."""
        before = self._statuses.last
        workflow_running = any(worker.is_running and worker.group in WORKFLOW_GROUPS for worker in self.workers)
        if before is None or not self.screen_stack or workflow_running:
            return
        session = before.session
        expired = before.signed_in and session is not None and not session.is_valid(self.service.clock.now())
        if not self._statuses.file_changed() and not expired:
            return
        after = self.publish_status()
        form = next((s for s in self.screen_stack if isinstance(s, SignInScreen)), None)
        if not (after.signed_in or after.offline is not None) and form is None:
            ended = "Your session has expired" if expired else "You were signed out (in another window or the CLI)"
            self.show_sign_in(f"{ended}; sign in to go on.")
        elif after.signed_in and form is not None and not form.signing_in and not before.signed_in:
            self.signed_in()  # signed in elsewhere: the form is no longer needed

    # --- screens ------------------------------------------------------------------------------------------------
    def show_start(self, notice: str = "") -> None:
        """The start page alone (working offline after a sign-out, or Esc on the sign-in window)."""
        self._after_sign_in = None
        self._show_only(StartScreen(self.publish_status(), notice=notice))

    def _sign_in_screen(self, notice: str = "") -> SignInScreen:
        return SignInScreen(self.status, notice=notice, demo_hint=self.demo_hint)

    def show_sign_in(self, notice: str = "", *, then: Callable[[], object] | None = None) -> None:
        """Show the sign-in window alone (after sign-out, or when the session can't be renewed); ``then`` runs
        once the user has signed in there."""
        self._after_sign_in = then
        self._show_only(self._sign_in_screen(notice))

    def run_after_sign_in(self, then: Callable[[], object]) -> None:
        self._after_sign_in = then

    def signed_in(self) -> None:
        self._show_only(StartScreen(self.publish_status()))  # replaces the form, so Esc can't lead back to it
        follow_up, self._after_sign_in = self._after_sign_in, None
        if follow_up is not None:
            follow_up()

    def _show_only(self, screen: Screen[Any]) -> None:
        """Close every screen and dialog (the App's blank base screen stays at the bottom), then show ``screen``.
        A kept screen closed here is not removed, so its own work is cancelled as Textual does for a removed one."""
        while len(self.screen_stack) > 2:
            self.workers.cancel_node(self.screen)
            self.pop_screen()
        self.switch_screen(screen)

    def report(self, text: str, kind: Kind = "done") -> None:
        """An outcome: kept on the screen's status line; a toast only where there is none (a dialog, the sign-in
        window), so the same sentence is never shown twice (error toasts stay 10 s)."""
        if not self.screen_stack:  # the App is closing (a workflow cancelled with it ends here)
            return
        lines = list(self.screen.query("#status").results(StatusLine))
        for line in lines:
            line.show(text, kind)
        if lines or not text:
            return
        if kind == "error":
            self.notify(text, title="Error", severity="error", timeout=10, markup=False)
        else:
            self.notify(text, markup=False)

    def notify_quietly(self, text: str, *, title: str, warning: bool = False) -> None:
        self.notify(text, title=title, severity="warning" if warning else "information",
                    timeout=10 if warning else self.NOTIFICATION_TIMEOUT, markup=False)

    def show_offline_progress(self, busy: bool, text: str = "") -> None:
        from screens.offline_section import OfflineSection

        for section in self.screen.query(OfflineSection):
            section.set_busy(busy, text)

    def licensing_portal_dialog(self) -> LicensingPortalDialog:
        return licensing_portal_dialog(self, self.service, self.status.licensing_portal)

    async def ask(self, dialog: Screen[T]) -> T | None:
        return await self.push_screen_wait(dialog)

    def run_workflow(self, flow: Coroutine[Any, Any, None], group: str) -> None:
        self.run_worker(flow, group=group, exclusive=True)
