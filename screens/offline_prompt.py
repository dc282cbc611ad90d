"""OfflinePrompt: the question asked when "Authorize ArcGIS AllSource to work offline" is checked.

Yes keeps the portal session (to access or share content), No ends it, and Esc cancels the authorization. Unlike
ConfirmDialog, Esc is not a "No" here: No still checks the license out, so Esc must be told apart (None).
"""

from __future__ import annotations

from textual.widgets import Button

from screens.confirm_dialog import ConfirmDialog

QUESTION = ("Do you want to connect to an active portal to access or share content?\n\n"
            "Yes: stay signed in to {portal} while you work offline.\n"
            "No: sign out now; ArcGIS AllSource keeps working without signing in, and you can connect later.\n"
            "Esc: cancel; the license is not taken offline.")


class OfflinePrompt(ConfirmDialog):
    """Dismisses with True (Yes, stay connected), False (No, sign out) or None (Esc, cancel)."""

    HELP = """
## Authorize ArcGIS AllSource to work offline
**y** (Yes) takes the license offline and keeps you signed in to the portal; **n** (No) takes it offline and
signs you out. **Esc** cancels: nothing is taken offline. **Left**/**Right** move between the buttons.
"""

    def __init__(self, portal_url: str) -> None:
        super().__init__("Authorize ArcGIS AllSource to work offline", QUESTION.format(portal=portal_url))

    def on_mount(self) -> None:
        # ConfirmDialog's own on_mount (run after this one) focuses No; Yes changes less here: the session stays
        self.call_after_refresh(self.query_one("#yes", Button).focus)

    def action_cancel(self) -> None:
        self.dismiss(None)  # the third answer: cancel
