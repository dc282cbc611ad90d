"""AliasDialog: "Edit Alias" (stub; being fleshed out)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class AliasDialog(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: str | None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        yield Label("Edit Alias")
        yield Input(self.current or "", id="alias")

    def action_cancel(self) -> None:
        self.dismiss(None)
