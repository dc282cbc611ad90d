"""An organization administrator's reads and the Online release (issue 14), as free functions on a PortalClient.

ArcGIS: ``content/listings/<id>/userEntitlements`` and ``portals/self/users`` are read page by page with ``start``/
``num`` until ``nextStart`` is −1 (docs/portal-protocol.md, "Conventions"; never one page assumed); ``portals/self/
purchases`` names the AllSource listing. Project-defined (README "Project-defined operations"):
``allsourceTuiCheckOuts`` (who holds an offline license, on which computer) and ``allsourceTuiReleaseLicense``
(ArcGIS Online has no REST release; Enterprise's is ``portaladmin/license/releaseLicense`` in tui/portal/admin.py).
A portal without the check-out list still works: its offline members are then known only by ``disconnected``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tui.core.errors import AuthError, Forbidden, PortalError, PortalUnreachable, UnexpectedResponse
from tui.core.secret import Secret
from tui.portal.base import PortalBase, segment
from tui.portal.models import UserEntitlements, number, text

CHECK_OUTS = "allsourceTuiCheckOuts"
RELEASE = "allsourceTuiReleaseLicense"
PAGE_SIZE = 100
MAX_PAGES = 100  # 10,000 entries: the portal's own observed cap on userEntitlements lists
Progress = Callable[[int, int], None]  # (entries read so far, total the portal announced)


@dataclass(frozen=True)
class OrgUser:
    username: str
    full_name: str
    user_type_id: str
    role: str


@dataclass(frozen=True)
class CheckOutHolder:
    """An offline license as the project-defined check-out list shows it; times are epoch seconds."""

    username: str
    workstation_alias: str
    machine_id: str
    os_user: str
    checked_out_at: float | None


async def read_pages(client: PortalBase, path: str, key: str, token: Secret, *,
                     progress: Progress | None = None) -> list[dict]:
    """Every entry of a paged list: follows ``nextStart`` until −1 (or a value that doesn't move forward)."""
    rows: list[dict] = []
    start = 1
    for _ in range(MAX_PAGES):
        body = await client.get(path, token=token, params={"start": str(start), "num": str(PAGE_SIZE)})
        page = body.get(key)
        if not isinstance(page, list):
            raise UnexpectedResponse(f"{client.host}'s answer has no '{key}' list; it did not answer like an ArcGIS "
                                     "portal.")
        rows.extend(row for row in page if isinstance(row, dict))
        if progress is not None:
            progress(len(rows), max(number(body, "total", len(rows)), len(rows)))
        next_start = body.get("nextStart")
        if not isinstance(next_start, int) or isinstance(next_start, bool) or next_start <= start:
            return rows
        start = next_start
    return rows


async def listing_entitlements(client: PortalBase, item_id: str, token: Secret, *,
                               progress: Progress | None = None) -> list[UserEntitlements]:
    rows = await read_pages(client, f"content/listings/{segment(item_id)}/userEntitlements", "userEntitlements",
                            token, progress=progress)
    return [UserEntitlements.parse(row) for row in rows if text(row, "username")]


async def org_users(client: PortalBase, token: Secret) -> dict[str, OrgUser]:
    """portals/self/users: full names and user types of every member, by username."""
    rows = await read_pages(client, "portals/self/users", "users", token)
    return {user.username: user for user in map(_org_user, rows) if user.username}


def _org_user(row: dict) -> OrgUser:
    full_name = text(row, "fullName") or " ".join(filter(None, (text(row, "firstName"), text(row, "lastName"))))
    return OrgUser(username=text(row, "username"), full_name=full_name, user_type_id=text(row, "userLicenseTypeId"),
                   role=text(row, "role"))


async def check_outs(client: PortalBase, item_id: str, token: Secret) -> dict[str, CheckOutHolder] | None:
    """The project-defined check-out list by username, or None when this portal doesn't offer it."""
    try:
        rows = await read_pages(client, f"content/listings/{segment(item_id)}/{CHECK_OUTS}", "checkOuts", token)
    except (AuthError, Forbidden, PortalUnreachable):
        raise
    except UnexpectedResponse as error:
        if (error.code or 0) >= 500:
            raise
        return None
    except PortalError:  # "Invalid URL", 404, 405: a portal without allsource-tui's operations
        return None
    holders = [_holder(row) for row in rows]
    return {holder.username: holder for holder in holders if holder.username}


def _holder(row: dict) -> CheckOutHolder:
    checked_out = number(row, "checkedOutAt", -1)
    return CheckOutHolder(username=text(row, "username"), workstation_alias=text(row, "workstationAlias"),
                          machine_id=text(row, "machineId"), os_user=text(row, "osUser"),
                          checked_out_at=checked_out / 1000.0 if checked_out > 0 else None)


async def release_online(client: PortalBase, item_id: str, token: Secret, username: str) -> None:
    """The project-defined release of a member's offline license (never retried once sent)."""
    body = await client.post(f"content/listings/{segment(item_id)}/{RELEASE}", token=token,
                             data={"username": username})
    if body.get("success") is not True:
        raise UnexpectedResponse(f"{client.host} did not confirm the release; it did not answer like a portal "
                                 "that offers allsource-tui's release operation.")
