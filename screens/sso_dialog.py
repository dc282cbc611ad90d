"""SsoDialog: "Sign in with your organization (SSO)" — OAuth 2.0 with PKCE and an out-of-band code.

Over SSH the app can't open a browser (and never tries): it shows the sign-in link as plain, selectable text, copies
it with OSC 52 on request, and takes the code the portal shows after the user signs in on any device.
The code exchange runs in an exclusive worker owned by this dialog; a refused code leaves the dialog open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Label, Static
from textual.worker import Worker

from screens.dialog import Dialog
from tui.core.errors import AllSourceError
from tui.core.models import LicenseInfo
from tui.ui import bindings as keys
from tui.ui.widgets.footer import Footer
from tui.ui.widgets.keys import bind
from tui.ui.widgets.progress import Progress
from tui.ui.widgets.status_line import StatusLine
from tui.ui.widgets.text import sso_try_next

if TYPE_CHECKING:
    from tui.service.licensing import LicensingService
    from tui.service.sso import SsoRequest

INTRO = ("Open this link in a browser on any device, sign in with your organization's account, then paste the "
         "code the portal shows below.")
COPIED = "Copied (if your terminal allows OSC 52); otherwise select the link with the mouse (Shift+drag)."


class SsoDialog(Dialog[LicenseInfo | None]):
    """Dismisses with the license once the pasted code has signed in, or None on cancel."""

    DEFAULT_CSS = """
    /* The link is shown unboxed on rows of its own, across the whole width: no border, padding or scroll bar
       beside it, so a terminal selection (Shift+drag) copies exactly the link (issue 17). */
    SsoDialog {
        & > #dialog { width: 100%; margin: 0; padding: 0; border-left: none; border-right: none; }
        & #body { max-height: 100%; }
        & #body > * { margin-left: 1; margin-right: 1; }
        & #body > #link { height: auto; margin: 0; padding: 0; }
        & #buttons { padding: 0 1; }
        & #intro { color: $text-muted; margin-bottom: 1; }
        & #copied { margin-bottom: 1; }
        & #code { border: round $border-blurred; padding: 0 1; }
        & #code:focus { border: round $border; }
        & #progress { margin-top: 1; }
    }
    """

    HELP = """
## Sign in with your organization
Open the link on any device, sign in there, and paste the code the portal shows into **Code**.
**Enter** signs in, **F5** copies the link, **Esc** closes the dialog without signing in.
"""

    BINDINGS = [bind(keys.SSO_COPY, "copy_link"), bind(keys.SSO_CANCEL, "cancel")]

    def __init__(self, service: LicensingService, auto: bool) -> None:
        super().__init__()
        self.service = service
        self.auto = auto
        self.request: SsoRequest = service.begin_sso()
        self._attempt: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Sign in with your organization (SSO)"
            with VerticalScroll(id="body", can_focus=False):
                yield Static(INTRO, id="intro", markup=False)
                yield Static(Content(self.request.authorize_url), id="link")
                yield StatusLine("Press F5 to copy the link.", id="copied")
                yield Label("Code", id="code-label")
                yield Input(placeholder="paste the code the portal shows", id="code")
                yield Progress(id="progress")
                yield StatusLine("", id="error")
                yield StatusLine("", id="try-next")
            with Horizontal(id="buttons"):
                yield Button(Content("Sign In [Enter]"), id="sign-in", variant="primary", compact=True)
                yield Button(Content("Cancel [Esc]"), id="cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.code_input.focus()

    @property
    def code_input(self) -> Input:
        return self.query_one("#code", Input)

    @property
    def link_text(self) -> str:
        return self.request.authorize_url

    # --- keys and buttons ----------------------------------------------------------------------------------------
    @on(Input.Submitted, "#code")
    def _code_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_sign_in()

    @on(Button.Pressed, "#sign-in")
    def _sign_in_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_sign_in()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def action_copy_link(self) -> None:
        self.app.copy_to_clipboard(self.request.authorize_url)
        self.query_one("#copied", StatusLine).show(COPIED, "done")

    def action_cancel(self) -> None:
        if self._attempt is not None and not self._attempt.is_finished:
            self._attempt.cancel()
        self.dismiss(None)

    def action_sign_in(self) -> None:
        pasted = self.code_input.value.strip()
        if not pasted:
            self._show_problem("Paste the code the portal shows after you sign in.", "")
            self.code_input.focus()
            return
        self._attempt = self._complete(pasted)

    # --- the worker ----------------------------------------------------------------------------------------------
    @work(exclusive=True, group="sso")
    async def _complete(self, pasted: str) -> None:
        self._set_busy(True)
        try:
            license_info = await self.service.complete_sso(self.request, pasted, auto=self.auto)
        except AllSourceError as error:
            self._set_busy(False)
            self._show_problem(error.user_message, sso_try_next(error))
            self.code_input.value = ""
            self.code_input.focus()
        else:
            self.dismiss(license_info)

    def _show_problem(self, text: str, advice: str) -> None:
        self.query_one("#error", StatusLine).show(text, "error" if text else "info")
        self.query_one("#try-next", StatusLine).show(advice)

    def _set_busy(self, busy: bool) -> None:
        progress = self.query_one("#progress", Progress)
        if busy:
            self._show_problem("", "")
            progress.start(f"Signing in to {self.request.portal_url} with the pasted code…")
        else:
            progress.stop()
        self.query_one("#sign-in", Button).disabled = busy
