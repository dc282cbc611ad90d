"""The messages between the screens and the App: intents go up, the new status comes down.

Screens and widgets never call the App or the service to change anything: they post one of these intents, which
bubbles to ``LicenseApp``; the App alone runs the workflow (tui/ui/workflows/), sequences the dialogs and then posts
``StatusChanged`` to every screen, which renders it. Pure data: no Textual widget, screen or service is imported here.
"""

from __future__ import annotations

from textual.message import Message

from tui.service.status import Status


# --- down: the App tells the screens -------------------------------------------------------------------------------
class StatusChanged(Message):
    """The state changed (or was re-read): redraw from ``status``; nothing else is read."""

    def __init__(self, status: Status, *, select: str | None = None) -> None:
        super().__init__()
        self.status = status
        self.select = select  # a portal connection to highlight (the one just added)


# --- up: what the user asked for -----------------------------------------------------------------------------------
class SignIn(Message):
    """Sign in with a username and password (the sign-in window's form)."""

    def __init__(self, username: str, password: str, auto: bool) -> None:
        super().__init__()
        self.username, self.password, self.auto = username, password, auto


class SignInWithSso(Message):
    """Open "Sign in with your organization (SSO)"."""

    def __init__(self, auto: bool) -> None:
        super().__init__()
        self.auto = auto


class ShowSignIn(Message):
    """Go to the sign-in window (e.g. the start page's sign-in key while working offline)."""

    def __init__(self, notice: str) -> None:
        super().__init__()
        self.notice = notice


class BackToStart(Message):
    """Leave the sign-in window for the start page (working offline: the window is not a trap)."""


class SignOut(Message):
    """Sign out (after a confirmation)."""


class RefreshLicense(Message):
    """Read the license again from the licensing portal."""


class CancelLicenseCheck(Message):
    """Esc while the license is being read: stop the read (nothing is saved until it completes)."""


class OpenSettings(Message):
    def __init__(self, tab: str = "licensing", focus_pane: bool = False) -> None:
        super().__init__()
        self.tab, self.focus_pane = tab, focus_pane


class EditAlias(Message):
    """Open Edit Alias and save the workstation alias."""


class AuthorizeOffline(Message):
    """Check the license out to this computer (asks whether to stay connected)."""


class CheckIn(Message):
    """Return the offline license (leads through the sign-in when needed)."""


class ConfigurePortal(Message):
    """Open "Configure your licensing options" (change the licensing portal)."""


class ActivatePortal(Message):
    """Make ``url`` the active portal; on the licensing portal without a session, also go and sign in."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url


class AddPortal(Message):
    """Open Add Portal."""


class RemovePortal(Message):
    """Remove the portal connection ``url`` (after a confirmation)."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url


class Troubleshoot(Message):
    """Run the sign-in troubleshooting checks (`allsource-tui doctor`) and show their report."""
