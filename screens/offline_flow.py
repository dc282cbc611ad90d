"""The offline workflows as the TUI runs them: Edit Alias, authorizing ArcGIS AllSource to work offline (check-out),
checking the license in, and resolving a check-out that a crash interrupted.

They run as App workers, not on the Licensing tab: leaving Settings must never cancel a check-out whose request the
portal may already have answered. Each flow reports its outcome with ``app.report`` (status line and toast) and
publishes the new status, which redraws the Licensing tab and the start page. The service guarantees that a failed
flow leaves nothing half-stored.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from screens.alias_dialog import AliasDialog
from screens.confirm_dialog import ConfirmDialog
from screens.message_dialog import MessageDialog
from screens.offline_prompt import OfflinePrompt
from tui.core.errors import AllSourceError, NotSignedIn
from tui.service.status import Status
from tui.ui.widgets.text import short_date

if TYPE_CHECKING:
    from tui.core.models import OfflineLicense
    from tui.ui.app import LicenseApp

OFFLINE_GROUP = "offline"


class ShowsProgress(Protocol):
    """The Licensing tab's offline section: a disabled checkbox and a progress line while a flow runs."""

    def set_busy(self, busy: bool, text: str = "") -> None: ...


class NoProgress:
    def set_busy(self, busy: bool, text: str = "") -> None:
        """Nothing to show: the flow continues after the Licensing tab was closed (e.g. after the sign-in)."""


def run_offline(app: LicenseApp, flow: Coroutine[Any, Any, None]) -> None:
    app.run_worker(flow, group=OFFLINE_GROUP, exclusive=True)


# --- Edit Alias ------------------------------------------------------------------------------------------------------
async def edit_alias(app: LicenseApp) -> None:
    service = app.service
    name = await app.push_screen_wait(AliasDialog(service.default_alias()))
    if name is None:
        return
    try:
        alias = service.set_alias(name)
    except AllSourceError as error:
        app.report(error.user_message, "error")
        return
    app.report(f"Workstation alias is now '{alias}'.")
    app.publish_status()


# --- check-out ----------------------------------------------------------------------------------------------------
async def authorize_offline(app: LicenseApp, progress: ShowsProgress) -> None:
    """Ask Yes (stay connected) / No (sign out) / Esc (cancel), then check the license out to this computer."""
    service = app.service
    try:
        connect = await app.push_screen_wait(OfflinePrompt(service.licensing_portal().url))
        if connect is None:
            app.report("Not authorized to work offline; nothing was taken offline.", "info")
            return
        progress.set_busy(True, "Authorizing ArcGIS AllSource to work offline…")
        app.report(f"Taking your license offline from {service.licensing_portal().url}…", "busy")
        try:
            offline = await _check_out(app, connect=connect)
        except AllSourceError as error:
            app.report(error.user_message, "error")
        else:
            app.report(authorized_sentence(offline, connected=connect))
    finally:
        progress.set_busy(False)
        app.publish_status()


async def _check_out(app: LicenseApp, *, connect: bool) -> OfflineLicense:
    """An earlier attempt whose answer was lost (the portal unreachable) is resolved first: never two check-outs."""
    service = app.service
    offline = await service.recover_checkout()  # no intent on record: None, without asking the portal
    if offline is None:
        return await service.authorize_offline(connect=connect)
    if not connect:
        await service.sign_out()
    return offline


def authorized_sentence(offline: OfflineLicense, *, connected: bool) -> str:
    """Short enough for one or two lines of the status line; the Licensing tab shows the details."""
    session = "you stay signed in" if connected else "you are signed out and work without signing in"
    return f"Authorized to work offline for {offline.username}, expires {short_date(offline.expires_at)}; {session}."


# --- check-in -----------------------------------------------------------------------------------------------------
async def check_in_offline(app: LicenseApp, progress: ShowsProgress) -> None:
    """Unchecked while offline: tell the user to sign in again, then check in (at once when already signed in)."""
    try:
        await _check_in(app, progress)
    finally:
        progress.set_busy(False)
        app.publish_status()


