"""SignInScreen: the ArcGIS Sign In window (first start, after sign-out, or when the session can't be renewed).

Focus starts in Username, Tab moves to Password, Enter signs in from any field. The sign-in runs in an exclusive
worker owned by this screen, so a second Enter replaces the first attempt and the keys keep answering meanwhile.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Input, Label
from textual.worker import Worker, get_current_worker

from screens.sso_dialog import SsoDialog
from tui.core.errors import AllSourceError
from tui.ui import bindings as keys
from tui.ui.widgets.checkbox import SpaceCheckbox
from tui.ui.widgets.keys import bind
from tui.ui.widgets.progress import Progress
from tui.ui.widgets.status_line import Kind, StatusLine
from tui.ui.widgets.text import try_next

if TYPE_CHECKING:
    from tui.service.licensing import LicensingService
    from tui.ui.app import LicenseApp


class SignInScreen(Screen[None]):
    CSS_PATH = "sign_in.tcss"
    AUTO_FOCUS = "#username"
    BINDINGS = [
        bind(keys.SIGN_IN_SUBMIT, "sign_in"),
        bind(keys.SIGN_IN_CONFIGURE, "configure"),
        bind(keys.SIGN_IN_CANCEL, "cancel_sign_in"),
        bind(keys.SIGN_IN_SSO, "sign_in_sso"),
    ]

    app: LicenseApp  # type: ignore[assignment]

    class SignedIn(Message):
        """Posted (and bubbled to the App) once the service has stored the new session."""

    def __init__(self, service: LicensingService, *, notice: str = "", demo_hint: str = "") -> None:
        super().__init__()
        self.service = service
        self.notice = notice
        self.demo_hint = demo_hint
        self._attempt: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        status = self.service.status()
        portal = status.licensing_portal
        # With the username filled in, the next thing typed is the password: focus must be where it stays hidden,
        # never on the visible Username field (a password typed there would be shown in clear text).
        self.AUTO_FOCUS = "#password" if status.last_username else "#username"
        with VerticalScroll(id="body"):
            with Vertical(id="form"):
                yield Label(f"Licensing portal: {portal.url} ({portal.kind_label})", id="portal-url", markup=False)
                with Horizontal(classes="field"):
                    yield Label("Username", classes="field-label")
                    yield Input(status.last_username or "", placeholder="your ArcGIS username", id="username")
                with Horizontal(classes="field"):
                    yield Label("Password", classes="field-label")
                    yield Input(password=True, placeholder="your password (hidden)", id="password")
                yield SpaceCheckbox("Sign in automatically", value=True, id="auto", compact=True)
                with Horizontal(id="buttons"):
                    yield Button(Content("Sign In [Enter]"), id="sign-in", variant="primary", compact=True)
                    yield Button(Content("Configure your licensing options [F2]"), id="configure", compact=True)
                with Horizontal(id="sso-buttons"):
                    yield Button(Content("Sign in with your organization (SSO) [F3]"), id="sso", compact=True)
                yield Progress(id="progress")
                yield StatusLine(self.notice, id="error")
                yield StatusLine("", id="try-next")
            if self.demo_hint:
                yield Label(self.demo_hint, id="demo-hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#form").border_title = "ArcGIS Sign In"
        self.query_one("#progress").display = False

    # --- typed access to the fields ------------------------------------------------------------------------------
    @property
    def username(self) -> Input:
        return self.query_one("#username", Input)

    @property
    def password(self) -> Input:
        return self.query_one("#password", Input)

    @property
    def error_line(self) -> StatusLine:
        return self.query_one("#error", StatusLine)

    # --- actions -------------------------------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_sign_in()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "sign-in":
            self.action_sign_in()
        elif event.button.id == "configure":
            self.action_configure()
        elif event.button.id == "sso":
            self.action_sign_in_sso()

    def action_sign_in(self) -> None:
        username, password = self.username.value.strip(), self.password.value
        empty = self.username if not username else self.password if not password else None
        if empty is not None:
            self._show_problem(f"Type your {empty.id} to sign in.", "")
            empty.focus()
            return
        self._attempt = self._sign_in(username, password, self.query_one("#auto", Checkbox).value)

    def action_sign_in_sso(self) -> None:
        """Sign in with your organization: a pending password sign-in is abandoned, the dialog takes the code."""
        self.action_cancel_sign_in()
        self.app.push_screen(SsoDialog(self.service, auto=self.query_one("#auto", Checkbox).value),
                             self._after_sso)

    def _after_sso(self, license_info: object | None) -> None:
        if license_info is not None:
            self._signed_in()

    def _signed_in(self) -> None:
        """The one "signed in" path of this window, for the password and the SSO sign-in alike."""
        self.post_message(self.SignedIn())

    def action_configure(self) -> None:
        """Configure your licensing options; a pending sign-in to the old portal is abandoned first."""
        self.action_cancel_sign_in()
        self.app.action_configure_portal()

    def action_cancel_sign_in(self) -> None:
        if self.signing_in:
            self._attempt.cancel()  # type: ignore[union-attr]
            self._set_busy(False)
            self._show_problem("Sign-in cancelled; nothing was changed.", "", kind="info")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_sign_in":
            return self.signing_in  # hidden from the Footer unless a sign-in is pending
        return True

    @property
    def signing_in(self) -> bool:
        return self._attempt is not None and not self._attempt.is_finished

    # --- the worker ----------------------------------------------------------------------------------------------
    @work(exclusive=True, group="portal")
    async def _sign_in(self, username: str, password: str, auto: bool) -> None:
        self._set_busy(True, f"Signing in to {self.service.licensing_portal().url} as {username}…")
        try:
            await self.service.sign_in(username, password, auto=auto)
        except AllSourceError as error:
            self._after_failure(error)
        else:
            self._signed_in()
        finally:
            if get_current_worker() is self._attempt:  # a newer attempt (a second Enter) keeps its progress line
                self._set_busy(False)

    def _after_failure(self, error: AllSourceError) -> None:
        self._show_problem(error.user_message, try_next(error))
        self.password.value = ""
        self.password.focus()

    def _show_problem(self, text: str, advice: str, *, kind: Kind = "error") -> None:
        self.error_line.show(text, kind)
        self.query_one("#try-next", StatusLine).show(advice)

    def _set_busy(self, busy: bool, text: str = "") -> None:
        progress = self.query_one("#progress", Progress)
        if busy:
            self._show_problem("", "")
            progress.start(text)
        else:
            progress.stop()
        self.query_one("#sign-in", Button).disabled = busy
        self.refresh_bindings()
