"""The offline workflows: Edit Alias, authorizing ArcGIS AllSource to work offline (check-out), checking the license
in, and resolving a check-out that a crash interrupted.

Whether each may happen, and why not, is ``availability`` (tui/service/actions.py); the service refuses the same way
and guarantees that a failed flow leaves nothing half-stored, so these only ask, act and report.
"""

from __future__ import annotations

from tui.core.errors import AllSourceError, NotSignedIn, PortalUnreachable
from tui.core.models import OfflineLicense
from tui.service.actions import Action, availability
from tui.service.offline_policy import OFFLINE_DISABLED, organization_allows_offline
from tui.ui.widgets.text import until
from tui.ui.workflows.host import Host

OFFLINE_GROUP = "offline"
CHECKED_IN = "License checked in: ArcGIS AllSource is connected to your licensing portal again."


async def edit_alias(app: Host) -> None:
    from screens.alias_dialog import AliasDialog  # each dialog loads when first asked for (cold start)

    name = await app.ask(AliasDialog(app.service.default_alias()))
    if name is None:
        return
    try:
        alias = app.service.set_alias(name)
    except AllSourceError as error:
        app.report(error.user_message, "error")
        return
    app.report(f"Workstation alias is now '{alias}'.")
    app.publish_status()


async def authorize_offline(app: Host) -> None:
    """Ask Yes (stay connected) / No (sign out) / Esc (cancel), then check the license out to this computer."""
    try:
        answer = availability(app.status, Action.AUTHORIZE_OFFLINE)
        if not answer.allowed:
            app.report(answer.reason, "error")
            return
        from screens.offline_prompt import OfflinePrompt

        portal = app.status.licensing_portal.url
        refusal = await _organization_refusal(app)
        if refusal:  # before any question: the help page shows the error when the box is checked
            app.report(refusal, "error")
            return
        connect = await app.ask(OfflinePrompt(portal))
        if connect is None:
            app.report("Not authorized to work offline; nothing was taken offline.", "info")
            return
        app.show_offline_progress(True, "Authorizing ArcGIS AllSource to work offline…")
        app.report(f"Taking your license offline from {portal}…", "busy")
        try:
            offline = await app.service.authorize_offline(connect=connect)  # resolves an interrupted one first
        except AllSourceError as error:
            app.report(error.user_message, "error")
        else:
            app.report(authorized_sentence(offline, connected=connect))
    finally:
        app.show_offline_progress(False)
        app.publish_status()


async def _organization_refusal(app: Host) -> str:
    """Ask the portal whether the organization allows offline use: "" when it does (or does not say)."""
    if app.status.checkout_interrupted:
        return ""  # the service first resolves the interrupted check-out with the portal
    app.show_offline_progress(True, "Asking your licensing portal whether offline use is allowed…")
    try:
        allowed = await organization_allows_offline(app.service.call_with_token)
    except PortalUnreachable as error:
        return f"{error.user_message} Nothing was taken offline; check the box again once the portal answers."
    except AllSourceError as error:
        return error.user_message
    return OFFLINE_DISABLED if allowed is False else ""


def authorized_sentence(offline: OfflineLicense, *, connected: bool) -> str:
    """Short enough for one or two lines of the status line; the Licensing tab shows the details."""
    session = "you stay signed in" if connected else "you are signed out and work without signing in"
    return f"Authorized to work offline for {offline.username}, {until(offline.expires_at)}; {session}."


async def check_in(app: Host) -> None:
    """Refused here (another OS user, a lost credential): the sentence. Else tell the user a session on the licensing
    portal is needed, then check in at once when there is one, or after the sign-in window."""
    try:
        status = app.status
        offline, answer = status.offline, availability(status, Action.CHECK_IN)
        if offline is None or not (answer.allowed or answer.needs_sign_in):
            app.report(answer.reason, "error")
            return
        from screens.message_dialog import MessageDialog

        await app.ask(MessageDialog("Check in your license", _sign_in_again(offline, answer.allowed)))
        if availability(app.status, Action.CHECK_IN).allowed:
            await complete_check_in(app)
            return
        app.show_sign_in(answer.reason, then=lambda: app.run_workflow(complete_check_in(app), OFFLINE_GROUP))
    finally:
        app.show_offline_progress(False)
        app.publish_status()


def _sign_in_again(offline: OfflineLicense, signed_in: bool) -> str:
    if signed_in:  # no "you must sign in" then: the session it needs is already there
        return (f"You are signed in to {offline.portal_url} as {offline.username}, so the license is checked in "
                "now.\n\nOK checks it in.")
    return (f"You must sign in to your licensing portal again to check in the license: {offline.portal_url} as "
            f"{offline.username}, from this computer and this user account.\n\nOK opens the sign-in window; the "
            "license is checked in once you have signed in.")


async def complete_check_in(app: Host) -> None:
    """Return the license (after the sign-in the check-in asked for, or at once when already signed in)."""
    app.show_offline_progress(True, "Checking the license in…")
    app.report(f"Checking your license in with {app.status.licensing_portal.url}…", "busy")
    try:
        await app.service.check_in()
    except AllSourceError as error:
        checked_in = app.publish_status().offline is None  # the license came back but the fresh read failed
        app.report(f"{CHECKED_IN[:-1]}, but: {error.user_message}" if checked_in else error.user_message, "error")
    else:  # a lost answer resolved by asking the portal, or a failed read afterwards: said after the success
        app.report(" ".join([CHECKED_IN, *app.service.take_reconciled()]))
    finally:
        app.show_offline_progress(False)
        app.publish_status()


async def recover_checkout(app: Host) -> None:
    """At start: a check-out intent of this computer means an earlier run stopped half way; ask the portal."""
    try:
        offline = await app.service.recover_checkout()
    except NotSignedIn:
        app.run_after_sign_in(lambda: app.run_workflow(recover_checkout(app), OFFLINE_GROUP))
        app.notify_quietly("Taking the license offline was interrupted last time; this is resolved once you sign in.",
                           title="Offline authorization")
        return
    except AllSourceError as error:
        app.notify_quietly("Taking the license offline was interrupted last time and could not be resolved yet: "
                           f"{error.user_message}", title="Offline authorization", warning=True)
        return
    if offline is not None:
        app.report("The interrupted offline authorization was completed: "
                   + authorized_sentence(offline, connected=app.publish_status().signed_in))
    app.publish_status()
