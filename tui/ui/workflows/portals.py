"""The portal workflows: the licensing-portal change (then the app closes) and the portal connections."""

from __future__ import annotations

from collections.abc import Callable

from tui.core.errors import AllSourceError
from tui.service.actions import Action, availability
from tui.ui.workflows.host import Host


async def configure_portal(app: Host) -> None:
    answer = availability(app.status, Action.CHANGE_LICENSING_PORTAL)
    if not answer.allowed:
        app.report(answer.reason, "error")
        return
    from screens.message_dialog import MessageDialog  # each dialog loads when first asked for (cold start)

    portal = await app.ask(app.licensing_portal_dialog())
    if portal is None:
        return
    await app.ask(MessageDialog(
        "Licensing portal changed",
        f"Your licensing portal is now {portal.url} ({portal.kind_label}). allsource-tui must close for the "
        "change to take effect: start it again and sign in to the new portal."))
    app.exit(0)


async def activate_portal(app: Host, url: str) -> None:
    """Make ``url`` active; on the licensing portal without a session, also go and sign in."""
    connection = next((c for c in app.status.connections if c.url == url), None)
    if connection is None:
        return
    if not connection.active:
        _apply(app, lambda: app.service.activate_portal(url), "{} is now the active portal.")
    if connection.licensing and not connection.signed_in:
        app.show_sign_in("Sign in to your licensing portal.")


async def add_portal(app: Host) -> None:
    from screens.add_portal_dialog import AddPortalDialog

    url = await app.ask(AddPortalDialog(app.service.add_portal))
    if url is not None:
        app.report(f"Added the portal connection {url}.")
        app.publish_status(select=url)


async def remove_portal(app: Host, url: str) -> None:
    answer = availability(app.status, Action.REMOVE_PORTAL, url)
    if not answer.allowed:  # e.g. the licensing portal: its sentence, nothing to confirm
        app.report(answer.reason, "error")
        return
    from screens.confirm_dialog import ConfirmDialog

    question = ConfirmDialog("Remove portal", f"Remove the portal connection {url}?", yes_label="Remove",
                             no_label="Keep")
    if await app.ask(question):
        _apply(app, lambda: app.service.remove_portal(url), "Removed {}.")


def _apply(app: Host, change: Callable[[], str], done: str) -> None:
    try:
        url = change()
    except AllSourceError as error:
        app.report(error.user_message, "error")
        return
    app.report(done.format(url))
    app.publish_status()