async def _check_in(app: LicenseApp, progress: ShowsProgress) -> None:
    status = app.service.status()
    offline = status.offline
    if offline is None or not await _licensing_portal_active(app, status):
        return
    signed_in = _signed_in_to(status, offline.portal_url)
    if not signed_in and await _refused_or_done_without_sign_in(app):
        return
    await app.push_screen_wait(MessageDialog("Check in your license", _sign_in_again(offline, signed_in)))
    if _signed_in_to(app.service.status(), offline.portal_url):
        await complete_check_in(app, progress)
        return
    app.show_sign_in(f"Sign in to {offline.portal_url} as {offline.username} to check in your offline license.",
                     then=lambda: run_offline(app, complete_check_in(app)))


def _sign_in_again(offline: OfflineLicense, signed_in: bool) -> str:
    if signed_in:  # no "you must sign in" then: the session it needs is already there
        return (f"You are signed in to {offline.portal_url} as {offline.username}, so the license is checked in "
                "now.\n\nOK checks it in.")
    return (f"You must sign in to your licensing portal again to check in the license: {offline.portal_url} as "
            f"{offline.username}, from this computer and this user account.\n\nOK opens the sign-in window; the "
            "license is checked in once you have signed in.")


def _signed_in_to(status: Status, portal_url: str) -> bool:
    return status.signed_in and status.session is not None and status.session.portal_url == portal_url


async def _refused_or_done_without_sign_in(app: LicenseApp) -> bool:
    """Check this computer's own conditions (OS user, device credential) before sending the user to sign in.

    Without a session on the licensing portal the service refuses before any network call, and it checks these
    conditions first; so this call answers them, and only "not signed in" sends the user on to sign in.
    """
    try:
        await app.service.check_in()
    except NotSignedIn:
        return False
    except AllSourceError as error:
        app.report(error.user_message, "error")
        return True
    app.report(CHECKED_IN)  # a session appeared meanwhile: already done
    return True


async def _licensing_portal_active(app: LicenseApp, status: Status) -> bool:
    """The license is checked in through the licensing portal, which must be the active portal: offer to switch."""
    licensing = status.licensing_portal.url
    if status.active_portal == licensing:
        return True
    sentence = (f"Your licensing portal {licensing} is not the active portal ({status.active_portal}); the license "
                "is checked in through the licensing portal.")
    question = ConfirmDialog("Check in your license", f"{sentence} Make {licensing} the active portal and continue?",
                             yes_label="Make active", no_label="Keep it as it is")
    if not await app.push_screen_wait(question):
        app.report(sentence, "error")
        return False
    app.service.activate_portal(licensing)
    return True


CHECKED_IN = "License checked in: ArcGIS AllSource is connected to your licensing portal again."


async def complete_check_in(app: LicenseApp, progress: ShowsProgress | None = None) -> None:
    """Return the license (after the sign-in the check-in asked for, or at once when already signed in)."""
    progress = progress or NoProgress()
    service = app.service
    progress.set_busy(True, "Checking the license in…")
    app.report(f"Checking your license in with {service.licensing_portal().url}…", "busy")
    try:
        await service.check_in()
    except AllSourceError as error:
        checked_in = service.status().offline is None  # the license came back but the fresh read failed
        app.report(f"{CHECKED_IN[:-1]}, but: {error.user_message}" if checked_in else error.user_message, "error")
    else:
        app.report(CHECKED_IN)
    finally:
        progress.set_busy(False)
        app.publish_status()


# --- crash recovery -----------------------------------------------------------------------------------------------
def resume_interrupted_checkout(app: LicenseApp) -> None:
    """At start: a check-out intent for this computer means an earlier run stopped half way; ask the portal."""
    service = app.service
    if service.machine.machine_key in service.read_state().intents:
        # after the first screen is up, so the outcome lands on its status line
        app.call_after_refresh(lambda: run_offline(app, recover_checkout(app)))


async def recover_checkout(app: LicenseApp) -> None:
    try:
        offline = await app.service.recover_checkout()
    except NotSignedIn:
        app.after_sign_in = lambda: run_offline(app, recover_checkout(app))
        app.notify("Taking the license offline was interrupted last time; this is resolved once you sign in.",
                   title="Offline authorization", markup=False)
        return
    except AllSourceError as error:
        app.notify(f"Taking the license offline was interrupted last time and could not be resolved yet: "
                   f"{error.user_message}", title="Offline authorization", severity="warning", timeout=10,
                   markup=False)
        return
    if offline is not None:
        app.report("The interrupted offline authorization was completed: " + authorized_sentence(offline,
                   connected=app.service.status().signed_in))
    app.publish_status()
