"""LicensingPortalDialog: the "Licensing" dialog, "Configure your licensing options".

The user picks ArcGIS Online or ArcGIS Enterprise and types the portal URL; the URL is checked as they type by
``tui.core.urls`` (docs/portal-protocol.md, "Licensing portal URLs"). OK hands kind and URL to
``service.set_licensing_portal`` in an exclusive worker, which asks the portal what it is before saving. If the
portal can't be reached the dialog offers "Save anyway" (F2). ``service`` is any object with that coroutine method,
so tests can pass a fake. The caller tells the user the change needs a restart.
"""

from __future__ import annotations

from typing import Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from screens.dialog import Dialog
from tui.core.errors import AllSourceError, PortalUnreachable, PortalUrlError
from tui.core.models import LicensingPortal
from tui.core.settings import PortalKind
from tui.core.urls import normalize_portal_url, validate_portal_url_as_you_type
from tui.ui.widgets import restyle
from tui.ui.widgets.footer import Footer

KIND_LABELS: dict[PortalKind, str] = {"online": "ArcGIS Online", "enterprise": "ArcGIS Enterprise"}
URL_EXAMPLES: dict[PortalKind, str] = {
    "online": "https://www.arcgis.com or https://<urlKey>.maps.arcgis.com",
    "enterprise": "https://<host>[:port]/<webadaptor>",
}
EXAMPLE_NOTES: dict[PortalKind, str] = {"online": "", "enterprise": " (no www. in the host)"}
SAVE_GROUP = "licensing-portal-dialog"  # the check-and-save worker (the App's WORKFLOW_GROUPS names it too)


def example_text(kind: PortalKind) -> str:
    return f"Example: {URL_EXAMPLES[kind]}{EXAMPLE_NOTES[kind]}"


def url_feedback(text: str, kind: PortalKind) -> tuple[str, bool]:
    """The line under the URL field and whether it reports a problem."""
    problem = validate_portal_url_as_you_type(text, kind)
    if problem is not None:
        return f"Error: {problem}", True
    if not text.strip() or "https://".startswith(text.strip().lower()):
        return f"Type the URL of your {KIND_LABELS[kind]} portal.", False
    return f"Valid URL: it will be saved as {normalize_portal_url(text, kind)}", False


class PortalUrlRule(Validator):
    """Textual adapter for the as-you-type URL rules of the kind currently chosen."""

    def __init__(self, dialog: LicensingPortalDialog) -> None:
        super().__init__()
        self.dialog = dialog

    def validate(self, value: str) -> ValidationResult:
        problem = validate_portal_url_as_you_type(value, self.dialog.kind)
        return self.success() if problem is None else self.failure(problem)


class KindRadio(RadioButton):
    """A radio button whose state reads as text, not only colour: "(•)" chosen, "( )" not."""

    @property
    def _button(self) -> Content:
        return Content.assemble(("(•)" if self.value else "( )", self.get_visual_style("toggle--button")))


