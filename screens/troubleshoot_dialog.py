"""TroubleshootDialog: the sign-in window's "Troubleshoot" report — one line per check with ✓/✗, and for each ✗ its
cause and fix (the `allsource-tui doctor` report).

It runs nothing itself: the App opens it while the checks run (a progress line) and hands it the report with
``show_report``. The report holds text from outside (portal answers, certificate names): it was sanitized where it
was parsed, and is shown as plain text, never markup. Esc closes it; ↑/↓ scroll a long report.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from screens.dialog import Dialog, scroll_body
from tui.ui import bindings as keys
from tui.ui.widgets.footer import Footer
from tui.ui.widgets.keys import bind
from tui.ui.widgets.progress import Progress


class TroubleshootDialog(Dialog[None]):
    DEFAULT_CSS = """
    TroubleshootDialog {
        & #report { height: auto; }
    }
    """
    BINDINGS = [
        bind(keys.TROUBLESHOOT_CLOSE, "close"),
        Binding("up,pageup", "scroll_body(-1)", "Scroll up", show=False),
        Binding("down,pagedown", "scroll_body(1)", "Scroll down", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.report = ""  # the report as shown, once the checks are done

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = Content("Sign-in troubleshooting")
            with VerticalScroll(id="body", can_focus=False):
                yield Progress(id="progress")
                yield Static("", id="report", markup=False)  # portal text: never markup
            with Horizontal(id="buttons"):
                yield Button(Content("Close [Esc]"), id="close", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Progress).start("Running the checks…")  # one line, also at 60 columns
        self.query_one("#close", Button).focus()

    def show_report(self, text: str) -> None:
        """The checks are done: the report replaces the progress line."""
        if not self.is_attached:
            return  # closed while the checks ran
        self.report = text
        self.query_one(Progress).stop()
        self.query_one("#report", Static).update(text)

    @on(Button.Pressed, "#close")
    def _close_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll_body(self, direction: int) -> None:
        scroll_body(self, direction)
