"""An organization administrator's license management (issue 14): the org's users, provisionUserEntitlements, and
two project-defined operations — the check-outs of the org and, on the Online org, releasing one.

ArcGIS: ``portals/self/users`` (paged ``users``) and ``content/listings/<id>/provisionUserEntitlements``
(docs/portal-protocol.md; body ``userEntitlements={"users": […], "entitlements": […]}``, at most 25 users, the list
replaces the users' set, an empty one revokes). The portal's rule: while a member's license is checked out it can't be
changed or revoked; refused with tests/fixtures/arcgis/provisionUserEntitlements-error-user-disconnected.json's
envelope.

Project-defined (README "Project-defined operations"; ArcGIS publishes neither): ``allsourceTuiCheckOuts`` lists who
holds an offline license on which computer, and ``allsourceTuiReleaseLicense`` is ArcGIS Online's stand-in for
Enterprise's ``portaladmin/license/releaseLicense`` (admin.py). Non-administrators get 403 ``GWM_0003``.
"""

from __future__ import annotations

import json

from tui.demo_portal import accounts, licenses, rules
from tui.demo_portal.accounts import DemoAccount
from tui.demo_portal.context import Call, Endpoint
from tui.demo_portal.envelopes import ApiError, invalid_request, item_not_found, no_permission, user_not_found
from tui.demo_portal.sharing_resources import page_of, paging

CHECK_OUTS = "allsourceTuiCheckOuts"
RELEASE = "allsourceTuiReleaseLicense"
MAX_USERS_PER_CALL = 25


def _admin(call: Call) -> DemoAccount:
    me = call.require_account()
    if not accounts.can_manage_licenses(me):
        raise no_permission()
    return me


def _listing(call: Call) -> None:
    if call.captures["item_id"] != call.org.allsource_listing_id:
        raise item_not_found()


async def org_users(call: Call) -> dict:
    """Every member of the org, paged; an administrator sees the full user object, a member the public part."""
    me = call.require_account()
    start, num = paging(call)
    full = accounts.can_manage_licenses(me)
    with call.demo.store.reading() as state:
        users = [accounts.user_object(call.org, member, state["last_login"].get(member.username, -1), full=full)
                 for member in accounts.members(call.org)]
    return page_of(users, "users", start, num)


async def provision_user_entitlements(call: Call) -> dict:
    _listing(call)
    _admin(call)
    users, entitlements = _parse_user_entitlements(call.param("userEntitlements"))
    members = [_member(call, username) for username in users]
    now = call.demo.now()
    with call.demo.store.transaction() as state:
        for member in members:
            if (why := licenses.check_assignment(entitlements, member)) is not None:
                raise invalid_request(why)
        if any(rules.active_checkout(state, member.username, now) is not None for member in members):
            raise ApiError(400, "None of the specified users can be disconnected.")
        for member in members:
            state["assignments"][member.username] = list(entitlements)
    return {"success": True}


def _parse_user_entitlements(text: str) -> tuple[list[str], list[str]]:
    try:
        value = json.loads(text) if text else None
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise invalid_request("'userEntitlements' must be a JSON object with 'users' and 'entitlements'.")
    users, entitlements = value.get("users"), value.get("entitlements")
    if not isinstance(users, list) or not _strings(users) or not 1 <= len(users) <= MAX_USERS_PER_CALL:
        raise invalid_request(f"'users' must list 1 to {MAX_USERS_PER_CALL} usernames.")
    if not isinstance(entitlements, list) or not _strings(entitlements):
        raise invalid_request("'entitlements' must be a list of entitlement strings.")
    return list(dict.fromkeys(users)), list(dict.fromkeys(entitlements))


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) and item for item in value)


def _member(call: Call, username: str) -> DemoAccount:
    member = accounts.find_account(call.org, username)
    if member is None:
        raise user_not_found(username)
    return member


async def check_outs(call: Call) -> dict:
    """Project-defined: ``{"checkOuts": [{username, workstationAlias, machineId, osUser, checkedOutAt, expires}]}``,
    paged like userEntitlements. Never any credential, intent or hash."""
    _listing(call)
    _admin(call)
    start, num = paging(call)
    now = call.demo.now()
    with call.demo.store.reading() as state:
        held = [rules.active_checkout(state, member.username, now) for member in accounts.members(call.org)]
    public = [{key: record[key] for key in ("username", "workstationAlias", "machineId", "osUser", "checkedOutAt",
                                            "expires")} for record in held if record is not None]
    return page_of(public, "checkOuts", start, num)


async def release_license(call: Call) -> dict:
    """Project-defined (Online): field ``username`` ⇒ ``{"success": true, "released": <was one checked out>}``."""
    _listing(call)
    _admin(call)
    username = call.param("username")
    if not username:
        raise invalid_request("'username' is required.")
    member = _member(call, username)
    with call.demo.store.transaction() as state:
        released = rules.release(state, member.username)
    return {"success": True, "released": released}


_LISTING = r"content/listings/(?P<item_id>[0-9a-fA-F]{32})"
ENDPOINTS = [
    Endpoint(r"portals/self/users", org_users),
    Endpoint(rf"{_LISTING}/provisionUserEntitlements", provision_user_entitlements, frozenset({"POST"})),
    Endpoint(rf"{_LISTING}/{CHECK_OUTS}", check_outs, frozenset({"GET", "POST"})),
    Endpoint(rf"{_LISTING}/{RELEASE}", release_license, frozenset({"POST"})),
]
