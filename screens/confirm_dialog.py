"""ConfirmDialog: a yes/no question (stub; being fleshed out)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Button, Label


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [Binding("escape", "answer(False)", "Cancel")]

    def __init__(self, title: str, message: str, *, yes_label: str = "Yes", no_label: str = "No") -> None:
        super().__init__()
        self.title_text, self.message, self.yes_label, self.no_label = title, message, yes_label, no_label

    def compose(self) -> ComposeResult:
        yield Label(self.title_text)
        yield Label(self.message, markup=False)
        yield Button(self.yes_label, id="yes")
        yield Button(self.no_label, id="no")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
