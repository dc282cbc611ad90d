"""AddPortalDialog: "Add Portal", a new portal connection for the Portals tab.

The URL is checked as the user types (``tui.core.urls``, the same kind guess as ``service.add_portal``); OK hands it to
``add`` (``service.add_portal``), whose UsageError sentence stays under the field. The dialog dismisses with the
normalised URL that was added, or None on cancel.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Label, Static

from screens.dialog import Dialog
from tui.core.errors import UsageError
from tui.core.urls import guess_kind, validate_portal_url_as_you_type
from tui.ui.widgets.footer import Footer

HINT = "Example: https://<urlKey>.maps.arcgis.com or https://<host>[:port]/<webadaptor>"


def url_problem(text: str) -> str | None:
    """The sentence saying why ``text`` can't be a portal URL yet, or None."""
    return validate_portal_url_as_you_type(text, guess_kind(text) or "enterprise")


class AddPortalDialog(Dialog[str | None]):
    """Add a portal connection; dismisses with the URL ``add`` stored, or None on cancel."""

    DEFAULT_CSS = """
    AddPortalDialog {
        & #portal-url { border: round $border-blurred; padding: 0 1; }
        & #portal-url:focus { border: round $border; }
        & #portal-url.-invalid { border: round $error 60%; }
        & #portal-url.-invalid:focus { border: round $error; }
        & #url-feedback { color: $text-muted; }
        & #url-feedback.-error { color: $text-error; }
    }
    """

    HELP = """
## Add Portal
Type or paste the portal's https URL. **Enter** adds it (a line under the field says what is wrong if it
can't be added), **Esc** closes the dialog without adding anything.
"""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="add_portal.cancel")]

    def __init__(self, add: Callable[[str], str]) -> None:
        super().__init__()
        self.add = add

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Add Portal"
            with VerticalScroll(id="body", can_focus=False):
                yield Label("Portal URL", id="url-label")
                yield Input(placeholder="https://…", id="portal-url")
                yield Static(HINT, id="url-feedback", markup=False)
            with Horizontal(id="buttons"):
                yield Button(Content("OK [Enter]"), id="ok", compact=True)
                yield Button(Content("Cancel [Esc]"), id="cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.url_input.focus()

    @property
    def url_input(self) -> Input:
        return self.query_one("#portal-url", Input)

    @on(Input.Changed, "#portal-url")
    def _url_changed(self, event: Input.Changed) -> None:
        self._show_problem(url_problem(event.value))

    @on(Input.Submitted, "#portal-url")
    def _url_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_ok()

    @on(Button.Pressed)
    def _button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_ok() if event.button.id == "ok" else self.action_cancel()

    def action_ok(self) -> None:
        try:
            added = self.add(self.url_input.value)
        except UsageError as error:
            self._show_problem(error.user_message)
            self.url_input.focus()
            return
        self.dismiss(added)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _show_problem(self, problem: str | None) -> None:
        feedback = self.query_one("#url-feedback", Static)
        feedback.update(HINT if problem is None else f"Error: {problem}")
        feedback.set_class(problem is not None, "-error")
        self.url_input.set_class(problem is not None, "-invalid")
