"""OrganizationAdmin: an organization administrator's view and actions on ArcGIS AllSource licenses (issue 14).

UI-free and independent of how LicensingService is put together: it takes ``run`` — a callable that runs a portal call
with the session's client and token and renews the token once on a 498 (LicensingService.call_with_token) — and the
licensing portal (its kind picks the release operation). ``organization_admin(service)`` builds one from the façade.

Rules: every action re-reads the member first and acts on what the portal says now, never on an earlier listing; a
member whose license is checked out can't be changed or revoked (the portal's own rule — refused here before asking,
and mapped to the same sentence if the portal refuses because the member went offline meanwhile); a portal refusal
for lack of rights becomes "Only an organization administrator can …" (exit 6).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from tui.core.errors import Forbidden, LicenseRuleError, NotFound, PortalError, UsageError
from tui.core.models import LicensingPortal
from tui.core.secret import Secret
from tui.portal import org_members
from tui.service.admin_model import (
    SOURCE_USER_TYPE,
    AdminOnly,
    Member,
    MemberCheckedOut,
    build_member,
    entitlement_strings,
    level_name,
)
from tui.service.license_model import is_allsource_title, manages_licenses

if TYPE_CHECKING:
    from tui.portal import PortalClient

T = TypeVar("T")
Runner = Callable[[Callable[["PortalClient", Secret], Awaitable[Any]]], Awaitable[Any]]
DISCONNECTED_MESSAGE = "none of the specified users can be disconnected"  # provisionUserEntitlements, member offline


@dataclass(frozen=True)
class ReleaseOutcome:
    member: Member
    released: bool  # False: the license was not checked out, there was nothing to release


class OrganizationAdmin:
    def __init__(self, run: Runner, licensing_portal: LicensingPortal) -> None:
        self._run_raw = run
        self.licensing_portal = licensing_portal
        self._listing_id: str | None = None

    async def _run(self, action: str, call: Callable[[PortalClient, Secret], Awaitable[T]]) -> T:
        try:
            return await self._run_raw(call)
        except Forbidden:
            raise AdminOnly(action) from None

    # --- reading -----------------------------------------------------------------------------------------------
    async def is_administrator(self) -> bool:
        user = await self._run_raw(lambda client, token: client.community_self(token))
        return manages_licenses(user)

    async def members(self, progress: org_members.Progress | None = None) -> list[Member]:
        """Every member holding an AllSource license, across all pages, sorted by username."""
        async def read(client: PortalClient, token: Secret) -> list[Member]:
            item_id = await self._listing(client, token)
            entitlements, users, holders = await asyncio.gather(
                org_members.listing_entitlements(client, item_id, token, progress=progress),
                org_members.org_users(client, token), org_members.check_outs(client, item_id, token))
            found = [build_member(entry, users.get(entry.username), (holders or {}).get(entry.username))
                     for entry in entitlements]
            return sorted((m for m in found if m.holds_license), key=lambda m: m.username.lower())

        return await self._run("list who holds ArcGIS AllSource licenses", read)

    async def member(self, username: str) -> Member:
        """One member as the portal sees them now (licensed or not)."""
        return await self._run("see members' ArcGIS AllSource licenses",
                               lambda client, token: self._read_member(client, token, username))

    async def _read_member(self, client: PortalClient, token: Secret, username: str) -> Member:
        item_id = await self._listing(client, token)
        try:
            user, entry, holders = await asyncio.gather(
                client.user(username, token), client.user_entitlements(item_id, username, token),
                org_members.check_outs(client, item_id, token))
        except NotFound:
            raise UsageError(f"There is no member '{username}' in the organization; check the username (usernames "
                             "are case-sensitive).") from None
        org_user = org_members.OrgUser(username=user.username, full_name=user.full_name,
                                       user_type_id=user.user_license_type_id or "", role=user.role or "")
        return build_member(entry, org_user, (holders or {}).get(user.username))

    async def offline_allowed(self) -> bool | None:
        """Whether members may take AllSource offline (None when the portal doesn't say)."""
        async def read(client: PortalClient, token: Secret) -> bool | None:
            purchase = await self._purchase(client, token)
            return purchase.can_disconnect

        return await self._run("see the organization's offline setting", read)

    # --- actions -----------------------------------------------------------------------------------------------
    async def assign(self, username: str, *, level: str | None = None,
                     extensions: tuple[str, ...] | None = None) -> Member:
        """Give ``username`` the add-on license at ``level`` with ``extensions`` (None keeps the current ones)."""
        async def act(client: PortalClient, token: Secret) -> Member:
            member = await self._writable_member(client, token, username)
            wanted_level = level_name(level) if level else None
            if wanted_level is None and member.source != SOURCE_USER_TYPE:
                wanted_level = member.level
                if wanted_level is None:
                    raise UsageError(f"{username} holds no ArcGIS AllSource license yet; say which level to assign "
                                     "(Basic, Standard or Advanced).")
            names = member.extensions if extensions is None else extensions
            await self._provision(client, token, member, entitlement_strings(wanted_level, tuple(names)))
            return await self._read_member(client, token, member.username)

        return await self._run("assign ArcGIS AllSource licenses", act)

    async def unassign(self, username: str) -> Member:
        """Take the add-on license (and its extensions) away from ``username``."""
        async def act(client: PortalClient, token: Secret) -> Member:
            member = await self._writable_member(client, token, username)
            if not member.holds_license:
                return member
            if member.source == SOURCE_USER_TYPE:
                raise LicenseRuleError(f"{username}'s ArcGIS AllSource license comes with their user type "
                                       f"({member.user_type}); change their user type in the portal to take it away.")
            await self._provision(client, token, member, [])
            return await self._read_member(client, token, member.username)

        return await self._run("unassign ArcGIS AllSource licenses", act)

    async def release(self, username: str) -> ReleaseOutcome:
        """Release ``username``'s offline license (a lost or broken computer); a license not checked out stays."""
        async def act(client: PortalClient, token: Secret) -> ReleaseOutcome:
            member = await self._read_member(client, token, username)
            if member.offline is None:
                return ReleaseOutcome(member=member, released=False)
            if self.licensing_portal.kind == "enterprise":
                await client.release_license(member.username, token)
            else:
                await org_members.release_online(client, await self._listing(client, token), token, member.username)
            return ReleaseOutcome(member=await self._read_member(client, token, member.username), released=True)

        return await self._run("release offline licenses", act)

    async def set_offline_allowed(self, allowed: bool) -> None:
        """Allow or prevent taking AllSource offline for the whole organization (setDisconnectSettings)."""
        async def act(client: PortalClient, token: Secret) -> None:
            await client.set_disconnect_settings(await self._listing(client, token), token, allowed)

        await self._run("allow or prevent offline use", act)

    async def perform(self, kind: str, username: str = "", *, level: str | None = None,
                      extensions: tuple[str, ...] = ()) -> Member | None:
        """One action by name, as the TUI's AdminAction message carries it; the member as re-read, or None for the
        organization-wide offline switch."""
        if kind == "assign":
            return await self.assign(username, level=level, extensions=tuple(extensions))
        if kind == "unassign":
            return await self.unassign(username)
        if kind == "release":
            return (await self.release(username)).member
        if kind in ("allow_offline", "prevent_offline"):
            await self.set_offline_allowed(kind == "allow_offline")
            return None
        raise ValueError(f"unknown administrator action {kind!r}")

    # --- helpers -----------------------------------------------------------------------------------------------
    async def _writable_member(self, client: PortalClient, token: Secret, username: str) -> Member:
        member = await self._read_member(client, token, username)
        if member.offline is not None:
            raise MemberCheckedOut(member.username, member.offline.workstation_alias)
        return member

    async def _provision(self, client: PortalClient, token: Secret, member: Member, strings: list[str]) -> None:
        try:
            await client.provision_user_entitlements(await self._listing(client, token), token,
                                                     users=[member.username], entitlements=strings)
        except Forbidden:
            raise
        except PortalError as error:
            if DISCONNECTED_MESSAGE in error.message.lower():  # it went offline since we read it
                raise MemberCheckedOut(member.username, None) from None
            raise

    async def _purchase(self, client: PortalClient, token: Secret):
        purchases = await client.purchases(token)
        found = [p for p in purchases if is_allsource_title(p.title)]
        if not found:
            raise LicenseRuleError(f"{client.host} lists no ArcGIS AllSource licenses for this organization; check "
                                   "the licensing portal.")
        self._listing_id = found[0].item_id
        return found[0]

    async def _listing(self, client: PortalClient, token: Secret) -> str:
        if self._listing_id is None:
            await self._purchase(client, token)
        assert self._listing_id is not None
        return self._listing_id


def organization_admin(service: Any) -> OrganizationAdmin:
    """An OrganizationAdmin on a LicensingService, through its public methods only."""
    return OrganizationAdmin(service.call_with_token, service.licensing_portal())
