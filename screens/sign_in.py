"""SignInScreen: the ArcGIS Sign In window (first start, after sign-out, or when the session can't be renewed).

Focus starts in Username, Tab moves to Password, Enter signs in from any field. Enter posts the SignIn intent; the
App runs the sign-in as an exclusive worker (``attempt``), so a second Enter replaces the first attempt and the keys
keep answering meanwhile. The App shows its progress and failure here with ``set_busy`` and ``show_failure``.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, Label
from textual.worker import Worker

from tui.core.errors import AllSourceError, InvalidCredentials
from tui.service.status import Status
from tui.ui import bindings as keys
from tui.ui.intents import BackToStart, ConfigurePortal, SignIn, SignInWithSso, StatusChanged, Troubleshoot
from tui.ui.widgets import restyle
from tui.ui.widgets.breakpoints import set_width_breakpoint
from tui.ui.widgets.checkbox import SpaceCheckbox
from tui.ui.widgets.footer import Footer
from tui.ui.widgets.hand_off_input import HandOffInput
from tui.ui.widgets.keys import bind
from tui.ui.widgets.progress import Progress
from tui.ui.widgets.status_line import Kind, StatusLine
from tui.ui.widgets.text import try_next


def titled(field: Input, title: str) -> Input:
    field.border_title = title
    return field


class SignInScreen(Screen[None]):
    CSS_PATH = "sign_in.tcss"
    AUTO_FOCUS = "#username"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (76, "-wide")]  # sign_in.tcss stacks the buttons when narrow
    BINDINGS = [
        bind(keys.SIGN_IN_TROUBLESHOOT, "troubleshoot"),  # shown only while offered (check_action)
        bind(keys.SIGN_IN_SUBMIT, "sign_in"),
        bind(keys.SIGN_IN_CONFIGURE, "configure"),
        bind(keys.SIGN_IN_CANCEL, "cancel_sign_in"),
        bind(keys.SIGN_IN_SSO, "sign_in_sso"),
        bind(keys.SIGN_IN_BACK, "back"),
    ]

    def __init__(self, status: Status, *, notice: str = "", demo_hint: str = "") -> None:
        super().__init__()
        self.status = status
        self.notice = notice
        self.demo_hint = demo_hint
        self.attempt: Worker[None] | None = None  # the App's sign-in worker for this form

    def compose(self) -> ComposeResult:
        status = self.status
        portal = status.licensing_portal
        # With the username filled in, the next thing typed is the password: focus must be where it stays hidden,
        # never on the visible Username field (a password typed there would be shown in clear text).
        self.AUTO_FOCUS = "#password" if status.last_username else "#username"  # type: ignore[misc]  # read per instance
        set_width_breakpoint(self)
        with VerticalScroll(id="body"):
            with Vertical(id="form") as form:
                form.border_title = "ArcGIS Sign In"
                yield Label(f"Licensing portal: {portal.url} ({portal.kind_label})", id="portal-url", markup=False)
                # Each field's label is its border's title: it stays in view while the field holds text, and the
                # window needs no row of label widgets (each widget is time before the first frame).
                yield titled(HandOffInput(status.last_username or "", next_field="password",
                                          placeholder="your ArcGIS username", id="username"), "Username")
                yield titled(Input(password=True, placeholder="your password (hidden)", id="password"), "Password")
                yield SpaceCheckbox("Sign in automatically", value=True, id="auto", compact=True)
                with Horizontal(id="buttons"):
                    yield Button(Content("Sign In [Enter]"), id="sign-in", variant="primary", compact=True)
                    yield Button(Content("Configure your licensing options [F2]"), id="configure", compact=True)
                yield Button(Content("Sign in with your organization (SSO) [F3]"), id="sso", compact=True)
                yield Progress(id="progress")
                yield StatusLine(self.notice, id="error")
                yield StatusLine("", id="try-next")
                # The Troubleshoot button is mounted when a sign-in first fails for a reason it can look into.
            if self.demo_hint:
                yield Label(self.demo_hint, id="demo-hint", markup=False)
        yield Footer(compact=True)  # whole at 60 columns

    def on_mount(self) -> None:
        restyle.mounted(self)  # styled again when shown only after a CSS change

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        restyle.resume(self, event)

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
        elif event.button.id == "troubleshoot":
            self.action_troubleshoot()

    def action_sign_in(self) -> None:
        username, password = self.username.value.strip(), self.password.value
        empty = self.username if not username else self.password if not password else None
        if empty is not None:
            self._show_problem(f"Type your {empty.id} to sign in.", "")
            empty.focus()
            return
        self.post_message(SignIn(username, password, self.query_one("#auto", Checkbox).value))

    def action_sign_in_sso(self) -> None:
        """Sign in with your organization: a pending password sign-in is abandoned, the dialog takes the code."""
        self.action_cancel_sign_in()
        self.post_message(SignInWithSso(self.query_one("#auto", Checkbox).value))

    def action_troubleshoot(self) -> None:
        self.post_message(Troubleshoot())

    def action_configure(self) -> None:
        """Configure your licensing options; a pending sign-in to the old portal is abandoned first."""
        self.action_cancel_sign_in()
        self.post_message(ConfigurePortal())

    def action_cancel_sign_in(self) -> None:
        if self.attempt is not None and self.signing_in:
            self.attempt.cancel()
            self.set_busy(False)
            self._show_problem("Sign-in cancelled; nothing was changed.", "", kind="info")

    def action_back(self) -> None:
        self.post_message(BackToStart())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "troubleshoot":
            return self.troubleshoot_offered  # with every sign-in error but a wrong password
        if action == "cancel_sign_in":
            return self.signing_in  # hidden from the Footer unless a sign-in is pending
        if action == "back":  # working offline, the window is optional: Esc returns to the start page
            return not self.signing_in and (self.status.offline is not None or self.status.signed_in)
        return True

    def on_status_changed(self, event: StatusChanged) -> None:
        self.status = event.status
        self.refresh_bindings()

    @property
    def signing_in(self) -> bool:
        return self.attempt is not None and not self.attempt.is_finished

    # --- what the App shows here ---------------------------------------------------------------------------------
    def show_failure(self, error: AllSourceError) -> None:
        self._show_problem(error.user_message, try_next(error))
        if not isinstance(error, InvalidCredentials):
            self._offer_troubleshoot()
        self.refresh_bindings()
        self.password.value = ""
        self.password.focus()

    def _show_problem(self, text: str, advice: str, *, kind: Kind = "error") -> None:
        self.error_line.show(text, kind)
        self.query_one("#try-next", StatusLine).show(advice)
        self.query("#troubleshoot").set(display=False)

    @property
    def troubleshoot_offered(self) -> bool:
        return any(button.display for button in self.query("#troubleshoot"))

    def _offer_troubleshoot(self) -> None:
        if not self.query("#troubleshoot").set(display=True):  # not mounted yet: the first offer mounts it
            self.query_one("#form").mount(Button(Content("Troubleshoot [F4]"), id="troubleshoot", compact=True))

    def set_busy(self, busy: bool, text: str = "") -> None:
        if not self.is_mounted:
            return  # signed in: the start page has replaced this window
        progress = self.query_one("#progress", Progress)
        if busy:
            self._show_problem("", "")
            progress.start(text)
        else:
            progress.stop()
        self.query_one("#sign-in", Button).disabled = busy
        self.refresh_bindings()
