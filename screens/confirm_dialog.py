"""ConfirmDialog: a yes/no question answered with y / n / Esc, the arrows and Enter.

Usage from a worker: ``if await self.app.push_screen_wait(ConfirmDialog("Release license", "Release it?")): ...``.
Focus starts on the "No" button, so a stray Enter never confirms a destructive action.
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


def with_key(label: str, key: str) -> str:
    """``label [key]``, unless the caller already wrote the key hint into the label."""
    hint = f"[{key}]"
    return label if label.rstrip().lower().endswith(hint) else f"{label} {hint}"


class ConfirmDialog(ModalScreen[bool]):
    """Ask a question; dismisses with True for yes and False for no or Esc."""

    DEFAULT_CSS = dialog_css("ConfirmDialog", fit_to_text=True)

    AUTO_FOCUS = "#no"

    def on_resize(self, event: events.Resize) -> None:
        fit_message(self, event)

    HELP = """
## Confirm
**y** answers yes, **n** or **Esc** answers no. **Left**/**Right** or **Tab** move between the buttons and
**Enter** presses the highlighted one (it starts on "No"). **Up**/**Down** scroll a long message.
"""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "cancel", "Cancel", id="confirm.cancel"),
        Binding("left", "switch_button", "Other button", show=False),
        Binding("right", "switch_button", "Other button", show=False),
        Binding("up,pageup", "scroll_body(-1)", "Scroll up", show=False),
        Binding("down,pagedown", "scroll_body(1)", "Scroll down", show=False),
    ]

    def __init__(self, title: str, message: str, *, yes_label: str = "Yes", no_label: str = "No") -> None:
        super().__init__()
        self.heading = title
        self.message = message
        self.yes_label = yes_label
        self.no_label = no_label

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = Content(self.heading)
            with VerticalScroll(id="body", can_focus=False):
                yield Static(self.message, id="message", markup=False)
            with Horizontal(id="buttons"):
                yield Button(Content(with_key(self.yes_label, "y")), id="yes", compact=True)
                yield Button(Content(with_key(self.no_label, "n")), id="no", compact=True)
        yield Footer()

    @on(Button.Pressed)
    def _button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_switch_button(self) -> None:
        """With two buttons, left and right both move to the other one."""
        other = "yes" if self.focused is not None and self.focused.id == "no" else "no"
        self.query_one(f"#{other}", Button).focus()

    def action_scroll_body(self, direction: int) -> None:
        scroll_body(self, direction)
