"""Dialog: the frame every modal dialog shares — a centred round box with a scrolling body and buttons at the bottom.

Subclasses keep only what is theirs in DEFAULT_CSS (their fields, their width when it isn't 76 columns).
"""

from __future__ import annotations

from typing import TypeVar

from textual import events
from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    DEFAULT_CSS = """
    Dialog {
        align: center middle;
        & > #dialog {
            width: 76; max-width: 100%; height: auto; max-height: 100%; margin: 0 1;
            border: round $primary; border-title-style: bold;
            background: $surface; padding: 0 1;
        }
        & #body { height: auto; max-height: 75vh; scrollbar-size-vertical: 1; }
        & #buttons { dock: bottom; width: 100%; height: auto; align-horizontal: right; margin-top: 1; }
        & #buttons > Button { margin-left: 2; }
    }
    """


class MessageBox(Dialog[ResultType]):
    """A dialog that only shows text and buttons: as narrow as its message allows (40–76 columns)."""

    DEFAULT_CSS = """
    MessageBox {
        & > #dialog { width: auto; min-width: 40; max-width: 100%; }
        & #body { width: auto; max-width: 100%; }
        & #message { width: auto; max-width: 72; }
    }
    """

    MESSAGE_WIDTH = 72
    FRAME_WIDTH = 8  # the dialog's margin (2), border (2), padding (2) and the body's scroll bar (1), plus 1 spare

    def on_resize(self, event: events.Resize) -> None:
        """The message wraps at min(72, screen − frame): CSS has no min(), and a wider message would be clipped."""
        width = max(10, min(self.MESSAGE_WIDTH, event.size.width - self.FRAME_WIDTH))
        for message in self.query("#message"):
            message.styles.max_width = width
