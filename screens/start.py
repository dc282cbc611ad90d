"""StartScreen: the start page — who is signed in to which portal, and a summary of the license."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Label, Static

from tui.service.actions import Action, availability
from tui.service.status import Status
from tui.ui import bindings as keys
from tui.ui.intents import ShowSignIn, StatusChanged
from tui.ui.widgets import restyle
from tui.ui.widgets.footer import Footer
from tui.ui.widgets.keys import bind
from tui.ui.widgets.status_line import StatusLine
from tui.ui.widgets.text import KEY, identity_line, license_summary, tls_mark


class StartScreen(Screen[None]):
    CSS_PATH = "start.tcss"
    BINDINGS = [
        bind(keys.START_SETTINGS, "app.settings"),
        bind(keys.START_LICENSING, "app.licensing"),
        bind(keys.START_SIGN_IN, "sign_in"),
    ]

    def __init__(self, status: Status, *, notice: str = "") -> None:
        super().__init__()
        self.status = status
        self.notice = notice

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield Label("", id="identity", markup=False)
            # "At the top of the start page, click Sign in": shown whenever there is no session (working offline).
            yield Button(Content("Sign in [i]"), id="sign-in", compact=True, action="screen.sign_in")
        with VerticalScroll(id="body"):
            with Vertical(id="summary"):
                for index in range(4):
                    yield Static("", id=f"summary-{index}", classes="summary-line", markup=False)
            yield Label("", id="licensing-portal", markup=False)
            yield Static("Press s for Settings, l for your license details, F1 for help, and ctrl+p for every "
                         "command (including Sign out).", id="hint", markup=False)
        yield StatusLine(self.notice, id="status")
        yield Footer(compact=True)  # whole at 60 columns

    def on_mount(self) -> None:
        restyle.mounted(self)  # styled again when shown only after a CSS change
        self.query_one("#summary").border_title = "ArcGIS AllSource"
        self.show_status(self.status)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        restyle.resume(self, event)

    def on_status_changed(self, event: StatusChanged) -> None:
        self.show_status(event.status)

    def show_status(self, status: Status) -> None:
        self.query_one("#identity", Label).update(identity_line(status) + tls_mark(status.tls_verification))
        lines = license_summary(status) + [""] * 4
        for index in range(4):
            self.query_one(f"#summary-{index}", Static).update(lines[index])
        portal = status.licensing_portal
        self.query_one("#licensing-portal", Label).update(f"{KEY} Licensing portal: {portal.url} ({portal.kind_label})")
        self.status = status
        self.query_one("#sign-in", Button).display = not status.signed_in
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "sign_in":
            return availability(self.status, Action.SIGN_IN).allowed  # e.g. while working offline
        return True

    def action_sign_in(self) -> None:
        self.post_message(ShowSignIn("Sign in to your licensing portal (to check in your offline license, use the "
                              "account that authorized it)."))
