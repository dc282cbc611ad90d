"""LicenseApp: the thin Textual App. It owns the LicensingService, applies the [ui] and [keys] settings, picks the
first screen, and runs the workflows that outlive a screen (sign out, the licensing-portal change, the license check
at start). Everything else lives in screens/ and below the UI in tui/service/licensing.py.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import events, work
from textual.app import App
from textual.screen import Screen
from textual.signal import Signal
from textual.widgets import Input

from screens import (
    ConfirmDialog,
    HelpScreen,
    LicensingPortalDialog,
    MessageDialog,
    SettingsScreen,
    SignInScreen,
    StartScreen,
)
from screens.offline_flow import edit_alias, resume_interrupted_checkout
from tui.core.errors import AllSourceError, NoLicenseError, NotSignedIn
from tui.core.redact import redact
from tui.service.licensing import LicensingService
from tui.service.status import Status
from tui.ui import bindings as keys
from tui.ui.palette import LicenseCommands
from tui.ui.widgets.keys import bind
from tui.ui.widgets.status_line import Kind, StatusLine
from tui.ui.widgets.text import short_date


class LicenseApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "allsource-tui"
    COMMANDS = App.COMMANDS | {LicenseCommands}
    BINDINGS = [bind(keys.APP_QUIT, "quit", priority=True), bind(keys.APP_HELP, "help")]

    def __init__(self, service: LicensingService, *, config_path: Path | None = None, demo_hint: str = "",
                 check_license_at_start: bool = True) -> None:
        super().__init__()
        self.service = service
        self.config_path = config_path or service.settings.source_path
        self.demo_hint = demo_hint
        self.check_license_at_start = check_license_at_start
        self.status_signal: Signal[Status] = Signal(self, "status")
        self.after_sign_in: Callable[[], object] | None = None  # e.g. the check-in that needed a sign-in
        ui = service.settings.ui
        self.cursor_blink = ui.cursor_blink
        if ui.theme in self.available_themes:
            self.theme = ui.theme
        self.set_keymap(service.settings.keys)

    # --- screens -------------------------------------------------------------------------------------------------
    def on_mount(self) -> None:
        """Push the first screen (a pushed screen loads its CSS_PATH and can later be switched away)."""
        status = self.service.status()
        for warning in self.service.settings.warnings:  # also listed in Settings › About
            self.notify(warning, title="config.toml", severity="warning", timeout=20, markup=False)
        resume_interrupted_checkout(self)
        if not status.can_start_without_sign_in:
            expired = ["Your session has expired; sign in again."] if status.session and not status.signed_in else []
            self.push_screen(self._sign_in_screen(" ".join([*status.notices, *expired])))
            return
        self.push_screen(StartScreen(self.service, notice=" ".join(status.notices)))
        if status.signed_in and self.check_license_at_start:
            self.call_after_refresh(self.check_license)  # first frame first: the HTTP stack costs ~0.3 s to load

    def _sign_in_screen(self, notice: str = "") -> SignInScreen:
        return SignInScreen(self.service, notice=notice, demo_hint=self.demo_hint)

    def show_sign_in(self, notice: str = "", *, then: Callable[[], object] | None = None) -> None:
        """Show the sign-in window alone (after sign-out, or when the session can't be renewed); ``then`` runs
        once the user has signed in there."""
        self.after_sign_in = then
        self._show_only(self._sign_in_screen(notice))

    def on_sign_in_screen_signed_in(self, _: SignInScreen.SignedIn) -> None:
        self._show_only(StartScreen(self.service))  # replaces the form, so Esc can't lead back to it
        follow_up, self.after_sign_in = self.after_sign_in, None
        if follow_up is not None:
            follow_up()

    def _show_only(self, screen: Screen) -> None:
        """Close every screen and dialog (the App's blank base screen stays at the bottom), then show ``screen``."""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(screen)

    def publish_status(self) -> Status:
        status = self.service.status()
        self.status_signal.publish(status)
        return status

    def report(self, text: str, kind: Kind = "done") -> None:
        """An outcome: kept on the screen's status line, and shown as a toast (error toasts stay 10 s)."""
        for line in self.screen.query("#status").results(StatusLine):
            line.show(text, kind)
        if kind == "error":
            self.notify(text, title="Error", severity="error", timeout=10, markup=False)
        elif kind == "done":
            self.notify(text, markup=False)

    # --- actions (keys, buttons and the command palette) ---------------------------------------------------------
    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_settings(self, tab: str = "licensing", focus_pane: bool = False) -> None:
        if not self.service.status().can_start_without_sign_in:
            self.report("Sign in first; Settings show your license.", "error")
            return
        if isinstance(self.screen, SettingsScreen):
            self.screen.show_tab(tab, focus_pane=focus_pane)
        else:
            self.push_screen(SettingsScreen(self.service, tab=tab, focus_pane=focus_pane,
                                            config_path=self.config_path))

    def action_licensing(self) -> None:
        self.action_settings("licensing", focus_pane=True)

    def action_edit_alias(self) -> None:
        self.run_worker(edit_alias(self), group="alias", exclusive=True)

    @work(exclusive=True, group="session")
    async def action_sign_out(self) -> None:
        if self.service.status().session is None:
            self.report("You are not signed in.", "info")
            return
        question = ConfirmDialog("Sign out", "Sign out of ArcGIS AllSource? The next start asks for your password, "
                                 "and this computer stops counting towards your three.",
                                 yes_label="Sign out [y]", no_label="Stay signed in [n]")
        if not await self.push_screen_wait(question):
            return
        try:
            notices = await self.service.sign_out()
        except AllSourceError as error:
            self.report(error.user_message, "error")
            return
        self.show_sign_in(" ".join(notices) or "You signed out. Sign in to use ArcGIS AllSource again.")

    @work(exclusive=True, group="dialog")
    async def action_configure_portal(self) -> None:
        dialog = LicensingPortalDialog(self.service, self.service.licensing_portal())
        portal = await self.push_screen_wait(dialog)
        if portal is None:
            return
        await self.push_screen_wait(MessageDialog(
            "Licensing portal changed",
            f"Your licensing portal is now {portal.url} ({portal.kind_label}). allsource-tui must close for the "
            "change to take effect: start it again and sign in to the new portal."))
        self.exit(0)

    @work(exclusive=True, group="license")
    async def check_license(self) -> None:
        """Re-read the license from the licensing portal (at start, and with the refresh key)."""
        status = self.service.status()
        if not status.signed_in:
            self.report("Working offline: sign in to read the license from the licensing portal.", "info")
        else:
            self.report(f"Reading your license from {status.licensing_portal.url}…", "busy")
            try:
                await self.service.refresh_license()
            except NotSignedIn as error:
                self.show_sign_in(error.user_message)
            except AllSourceError as error:
                self.report(self._license_failure(error), "error")
            else:
                self.report("License read from the licensing portal.")
        self.publish_status()  # also ends the Licensing tab's loading state

    def _license_failure(self, error: AllSourceError) -> str:
        checked = self.service.status().license
        if isinstance(error, NoLicenseError) or checked is None:
            return error.user_message
        return f"{error.user_message} Showing the license read on {short_date(checked.checked_at)}."

    # --- settings that apply to every screen ---------------------------------------------------------------------
    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, Input):
            event.widget.cursor_blink = self.cursor_blink

    async def on_unmount(self) -> None:
        await self.service.aclose()

    # --- the crash screen: no locals, redacted (RELIABILITY X-3) -------------------------------------------------
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
        lines = traceback.format_exception(error) if error is not None else ["Unknown error\n"]
        advice = "allsource-tui stopped on an unexpected error; run it with --debug and report the text above.\n"
        self._exit_renderables.append(Text(redact("".join(lines)) + advice))
        self._close_messages_no_wait()
