"""The frame every modal dialog shares — a centred round box with a scrolling body and buttons at the bottom.

``Dialog`` is the base of the dialogs with fields; the message boxes (ConfirmDialog, MessageDialog) take the same frame
through ``dialog_css`` with ``fit_to_text`` (as narrow as the message allows), so no dialog sits more than two project
classes deep. Subclasses keep only what is theirs in DEFAULT_CSS (their fields, their width when it isn't 76 columns).
Every dialog is at most the screen's width less a margin, so nothing is cut off at 60×20 (docs/tui.md).
"""

from __future__ import annotations

from typing import TypeVar

from textual import events
from textual.containers import VerticalScroll
from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")

FRAME_CSS = """
$SELECTOR {
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

FIT_TO_TEXT_CSS = """
$SELECTOR {
    & > #dialog { width: auto; min-width: 40; max-width: 100%; }
    & #body { width: auto; max-width: 100%; }
    & #message { width: auto; max-width: 72; }
}
"""

MESSAGE_WIDTH = 72
FRAME_WIDTH = 8  # the dialog's margin (2), border (2), padding (2) and the body's scroll bar (1), plus 1 spare


def dialog_css(selector: str, *, fit_to_text: bool = False) -> str:
    """The frame's CSS for the dialog class ``selector``; ``fit_to_text``: 40–76 columns, as the message needs."""
    css = FRAME_CSS + (FIT_TO_TEXT_CSS if fit_to_text else "")
    return css.replace("$SELECTOR", selector)


def fit_message(screen: ModalScreen, event: events.Resize) -> None:
    """The message wraps at min(72, screen − frame): CSS has no min(), and a wider message would be clipped."""
    width = max(10, min(MESSAGE_WIDTH, event.size.width - FRAME_WIDTH))
    for message in screen.query("#message"):
        message.styles.max_width = width


def scroll_body(screen: ModalScreen, direction: int) -> None:
    """Up/Down in a dialog whose buttons hold the focus: scroll its body (``#body``) by a page less one line."""
    body = screen.query_one("#body", VerticalScroll)
    body.scroll_relative(y=direction * max(1, body.size.height - 1), animate=False)


class Dialog(ModalScreen[ResultType]):
    DEFAULT_CSS = dialog_css("Dialog")
