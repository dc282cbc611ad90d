"""AliasDialog: "Edit Alias", the workstation alias that names this computer in the administrator's license views.

The rules live in ``tui.service.offline.validate_alias`` (empty, too long, control characters); the dialog shows its
sentence under the field while the user types, and OK only dismisses with a valid, cleaned alias.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Label, Static

from screens.dialog import Dialog
from tui.core.errors import UsageError
from tui.service.offline import MAX_ALIAS_LENGTH, validate_alias
from tui.ui.widgets.footer import Footer

HINT = f"Valid alias (at most {MAX_ALIAS_LENGTH} characters)."


class AliasRule(Validator):
    """Textual adapter for ``validate_alias``: the failure text is its sentence."""

    def validate(self, value: str) -> ValidationResult:
        problem = alias_problem(value)
        return self.success() if problem is None else self.failure(problem)


def alias_problem(value: str) -> str | None:
    """The sentence saying why ``value`` can't be the alias, or None when it can."""
    try:
        validate_alias(value)
    except UsageError as error:
        return error.user_message
    return None


class AliasDialog(Dialog[str | None]):
    """Edit the workstation alias; dismisses with the cleaned alias, or None on cancel."""

    DEFAULT_CSS = """
    AliasDialog {
        & #intro { color: $text-muted; margin-bottom: 1; }
        & #alias { border: round $border-blurred; padding: 0 1; }
        & #alias:focus { border: round $border; }
        & #alias.-invalid { border: round $error 60%; }
        & #alias.-invalid:focus { border: round $error; }
        & #alias-feedback { color: $text-muted; }
        & #alias-feedback.-error { color: $text-error; }
    }
    """

    HELP = """
## Edit Alias
Type a name for this computer. **Enter** saves it (only when the line under the field starts with
"Valid"), **Esc** closes the dialog without saving, **Tab** moves to the buttons.
"""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="alias.cancel")]

    def __init__(self, current: str | None) -> None:
        super().__init__()
        self.current = current or ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Edit Alias"
            with VerticalScroll(id="body", can_focus=False):
                yield Static("Type a name that helps you and your administrator recognise this computer, for "
                             "example when its license is checked out to work offline.", id="intro")
                yield Label("Workstation alias", id="alias-label")
                yield Input(self.current, id="alias", validators=[AliasRule()],
                            validate_on=["changed", "submitted"], valid_empty=False)
                yield Static(HINT, id="alias-feedback", markup=False)
            with Horizontal(id="buttons"):
                yield Button(Content("OK [Enter]"), id="ok", compact=True)
                yield Button(Content("Cancel [Esc]"), id="cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.alias_input.focus()
        self._show_feedback(alias_problem(self.alias_input.value))

    @property
    def alias_input(self) -> Input:
        return self.query_one("#alias", Input)

    @on(Input.Changed, "#alias")
    def _alias_changed(self, event: Input.Changed) -> None:
        self._show_feedback(alias_problem(event.value))

    @on(Input.Submitted, "#alias")
    def _alias_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_ok()

    @on(Button.Pressed, "#ok")
    def _ok_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_ok()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def action_ok(self) -> None:
        value = self.alias_input.value
        problem = alias_problem(value)
        self._show_feedback(problem)
        if problem is None:
            self.dismiss(validate_alias(value))
        else:
            self.alias_input.focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _show_feedback(self, problem: str | None) -> None:
        feedback = self.query_one("#alias-feedback", Static)
        feedback.update(HINT if problem is None else f"Error: {problem}")
        feedback.set_class(problem is not None, "-error")
        self.alias_input.set_class(problem is not None, "-invalid")