class LicensingPortalDialog(Dialog[LicensingPortal | None]):
    """Choose the licensing portal; dismisses with the saved LicensingPortal, or None on cancel."""

    DEFAULT_CSS = """
    LicensingPortalDialog {
        & #heading { text-style: bold; }
        & #current, #example { color: $text-muted; }
        & #kind { border: round $border-blurred; padding: 0 1; background: $surface; }
        & #kind:focus { border: round $border; }
        & #url { border: round $border-blurred; padding: 0 1; }
        & #url:focus { border: round $border; }
        & #url.-invalid { border: round $error 60%; }
        & #url.-invalid:focus { border: round $error; }
        & #url-feedback { color: $text-muted; }
        & .-error { color: $text-error; }
        & #status { height: auto; }
        & #save-anyway { display: none; }
        &.-offer-save #save-anyway { display: block; }
    }
    """

    HELP = """
## Licensing portal
**F3** chooses ArcGIS Online and **F4** ArcGIS Enterprise (or Shift+Tab to the choice, arrows, Space).
Type the URL; the line under it says whether it is valid. **Enter** checks the portal and saves,
**F2** saves anyway when the portal can't be reached, **Esc** closes without saving.
"""

    BINDINGS = [
        Binding("f3", "choose_kind('online')", "ArcGIS Online", id="portal_dialog.online"),
        Binding("f4", "choose_kind('enterprise')", "ArcGIS Enterprise", id="portal_dialog.enterprise"),
        Binding("f2", "save_anyway", "Save anyway", id="portal_dialog.save_anyway"),
        Binding("escape", "cancel", "Cancel", id="portal_dialog.cancel"),
    ]

    def __init__(self, service: Any, current: LicensingPortal) -> None:
        super().__init__()
        self.service = service
        self.current = current
        self.kind: PortalKind = current.kind
        self.busy = False
        self.unreachable: tuple[PortalKind, str] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Licensing"
            with VerticalScroll(id="body", can_focus=False):
                yield Static("Configure your licensing options", id="heading")
                yield Static(f"Current: {self.current.url} ({self.current.kind_label})", id="current", markup=False)
                with RadioSet(id="kind"):
                    for kind, label in KIND_LABELS.items():
                        yield KindRadio(label, value=kind == self.kind, id=kind)
                yield Label("URL", id="url-label")
                yield Input(self.current.url, placeholder=URL_EXAMPLES[self.kind], id="url",
                            validators=[PortalUrlRule(self)], validate_on=["changed", "submitted"])
                yield Static(example_text(self.kind), id="example", markup=False)
                yield Static("", id="url-feedback", markup=False)
                yield Static("", id="status", markup=False)
            with Horizontal(id="buttons"):
                yield Button(Content("OK [Enter]"), id="ok", compact=True)
                yield Button(Content("Save anyway [F2]"), id="save-anyway", compact=True)
                yield Button(Content("Cancel [Esc]"), id="cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        restyle.mounted(self)  # styled again when shown only after a CSS change
        self.url_input.focus()
        self._refresh_url_feedback()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        restyle.resume(self, event)

    def start_over(self, current: LicensingPortal) -> None:
        """Shown again (the App keeps this dialog): as if new for ``current``, nothing left of the last time."""
        self.current, self.kind = current, current.kind
        self._set_busy(False)
        self._set_status("")
        self._set_offer(None)
        self.query_one("#current", Static).update(f"Current: {current.url} ({current.kind_label})")
        self.query_one(f"#{current.kind}", KindRadio).value = True
        self.url_input.placeholder = URL_EXAMPLES[current.kind]
        self.query_one("#example", Static).update(example_text(current.kind))
        self.url_input.value = current.url
        self.url_input.action_end()
        self.url_input.validate(current.url)
        self.query_one("#body", VerticalScroll).scroll_home(animate=False)
        self.url_input.focus()
        self._refresh_url_feedback()

    @property
    def url_input(self) -> Input:
        return self.query_one("#url", Input)

    # --- choosing the kind and typing the URL ----------------------------------------------------------------------
    @on(RadioSet.Changed, "#kind")
    def _kind_changed(self, event: RadioSet.Changed) -> None:
        self.kind = "enterprise" if event.pressed.id == "enterprise" else "online"
        self.url_input.placeholder = URL_EXAMPLES[self.kind]
        self.query_one("#example", Static).update(example_text(self.kind))
        self.url_input.validate(self.url_input.value)
        self._forget_attempt()

    def action_choose_kind(self, kind: PortalKind) -> None:
        self.query_one(f"#{kind}", KindRadio).value = True

    @on(Input.Changed, "#url")
    def _url_changed(self, event: Input.Changed) -> None:
        self._forget_attempt()

    def _refresh_url_feedback(self) -> bool:
        """Show the URL's verdict under the field; True when it reports a problem."""
        text, is_error = url_feedback(self.url_input.value, self.kind)
        feedback = self.query_one("#url-feedback", Static)
        feedback.update(text)
        feedback.set_class(is_error, "-error")
        return is_error

    def _forget_attempt(self) -> None:
        """Kind or URL changed: the last answer from the portal no longer applies."""
        self._refresh_url_feedback()
        if not self.busy:
            self._set_status("")
        self._set_offer(None)

    # --- the ways out ----------------------------------------------------------------------------------------------
    @on(Input.Submitted, "#url")
    def _url_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_ok()

    @on(Button.Pressed)
    def _button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {"ok": self.action_ok, "save-anyway": self.action_save_anyway, "cancel": self.action_cancel}
        actions[event.button.id or "cancel"]()

    def action_ok(self) -> None:
        if self.busy:
            return
        try:
            url = normalize_portal_url(self.url_input.value, self.kind)
        except PortalUrlError as error:
            shown_under_field = self._refresh_url_feedback()  # then the same sentence isn't repeated below it
            self._set_status("" if shown_under_field else f"Error: {error.user_message}", error=not shown_under_field)
            self.url_input.focus()
            return
        self._save(self.kind, url, save_if_unreachable=False)

    def action_save_anyway(self) -> None:
        if self.unreachable is not None and not self.busy:
            kind, url = self.unreachable
            self._save(kind, url, save_if_unreachable=True)

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, SAVE_GROUP)  # kept, not removed: its check must end here
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save_anyway":
            return self.unreachable is not None
        return True

    @work(exclusive=True, group=SAVE_GROUP)
    async def _save(self, kind: PortalKind, url: str, *, save_if_unreachable: bool) -> None:
        self._set_busy(True)
        self._set_status(f"Checking {url} … (Esc cancels)")
        try:
            portal = await self.service.set_licensing_portal(kind, url, save_if_unreachable=save_if_unreachable)
        except PortalUnreachable as error:
            self._set_busy(False)
            self._set_status(f"Error: {error.user_message} Press F2 to save anyway.", error=True)
            self._set_offer((kind, url))
        except AllSourceError as error:
            self._set_busy(False)
            self._set_status(f"Error: {error.user_message}", error=True)
        else:
            self.dismiss(portal)

    # --- showing state ---------------------------------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.query_one("#ok", Button).disabled = busy
        self.query_one("#save-anyway", Button).disabled = busy

    def _set_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(text)
        status.set_class(error, "-error")

    def _set_offer(self, attempt: tuple[PortalKind, str] | None) -> None:
        if attempt == self.unreachable:
            return  # typing calls this on every key: don't rebuild the Footer for nothing
        self.unreachable = attempt
        self.set_class(attempt is not None, "-offer-save")
        self.refresh_bindings()
