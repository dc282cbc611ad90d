"""The organization administrator's workflows (Settings › Organization): reading who holds ArcGIS AllSource, and
carrying out the actions the member dialog already confirmed.

The rules live in tui/service/admin.py (every action re-reads the member first; a checked-out license can't be
changed). Here: progress while reading, the pane updated with the member as the portal now sees it, and on a refusal
the sentence under the table with the table left as it was. A member whose license turned out to be checked out is
offered a release.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from screens.confirm_dialog import ConfirmDialog
from screens.member_dialog import AdminAction
from screens.organization_pane import OrganizationPane
from tui.core.errors import AllSourceError
from tui.service.admin_model import Member, MemberCheckedOut
from tui.ui.workflows.host import Host

if TYPE_CHECKING:
    from tui.service.admin import OrganizationAdmin

LOAD_GROUP = "organization"
ACTION_GROUP = "organization-actions"  # not exclusive: a second action must never cancel one under way


def organization_pane(screen: Screen) -> OrganizationPane | None:
    """The pane a message came from: on the Settings screen showing (dialogs are closed by then)."""
    return next(iter(screen.query(OrganizationPane)), None)


def _admin(app: Host) -> OrganizationAdmin:
    from tui.service.admin import organization_admin  # lazy: the listing code loads the HTTP stack

    return organization_admin(app.service)


async def load_members(app: Host, pane: OrganizationPane) -> None:
    """Every member holding a license (all pages), and the organization's offline setting, into the pane."""
    def progress(done: int, total: int) -> None:
        pane.show_progress(f"Reading the organization's members… {done} of {total}")

    admin = _admin(app)
    app.report("Reading who holds ArcGIS AllSource in your organization…", "busy")
    try:
        members = await admin.members(progress)
        offline_allowed = await admin.offline_allowed()
    except AllSourceError as error:
        pane.load_failed(error.user_message)
        app.report(error.user_message, "error")
        return
    pane.show_members(members, offline_allowed=offline_allowed)
    app.report(f"{len(members)} members hold an ArcGIS AllSource license.", "info")


async def perform(app: Host, pane: OrganizationPane, action: AdminAction) -> None:
    """One confirmed action; the pane shows the member as re-read afterwards, or why the portal refused."""
    app.report(_working(action), "busy")
    member: Member | None
    try:
        if action.kind == "release":
            outcome = await _admin(app).release(action.username)
            member, done = outcome.member, _released(outcome.member, outcome.released)
        else:
            member = await _admin(app).perform(action.kind, action.username, level=action.level,
                                               extensions=action.extensions)
            done = _done(action, member)
    except MemberCheckedOut as refused:
        await _offer_release(app, pane, refused)
        return
    except AllSourceError as error:
        pane.show_notice(error.user_message)  # the table stays as it was
        app.report(error.user_message, "error")
        return
    if member is None:  # the organization-wide offline setting
        pane.show_members(pane.members or [], offline_allowed=action.kind == "allow_offline")
    else:
        pane.update_member(member)
    pane.show_notice("")
    app.report(done)


def checked_out_sentence(refused: MemberCheckedOut) -> str:
    where = f" on '{refused.alias}'" if refused.alias else ""
    return (f"{refused.username}'s ArcGIS AllSource license is checked out to work offline{where}, and the portal "
            "allows no change while it is out; ask them to check it in, or release it.")


async def _offer_release(app: Host, pane: OrganizationPane, refused: MemberCheckedOut) -> None:
    """Say why nothing changed, then offer what the portal does allow: releasing the offline license."""
    sentence = checked_out_sentence(refused)
    pane.show_notice(sentence)
    app.report(sentence, "error")
    question = (f"{sentence}\n\nRelease {refused.username}'s offline license now? That computer loses it; the "
                "member can check out again or work connected.")
    if await app.ask(ConfirmDialog("License checked out", question, yes_label="Release", no_label="Cancel")):
        await perform(app, pane, AdminAction("release", refused.username))


def _working(action: AdminAction) -> str:
    return {"assign": f"Assigning ArcGIS AllSource to {action.username}…",
            "unassign": f"Taking ArcGIS AllSource away from {action.username}…",
            "release": f"Releasing {action.username}'s offline license…",
            "allow_offline": "Allowing offline use for the organization…",
            "prevent_offline": "Preventing offline use for the organization…"}.get(action.kind, "Working…")


def _done(action: AdminAction, member: Member | None) -> str:
    if member is None:
        setting = "allowed" if action.kind == "allow_offline" else "prevented"
        return f"Taking ArcGIS AllSource offline is now {setting} for the whole organization."
    return f"{member.username} now holds {license_text(member)}."


def _released(member: Member, released: bool) -> str:
    if not released:
        return f"{member.username}'s license was not checked out to work offline; there was nothing to release."
    return f"{member.username}'s offline license is released and back with the organization."


def license_text(member: Member) -> str:
    if not member.holds_license:
        return "no ArcGIS AllSource license"
    extensions = f" with {', '.join(member.extensions)}" if member.extensions else " without extensions"
    return f"ArcGIS AllSource {member.level} ({member.source}){extensions}"
