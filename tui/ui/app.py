"""LicenseApp: the thin Textual App. It owns the LicensingService, applies the [ui] and [keys] settings, picks the
first screen, runs every workflow (tui/ui/workflows/) when a screen posts an intent (tui/ui/intents.py), and posts
the new Status down to the screens. Screens never call it: messages go up, status comes down. What the workflows call
(the Status, which screen shows, outcomes, dialogs) and the following of state.toml are HostApp's (tui/ui/host_app.py).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import App
from textual.widgets import Input

# Only the first screens the App can show are imported here; Help and the dialogs load when first opened (each Textual
# class they define costs time before the first frame).
from screens.sign_in import SignInScreen
from screens.start import StartScreen
from tui.core import collector
from tui.core.models import LicenseInfo
from tui.service.actions import Action, availability
from tui.service.licensing import LicensingService
from tui.ui import bindings as keys
from tui.ui import intents
from tui.ui.crash import crash_text
from tui.ui.host_app import HostApp
from tui.ui.kept_screens import open_help, open_settings
from tui.ui.palette import Command, LicenseCommands, available_commands
from tui.ui.stylesheets import first_screens_stylesheet, read_the_other_stylesheets
from tui.ui.widgets.keys import bind
from tui.ui.workflows import offline, portals, session

if TYPE_CHECKING:
    from screens.member_dialog import AdminAction


class LicenseApp(HostApp):
    CSS_PATH = "app.tcss"  # and the first screen's (tui/ui/stylesheets.py)
    TITLE = "allsource-tui"
    COMMANDS = App.COMMANDS | {LicenseCommands}
    BINDINGS = [bind(keys.APP_QUIT, "quit", priority=True), bind(keys.APP_HELP, "help")]

    def __init__(self, service: LicensingService, *, config_path: Path | None = None, demo_hint: str = "",
                 check_license_at_start: bool = True) -> None:
        super().__init__(service, demo_hint=demo_hint)
        self.config_path = config_path or service.settings.source_path
        self.check_license_at_start = check_license_at_start
        ui = service.settings.ui
        self.cursor_blink = ui.cursor_blink
        if ui.theme in self.available_themes:
            self.theme = ui.theme
        self.set_keymap(service.settings.keys)
        self.css_path.append(first_screens_stylesheet(self.status))  # the others' after the first frame (on_mount)

    # --- the first screen -------------------------------------------------------------------------------------
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
