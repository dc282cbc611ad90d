"""PortalClient: the ArcGIS sharing REST API as allsource-tui uses it (docs/portal-protocol.md, "Calls the client
makes").

One instance per portal URL; many instances share one httpx.AsyncClient (tui/portal/http.py). Every method raises
tui.core.errors types only. A 498 is raised as TokenExpired: refreshing and replaying is the service layer's job (T-3).
"""

from __future__ import annotations

from tui.core.secret import Secret, remember_secret
from tui.portal.admin import AdminOperations
from tui.portal.base import Answer, PortalBase, segment
from tui.portal.models import (
    Listing,
    Malformed,
    PortalSelf,
    TokenGrant,
    User,
    UserEntitlements,
    UserLicenses,
    UserLicenseType,
    number,
    text,
)
from tui.portal.oauth import OAuthEndpoints
from tui.portal.offline_ops import OfflineOperations


class PortalClient(OAuthEndpoints, OfflineOperations, AdminOperations, PortalBase):
    """``PortalClient(portal_url, http, *, referer, clock, max_retries, backoff_base, sleep, deadline)``: see
    PortalBase."""

    async def info(self) -> dict:
        """[root]/info: token-service discovery (``authInfo.tokenServicesUrl``)."""
        return await self.get("info")

    async def portal_self(self, token: Secret | None = None) -> PortalSelf:
        """portals/self, anonymously or as the token's user (then ``user`` and ``app_info`` are filled)."""
        return self.parse(PortalSelf.parse, await self.get("portals/self", token=token))

    async def generate_token(self, username: str, password: str, *, expiration_minutes: int) -> TokenGrant:
        """POST generateToken bound to our referer (client=referer); never retried once sent."""
        remember_secret(password)
        answer = await self.send("POST", f"{self.root}/generateToken", idempotent=False, fields={
            "username": username, "password": password, "client": "referer", "referer": self.referer,
            "expiration": str(int(expiration_minutes))})
        return self.parse(_parse_token_grant, answer.body, answer, expiration_minutes)

    async def community_self(self, token: Secret) -> User:
        return self.parse(User.parse, await self.get("community/self", token=token))

    async def user(self, username: str, token: Secret) -> User:
        return self.parse(User.parse, await self.get(f"community/users/{segment(username)}", token=token))

    async def user_license_type(self, username: str, token: Secret) -> UserLicenseType:
        """The user type and the apps it includes, bundles flattened."""
        body = await self.get(f"community/users/{segment(username)}/userLicenseType", token=token)
        return self.parse(UserLicenseType.parse, body)

    async def provisioned_listings(self, username: str, token: Secret) -> tuple[Listing, ...]:
        """Add-on listings assigned to the user (all pages, bounded)."""
        rows = await self.paged(f"community/users/{segment(username)}/provisionedListings", "provisionedListings",
                                token)
        return tuple(self.parse(Listing.parse, row) for row in rows)

    async def user_entitlements(self, item_id: str, username: str, token: Secret) -> UserEntitlements:
        """The user's entitlements on a listing; a missing or empty answer means none."""
        body = await self.get(f"content/listings/{segment(item_id)}/userEntitlements/{segment(username)}",
                              token=token)
        entry = body.get("userEntitlements")
        if not isinstance(entry, dict) or not entry:
            return UserEntitlements(username=username, entitlements=(), disconnected=False, last_login=-1)
        return UserEntitlements.parse(entry, username)

    async def user_licenses(self, item_id: str, token: Secret, *, nonce: str = "",
                            timestamp: int | None = None) -> UserLicenses:
        """content/listings/<id>/userLicenses — undocumented, what ArcGIS Pro itself reads."""
        params = {"nonce": nonce} if nonce else {}
        if timestamp is not None:
            params["timestamp"] = str(timestamp)
        body = await self.get(f"content/listings/{segment(item_id)}/userLicenses", token=token, params=params)
        return self.parse(UserLicenses.parse, body)


def _parse_token_grant(body: dict, answer: Answer, requested_minutes: int) -> TokenGrant:
    """T-1: the server's absolute ``expires`` (ms) turned into a local expiry, corrected for clock skew.

    The lifetime is measured on the server's clock (``expires`` minus the Date header), clamped to [0, requested],
    then added to the local receipt time; without a Date header the local clock stands in for the server's.
    """
    token = text(body, "token", required=True)
    expires_ms = number(body, "expires", 0)
    if expires_ms <= 0:
        raise Malformed("expires")
    server_now = answer.server_date if answer.server_date is not None else answer.received_at
    lifetime = expires_ms / 1000.0 - server_now
    if requested_minutes > 0:
        lifetime = min(lifetime, requested_minutes * 60.0)
    return TokenGrant(token=Secret(token), expires_at=answer.received_at + max(lifetime, 0.0),
                      ssl=body.get("ssl") is True)
