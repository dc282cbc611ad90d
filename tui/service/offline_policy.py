"""Whether the organization lets its members take ArcGIS AllSource offline, asked before the offline prompt.

The help page says the administrator's "offline use is disabled" error appears when the box is checked, so the TUI
asks the portal first (portals/self/purchases, the AllSource listing's ``provision.canDisconnect``) and shows the
error before any question. The check-out itself still enforces the rule (docs/portal-protocol.md); this is only the
early answer. UI-free.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from tui.core.errors import Forbidden, NotFound
from tui.core.secret import Secret
from tui.service.license_model import is_allsource_title

if TYPE_CHECKING:
    from tui.portal import PortalClient

Runner = Callable[[Callable[["PortalClient", Secret], Awaitable[Any]]], Awaitable[Any]]
OFFLINE_DISABLED = ("Offline use of ArcGIS AllSource is disabled by your organization's administrator; ask them to "
                    "allow it, or keep working connected.")


async def organization_allows_offline(run: Runner) -> bool | None:
    """True/False as the organization's setting says; None when the portal does not tell this user (no listing, no
    right to read it). Unreachable portals and expired sessions raise the service's usual errors."""
    async def read(client: PortalClient, token: Secret) -> bool | None:
        try:
            purchases = await client.purchases(token)
        except (Forbidden, NotFound):
            return None
        found = [purchase for purchase in purchases if is_allsource_title(purchase.title)]
        return found[0].can_disconnect if found else None

    allowed: bool | None = await run(read)
    return allowed
