"""Sign-in troubleshooting from the sign-in window: run the doctor's checks and show their report."""

from __future__ import annotations

from screens.troubleshoot_dialog import TroubleshootDialog
from tui.core.errors import AllSourceError
from tui.ui.workflows.host import Host

TROUBLESHOOT_GROUP = "troubleshoot"


async def troubleshoot(app: Host, report: TroubleshootDialog) -> None:
    """``report`` is already open with its progress line; it gets the checks' text (or why they could not run)."""
    from tui.doctor import troubleshoot_text  # lazy: the checks load the HTTP stack, which the first frame doesn't need

    try:
        text = await troubleshoot_text(app.service)
    except AllSourceError as error:
        text = error.user_message
    report.show_report(text)
