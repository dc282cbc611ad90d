"""LicenseApp: the thin Textual App. It owns the LicensingService, applies the [ui] and [keys] settings, picks the
first screen, runs every workflow (tui/ui/workflows/) when a screen posts an intent (tui/ui/intents.py), and posts
the new Status down to the screens. Screens never call it: messages go up, status comes down.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events, on
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input

# Only the first screens the App can show are imported here; Help and the dialogs load when first opened (each Textual
# class they define costs time before the first frame).
from screens.sign_in import SignInScreen
from screens.start import StartScreen
from tui.core import collector
from tui.core.models import LicenseInfo
from tui.service.actions import Action, availability
from tui.service.licensing import LicensingService
from tui.service.status import Status
from tui.ui import bindings as keys
from tui.ui import intents
from tui.ui.crash import crash_text
from tui.ui.kept_screens import licensing_portal_dialog, open_help, open_settings
from tui.ui.palette import Command, LicenseCommands, available_commands
from tui.ui.status_cache import StatusCache
from tui.ui.stylesheets import first_screens_stylesheet, read_the_other_stylesheets
from tui.ui.widgets.keys import bind
from tui.ui.widgets.status_line import Kind, StatusLine
from tui.ui.workflows import offline, portals, session

if TYPE_CHECKING:
    from screens.member_dialog import AdminAction
    from screens.portal_dialog import LicensingPortalDialog

T = TypeVar("T")
# Workers that change state.toml themselves and then move on (the App's workflows, the SSO and licensing dialogs'):
# while one runs, follow_state waits, so nothing is navigated away under it.
WORKFLOW_GROUPS = frozenset({session.SIGN_IN_GROUP, "session", "license", offline.OFFLINE_GROUP, "alias", "dialog",
                             "portals", "sso", "licensing-portal-dialog"})


class LicenseApp(App[int]):
    CSS_PATH = "app.tcss"  # and the first screen's (tui/ui/stylesheets.py)
    TITLE = "allsource-tui"
    FOLLOW_SECONDS = 1.0  # how often state.toml is looked at (one stat) for changes made by another process
    COMMANDS = App.COMMANDS | {LicenseCommands}
    BINDINGS = [bind(keys.APP_QUIT, "quit", priority=True), bind(keys.APP_HELP, "help")]

    def __init__(self, service: LicensingService, *, config_path: Path | None = None, demo_hint: str = "",
                 check_license_at_start: bool = True) -> None:
        super().__init__()
        self.service = service
        self.config_path = config_path or service.settings.source_path
        self.demo_hint = demo_hint
        self.check_license_at_start = check_license_at_start
        self._after_sign_in: Callable[[], object] | None = None  # e.g. the check-in that needed a sign-in
        self._statuses = StatusCache(service)
        ui = service.settings.ui
        self.cursor_blink = ui.cursor_blink
        if ui.theme in self.available_themes:
            self.theme = ui.theme
        self.set_keymap(service.settings.keys)
        self.css_path.append(first_screens_stylesheet(self.status))  # the others' after the first frame (on_mount)

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

    # --- screens -------------------------------------------------------------------------------------------------
    def on_mount(self) -> None:
        """Push the first screen (pushed, not installed as the default one, so it can later be switched away)."""
        status = self.status
        self.set_interval(self.FOLLOW_SECONDS, self.follow_state)
        for warning in status.config_warnings:  # also listed in Settings › About
            self.notify(warning, title="config.toml", severity="warning", timeout=20, markup=False)
        self.call_after_refresh(read_the_other_stylesheets, self)
        self.call_after_refresh(collector.resume_after_start)
        if status.checkout_interrupted:  # after the first screen is up, so the outcome lands on its status line
            self.call_after_refresh(lambda: self.run_workflow(offline.recover_checkout(self), offline.OFFLINE_GROUP))
        if not status.can_start_without_sign_in:
            expired = ["Your session has expired; sign in again."] if status.session and not status.signed_in else []
            self.push_screen(self._sign_in_screen(" ".join([*status.notices, *expired])))
            return
        self.push_screen(StartScreen(status, notice=" ".join(status.notices)))
        if status.signed_in and self.check_license_at_start:
            self.call_after_refresh(self.check_license)  # first frame first: the HTTP stack costs ~0.3 s to load

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

    # --- intents from the screens --------------------------------------------------------------------------------
    @on(intents.SignIn)
    def _sign_in(self, intent: intents.SignIn) -> None:
        form = self.screen
        if isinstance(form, SignInScreen):
            form.attempt = self.run_worker(session.sign_in(self, form, intent.username, intent.password, intent.auto),
                                           group=session.SIGN_IN_GROUP, exclusive=True)

    @on(intents.SignInWithSso)
    def _sign_in_with_sso(self, intent: intents.SignInWithSso) -> None:
        """The dialog exchanges the pasted code itself (and stays open on a refused one); None is a cancel. A
        callback, not a worker waiting on the dialog: nothing is pending while the user is away in a browser."""
        from screens.sso_dialog import SsoDialog

        self.push_screen(SsoDialog(self.service, auto=intent.auto), self._after_sso)

    def _after_sso(self, license_info: LicenseInfo | None) -> None:
        if license_info is not None:
            self.signed_in()

    @on(intents.ShowSignIn)
    def _show_sign_in(self, intent: intents.ShowSignIn) -> None:
        self.show_sign_in(intent.notice)

    @on(intents.BackToStart)
    def _back_to_start(self) -> None:
        self.show_start("Working offline, not signed in; press i to sign in.")

    @on(intents.SignOut)
    def action_sign_out(self) -> None:
        self.run_workflow(session.sign_out(self), "session")

    @on(intents.RefreshLicense)
    def check_license(self) -> None:
        self.run_workflow(session.check_license(self), session.LICENSE_GROUP)

    @on(intents.CancelLicenseCheck)
    def cancel_license_check(self) -> None:
        self.workers.cancel_group(self, session.LICENSE_GROUP)

    @on(intents.OpenSettings)
    def _open_settings(self, intent: intents.OpenSettings) -> None:
        self.action_settings(intent.tab, intent.focus_pane)

    @on(intents.EditAlias)
    def action_edit_alias(self) -> None:
        self.run_workflow(offline.edit_alias(self), "alias")

    @on(intents.AuthorizeOffline)
    def _authorize_offline(self) -> None:
        self.run_workflow(offline.authorize_offline(self), offline.OFFLINE_GROUP)

    @on(intents.CheckIn)
    def _check_in(self) -> None:
        self.run_workflow(offline.check_in(self), offline.OFFLINE_GROUP)

    @on(intents.ConfigurePortal)
    def action_configure_portal(self) -> None:
        self.run_workflow(portals.configure_portal(self), "dialog")

    @on(intents.ActivatePortal)
    def _activate_portal(self, intent: intents.ActivatePortal) -> None:
        self.run_workflow(portals.activate_portal(self, intent.url), "portals")

    @on(intents.AddPortal)
    def _add_portal(self) -> None:
        self.run_workflow(portals.add_portal(self), "portals")

    @on(intents.RemovePortal)
    def _remove_portal(self, intent: intents.RemovePortal) -> None:
        self.run_workflow(portals.remove_portal(self, intent.url), "portals")

    # Troubleshoot and Settings › Organization load their screens and workflows when first used (not before the
    # first frame); the Organization pane's messages are handled by name for the same reason.
    @on(intents.Troubleshoot)
    def _troubleshoot(self) -> None:
        from screens.troubleshoot_dialog import TroubleshootDialog
        from tui.ui.workflows import troubleshoot

        report = TroubleshootDialog()
        self.push_screen(report)
        self.run_workflow(troubleshoot.troubleshoot(self, report), troubleshoot.TROUBLESHOOT_GROUP)

    def on_organization_pane_load_requested(self) -> None:
        from tui.ui.workflows import admin

        if (pane := admin.organization_pane(self.screen)) is not None:
            self.run_workflow(admin.load_members(self, pane), admin.LOAD_GROUP)

    def on_admin_action(self, action: AdminAction) -> None:
        from tui.ui.workflows import admin

        if (pane := admin.organization_pane(self.screen)) is not None:  # not exclusive: never cancel an action
            self.run_worker(admin.perform(self, pane, action), group=admin.ACTION_GROUP)

    # --- actions (keys and the command palette) ------------------------------------------------------------------
    def action_help(self) -> None:
        open_help(self)  # composed once and kept, like Settings (tui/ui/kept_screens.py)

    def action_settings(self, tab: str = "licensing", focus_pane: bool = False) -> None:
        answer = availability(self.status, Action.OPEN_SETTINGS)
        if not answer.allowed:
            self.report(answer.reason, "error")
            return
        if isinstance(self.screen, SignInScreen):  # leaving the form: Esc in Settings returns to the start page
            self.show_start()
        # Settings is composed once and kept (tui/ui/kept_screens.py): `s`/`l` show it again, Esc only hides it.
        open_settings(self, self.status, tab=tab, focus_pane=focus_pane, config_path=self.config_path,
                      state_path=self.service.store.path)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Footer keys from ``availability``: Sign out is hidden while there is no session to end."""
        if action == "sign_out":  # hidden, not greyed: the footer shows only keys that do something now
            return availability(self.status, Action.SIGN_OUT).allowed
        return True

    def action_licensing(self) -> None:
        self.action_settings("licensing", focus_pane=True)

    def palette_commands(self) -> list[Command]:
        return available_commands(self.status, self)

    # --- settings that apply to every screen ---------------------------------------------------------------------
    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, Input):
            event.widget.cursor_blink = self.cursor_blink

    async def on_unmount(self) -> None:
        await session.end_unkept_session(self)  # "Sign in automatically" unticked: the session ends with the app
        await self.service.aclose()

    # --- the crash screen (tui/ui/crash.py): Textual's own would show locals --------------------------------------
    def _handle_exception(self, error: Exception) -> None:
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self._crash(error)

    def _fatal_error(self) -> None:
        self._crash(sys.exc_info()[1])

    def _crash(self, error: BaseException | None) -> None:
        self.bell()
        self._exit_renderables.append(crash_text(error))
        self._close_messages_no_wait()
