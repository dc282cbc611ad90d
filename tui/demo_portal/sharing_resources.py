"""Resources of ``[root]``: portals/self, purchases, community users and the AllSource listing's userEntitlements.

docs/portal-protocol.md, "Calls the client makes"; shapes as tests/fixtures/arcgis/portals-self.json,
community-self.json, userLicenseType-*.json, provisionedListings.json, purchases.json and userEntitlements-*.json.
"""

from __future__ import annotations

from tui.demo_portal import accounts, licenses, rules
from tui.demo_portal.accounts import DemoAccount, Org
from tui.demo_portal.context import Call, Endpoint
from tui.demo_portal.envelopes import invalid_request, item_not_found, no_permission, user_not_found

CURRENT_VERSION = "2025.1"
DEFAULT_PAGE_SIZE = 100


async def portal_self(call: Call) -> dict:
    """The org as the caller sees it; ``user`` only with a token. ``portalHostname`` is the address the client used."""
    org, host = call.org, call.host
    body = {"id": org.org_id, "name": org.name, "portalName": org.portal_name, "isPortal": org.is_portal,
            "portalHostname": f"{host}{org.prefix}", "portalMode": "singletenant" if org.is_portal else "multitenant",
            "currentVersion": CURRENT_VERSION, "allSSL": True, "supportsOAuth": True, "access": "private",
            "maxTokenExpirationMinutes": org.max_token_minutes, "httpPort": _port(call), "httpsPort": _port(call),
            "culture": "en", "region": "US", "units": "metric", "created": accounts.CREATED_MS,
            "modified": accounts.CREATED_MS, "description": "Demo organization of allsource-tui (no real data).",
            "canSignInArcGIS": True, "canSignInIDP": False, "mfaEnabled": False, "allowedRedirectUris": [],
            "authorizedCrossOriginDomains": [], "helpBase": "https://doc.arcgis.com/en/allsource/"}
    if org.is_portal:
        body.update(portalLocalHostname=host.rsplit(":", 1)[0])
    else:
        body.update(urlKey=org.url_key, customBaseUrl="maps.arcgis.com", ipCntryCode="US",
                    subscriptionInfo={"id": org.org_id, "type": "In House", "state": "active",
                                      "expDate": 4_102_444_800_000, "maxUsers": 10})
    if call.account is not None:
        body["user"] = _user(call, call.account, full=True)
    return body


def _port(call: Call) -> int:
    return call.request.url.port or 443


def _user(call: Call, account: DemoAccount, *, full: bool) -> dict:
    with call.demo.store.reading() as state:
        last_login = state["last_login"].get(account.username, -1)
    return accounts.user_object(call.org, account, last_login, full=full)


async def purchases(call: Call) -> dict:
    with call.demo.store.reading() as state:
        can_disconnect, max_duration = rules.disconnect_settings(state, call.org)
    return accounts.purchases(call.org, can_disconnect, max_duration)


async def community_self(call: Call) -> dict:
    return _user(call, call.require_account(), full=True)


async def community_user(call: Call) -> dict:
    target = _member(call, call.captures["username"])
    me = call.require_account()
    return _user(call, target, full=me.username == target.username or me.is_admin)


async def user_license_type(call: Call) -> dict:
    return accounts.user_license_type(call.org, _self_or_admin(call))


async def provisioned_listings(call: Call) -> dict:
    target = _self_or_admin(call)
    with call.demo.store.reading() as state:
        has_addon = licenses.holds_addon(state, target)
    listings = accounts.provisioned_listings(call.org, target, has_addon=has_addon)
    return {"total": len(listings), "start": 1, "num": max(len(listings), 10), "nextStart": -1,
            "provisionedListings": listings}


async def all_user_entitlements(call: Call) -> dict:
    """Every licensed member of the org on the AllSource listing (admins only), paged by ``start``/``num``."""
    _allsource_listing(call)
    if not accounts.can_manage_licenses(call.require_account()):
        raise no_permission()
    start, num = paging(call)
    with call.demo.store.reading() as state:
        entries = [_entitlement_entry(call, state, member) for member in accounts.members(call.org)
                   if licenses.has_license(state, member)]
    return page_of(entries, "userEntitlements", start, num)


def page_of(entries: list, key: str, start: int, num: int) -> dict:
    """One page of a list in ArcGIS's paging envelope (1-based start, nextStart -1 at the end)."""
    page = entries[start - 1: start - 1 + num]
    next_start = start + num if start - 1 + num < len(entries) else -1
    return {key: page, "total": len(entries), "start": start, "num": len(page), "nextStart": next_start}


async def user_entitlements(call: Call) -> dict:
    """One user's entitlements on the AllSource listing (the user or an admin); ``{}`` without a license."""
    _allsource_listing(call)
    target = _self_or_admin(call)
    with call.demo.store.reading() as state:
        licensed = licenses.has_license(state, target)
        return {"userEntitlements": _entitlement_entry(call, state, target) if licensed else {}}


def _entitlement_entry(call: Call, state: dict, account: DemoAccount) -> dict:
    disconnected = rules.active_checkout(state, account.username, call.demo.now()) is not None
    return {"username": account.username, "lastLogin": state["last_login"].get(account.username, -1),
            "disconnected": disconnected, "entitlements": licenses.current(state, account)}


def paging(call: Call) -> tuple[int, int]:
    try:
        start = int(call.param("start") or 1)
        num = int(call.param("num") or DEFAULT_PAGE_SIZE)
    except ValueError:
        raise invalid_request("'start' and 'num' must be numbers.") from None
    if start < 1 or not 1 <= num <= 100:
        raise invalid_request("'start' must be ≥ 1 and 'num' between 1 and 100.")
    return start, num


def _member(call: Call, username: str) -> DemoAccount:
    account = accounts.find_account(call.org, username)
    if account is None:
        raise user_not_found(username)
    return account


def _self_or_admin(call: Call) -> DemoAccount:
    me = call.require_account()
    target = _member(call, call.captures["username"])
    if target.username != me.username and not accounts.can_manage_licenses(me):
        raise no_permission()
    return target


def _allsource_listing(call: Call) -> Org:
    if call.captures["item_id"] != call.org.allsource_listing_id:
        raise item_not_found()
    return call.org


USERNAME = r"(?P<username>[^/]+)"
LISTING = r"content/listings/(?P<item_id>[0-9a-fA-F]{32})"
async def rest_root(call: Call) -> dict:
    return {"currentVersion": CURRENT_VERSION}


ENDPOINTS = [
    Endpoint(r"", rest_root, auth="none"),
    Endpoint(r"portals/self", portal_self, auth="optional"),
    Endpoint(r"portals/self/purchases", purchases),
    Endpoint(r"community/self", community_self),
    Endpoint(rf"community/users/{USERNAME}", community_user),
    Endpoint(rf"community/users/{USERNAME}/userLicenseType", user_license_type),
    Endpoint(rf"community/users/{USERNAME}/provisionedListings", provisioned_listings),
    Endpoint(rf"{LISTING}/userEntitlements", all_user_entitlements),
    Endpoint(rf"{LISTING}/userEntitlements/{USERNAME}", user_entitlements),
]
