"""Administrator calls: listing entitlements, offline switch, license release (docs/portal-protocol.md, "Calls the
client makes").

Writes are never retried once the request may have been sent (N-4).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from tui.core.errors import UnexpectedResponse
from tui.core.secret import Secret
from tui.portal.base import PortalCalls, segment
from tui.portal.models import Purchase, UserEntitlements

MAX_USERS_PER_PROVISION = 25


class AdminOperations(PortalCalls):
    async def purchases(self, token: Secret, *, status: str | None = None) -> tuple[Purchase, ...]:
        """portals/self/purchases (admin): listings with their offline settings and org entitlement counts."""
        body = await self.get("portals/self/purchases", token=token, params={"status": status} if status else None)
        entries = body.get("purchases")
        if not isinstance(entries, list):
            raise UnexpectedResponse(f"{self.host}'s purchases answer has no 'purchases' list; it did not answer "
                                     "like an ArcGIS portal.")
        return tuple(self.parse(Purchase.parse, entry) for entry in entries if isinstance(entry, dict))

    async def listing_user_entitlements(self, item_id: str, token: Secret) -> tuple[UserEntitlements, ...]:
        """content/listings/<id>/userEntitlements: every user's entitlements on a listing (paged, bounded)."""
        rows = await self.paged(f"content/listings/{segment(item_id)}/userEntitlements", "userEntitlements", token)
        return tuple(UserEntitlements.parse(row) for row in rows)

    async def provision_user_entitlements(self, item_id: str, token: Secret, *, users: Sequence[str],
                                          entitlements: Sequence[str]) -> None:
        """Replace the entitlements of up to 25 users on a listing (an empty list revokes the listing)."""
        if not users or len(users) > MAX_USERS_PER_PROVISION:
            raise ValueError(f"provisionUserEntitlements takes 1 to {MAX_USERS_PER_PROVISION} users per call")
        payload = json.dumps({"users": list(users), "entitlements": list(entitlements)})
        body = await self.post(f"content/listings/{segment(item_id)}/provisionUserEntitlements", token=token,
                               data={"userEntitlements": payload})
        self._require_success(body, "provisionUserEntitlements")

    async def set_disconnect_settings(self, item_id: str, token: Secret, can_disconnect: bool) -> None:
        """Allow or prevent taking the listing's licenses offline (undocumented; Esri Python sends -1 always)."""
        body = await self.post(f"content/listings/{segment(item_id)}/setDisconnectSettings", token=token,
                               data={"canDisconnect": "true" if can_disconnect else "false",
                                     "maxDisconnectDuration": "-1"})
        self._require_success(body, "setDisconnectSettings")

    async def release_license(self, username: str, token: Secret, app_id: str = "arcgisallsource") -> None:
        """Portal admin: release a user's offline license (Enterprise); portaladmin wants the token in the body."""
        answer = await self.send("POST", f"{self.portal_url}/portaladmin/license/releaseLicense", token=token,
                                 fields={"username": username, "appId": app_id}, idempotent=False,
                                 token_in_body=True)
        if str(answer.body.get("status", "")).lower() != "success":
            raise UnexpectedResponse(f"{self.host} did not confirm the license release; it did not answer like an "
                                     "ArcGIS Enterprise portal.")

    def _require_success(self, body: dict, operation: str) -> None:
        if body.get("success") is not True:
            raise UnexpectedResponse(f"{self.host} did not confirm {operation}; it did not answer like an ArcGIS "
                                     "portal.")
