"""The frame every modal dialog shares — a centred round box with a scrolling body and buttons at the bottom.

``Dialog`` is the base of the dialogs with fields; the message boxes (ConfirmDialog, MessageDialog) take the same frame
through ``dialog_css`` with ``fit_to_text`` (as narrow as the message allows), so no dialog sits more than two project
classes deep. Subclasses keep only what is theirs in DEFAULT_CSS (their fields, their width when it isn't 76 columns).
"""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")

FRAME_CSS = """
$SELECTOR {
    align: center middle;
    & > #dialog {
        width: 76; height: auto; max-height: 100%;
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
    & > #dialog { width: auto; min-width: 40; max-width: 76; }
    & #body { width: auto; max-width: 72; }
    & #message { width: auto; max-width: 72; }
}
"""


def dialog_css(selector: str, *, fit_to_text: bool = False) -> str:
    """The frame's CSS for the dialog class ``selector``; ``fit_to_text``: 40–76 columns, as the message needs."""
    css = FRAME_CSS + (FIT_TO_TEXT_CSS if fit_to_text else "")
    return css.replace("$SELECTOR", selector)


class Dialog(ModalScreen[ResultType]):
    DEFAULT_CSS = dialog_css("Dialog")
