"""MessageDialog: a message with one OK button; Enter, Esc and o all close it.

Used for outcomes the user must acknowledge, e.g. "ArcGIS AllSource must close for the change to take effect".
The message is shown as plain text (never markup), so exception text with brackets is safe.
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from screens.dialog import dialog_css, fit_message, scroll_body
from tui.ui.widgets.footer import Footer


class MessageDialog(ModalScreen[None]):
    """Show a message; every way out dismisses with None."""

    DEFAULT_CSS = dialog_css("MessageDialog", fit_to_text=True)

    AUTO_FOCUS = "#ok"

    def on_resize(self, event: events.Resize) -> None:
        fit_message(self, event)

    HELP = """
## Message
**Enter**, **Esc** or **o** close the message. **Up**/**Down** scroll a long message.
"""

    BINDINGS = [
        Binding("enter", "close", "OK", id="message.ok"),
        Binding("o", "close", "OK", show=False, id="message.ok_letter"),
        Binding("escape", "close", "Close", id="message.close"),
        Binding("up,pageup", "scroll_body(-1)", "Scroll up", show=False),
        Binding("down,pagedown", "scroll_body(1)", "Scroll down", show=False),
    ]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.heading = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = Content(self.heading)
            with VerticalScroll(id="body", can_focus=False):
                yield Static(self.message, id="message", markup=False)
            with Horizontal(id="buttons"):
                yield Button(Content("OK [Enter]"), id="ok", compact=True)
        yield Footer()

    @on(Button.Pressed, "#ok")
    def _ok_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll_body(self, direction: int) -> None:
        scroll_body(self, direction)
