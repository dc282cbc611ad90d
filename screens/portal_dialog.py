"""LicensingPortalDialog: "Configure your licensing options" (stub; being fleshed out)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tui.models import LicensingPortal


class LicensingPortalDialog(ModalScreen[LicensingPortal | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, service: Any, current: LicensingPortal) -> None:
        super().__init__()
        self.service, self.current = service, current

    def compose(self) -> ComposeResult:
        yield Label("Configure your licensing options")
        yield Input(self.current.url, id="url")

    def action_cancel(self) -> None:
        self.dismiss(None)
