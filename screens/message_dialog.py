"""MessageDialog: an OK-only message (stub; being fleshed out)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Button, Label


class MessageDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter,o", "close", "OK")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text, self.message = title, message

    def compose(self) -> ComposeResult:
        yield Label(self.title_text)
        yield Label(self.message, markup=False)
        yield Button("OK [Enter]", id="ok")

    def action_close(self) -> None:
        self.dismiss(None)
