"""The session workflows: the password sign-in, sign-out, and reading the license again."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from tui.core.errors import AllSourceError, NoLicenseError, NotSignedIn
from tui.service.actions import Action, availability
from tui.ui.widgets.text import short_date
from tui.ui.workflows.host import Host

log = logging.getLogger("tui.ui")
LICENSE_GROUP = "license"

if TYPE_CHECKING:
    from screens.sign_in import SignInScreen

SIGN_IN_GROUP = "portal"


async def sign_in(app: Host, form: SignInScreen, username: str, password: str, auto: bool) -> None:
    """The form shows the progress and the failure; success replaces it with the start page."""
    form.set_busy(True, f"Signing in to {app.status.licensing_portal.url} as {username}…")
    try:
        await app.service.sign_in(username, password, auto=auto)
    except AllSourceError as error:
        form.show_failure(error)
    else:
        app.signed_in()
    finally:
        if get_current_worker() is form.attempt:  # a newer attempt (a second Enter) keeps its progress line
            form.set_busy(False)


async def sign_out(app: Host) -> None:
    answer = availability(app.status, Action.SIGN_OUT)
    if not answer.allowed:
        app.report(answer.reason, "info")
        return
    from screens.confirm_dialog import ConfirmDialog  # loaded when first asked for, not before the first frame

    question = ConfirmDialog("Sign out", "Sign out of ArcGIS AllSource? The next start asks you to sign in again, "
                             "and this computer stops counting towards your three.",
                             yes_label="Sign out [y]", no_label="Stay signed in [n]")
    if not await app.ask(question):
        return
    try:
        notices = await app.service.sign_out()
    except AllSourceError as error:
        app.report(error.user_message, "error")
        return
    if app.status.offline is not None:  # the offline license still lets ArcGIS AllSource start: no dead end
        app.show_start(" ".join(notices) or "You signed out; working offline. Press i to sign in again.")
        return
    app.show_sign_in(" ".join(notices) or "You signed out. Sign in to use ArcGIS AllSource again.")


async def check_license(app: Host) -> None:
    """Re-read the license from the licensing portal (at start, and with the refresh key); Esc on Settings while it
    runs cancels it (CancelLicenseCheck): the read saves nothing until it completes, so the state stays as it was."""
    status = app.status
    answer = availability(status, Action.REFRESH_LICENSE)
    if not answer.allowed:
        app.report(answer.reason, "info")
    else:
        app.report(f"Reading your license from {status.licensing_portal.url}…", "busy")
        try:
            await app.service.refresh_license()
        except asyncio.CancelledError:
            app.report("Reading the license was cancelled; the license shown is the one read before.", "info")
            app.publish_status()  # ends the Licensing tab's loading state
            raise
        except NotSignedIn as error:
            app.show_sign_in(error.user_message)
        except AllSourceError as error:
            app.report(_license_failure(app, error), "error")
        else:  # the portal wins: a record it no longer holds was reconciled, and the status line says so
            app.report(" ".join(app.service.take_reconciled()) or "License read from the licensing portal.")
    app.publish_status()  # also ends the Licensing tab's loading state


def _license_failure(app: Host, error: AllSourceError) -> str:
    checked = app.publish_status().license
    if isinstance(error, NoLicenseError) or checked is None:
        return error.user_message
    return f"{error.user_message} Showing the license read on {short_date(checked.checked_at)}."


async def end_unkept_session(app: Host) -> None:
    """At exit: a session signed in with "Sign in automatically" unticked is revoked and forgotten; a portal that
    can't be reached then leaves it to expire (its record is still removed: nothing is kept for the next start)."""
    try:
        await app.service.end_unkept_session()
    except AllSourceError as error:
        log.debug("Could not end the session at exit: %s", error.user_message)
