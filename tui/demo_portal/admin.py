"""Administrator operations: setDisconnectSettings on the AllSource listing (portal-protocol §14, undocumented, as
Esri's Python client sends it), Enterprise's ``portaladmin/license/releaseLicense`` (status envelope), and the
project-defined ``allsourceTuiReleaseLicense`` on the listing, the same release for the Online org (ArcGIS Online has
no REST release: there it is a support/UI matter), so a truly lost device credential has a way out in both orgs."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from tui.demo_portal import accounts, rules
from tui.demo_portal.accounts import ALLSOURCE_APP_ID, ENTERPRISE
from tui.demo_portal.context import Call, Endpoint, read_params
from tui.demo_portal.envelopes import ApiError, invalid_request, item_not_found, json_response, no_permission

RELEASABLE_APPS = ("arcgisprodesktop", "drone2map", ALLSOURCE_APP_ID)


async def set_disconnect_settings(call: Call) -> dict:
    """``canDisconnect=true|false`` and ``maxDisconnectDuration`` (−1 = no limit) for the whole org (admins only)."""
    if call.captures["item_id"] != call.org.allsource_listing_id:
        raise item_not_found()
    if not accounts.can_manage_licenses(call.require_account()):
        raise no_permission()
    can_disconnect = _parse_bool(call.param("canDisconnect"))
    try:
        max_duration = int(call.param("maxDisconnectDuration") or -1)
    except ValueError:
        raise invalid_request("'maxDisconnectDuration' must be a whole number (−1 = no limit).") from None
    with call.demo.store.transaction() as state:
        rules.set_disconnect_settings(state, call.org, can_disconnect, max_duration)
    return {"success": True}


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered not in ("true", "false"):
        raise invalid_request("'canDisconnect' must be true or false.")
    return lowered == "true"


async def release_listing_license(call: Call) -> dict:
    """``username`` ⇒ ``{"success": true, "released": <was a license checked out>}``; ArcGIS error envelope."""
    if call.captures["item_id"] != call.org.allsource_listing_id:
        raise item_not_found()
    if not accounts.can_manage_licenses(call.require_account()):
        raise no_permission()
    username = call.param("username")
    if not username:
        raise invalid_request("'username' is required.")
    target = accounts.find_account(call.org, username)
    if target is None:
        raise invalid_request(f"User '{username}' does not exist.")
    with call.demo.store.transaction() as state:
        released = rules.release(state, target.username)
    return {"success": True, "released": released}


async def release_license(request: Request) -> Response:
    """Enterprise admin: release a member's offline license so they can sign in or check out elsewhere."""
    demo = request.app.state.demo
    query, form = await read_params(request)
    call = Call(demo=demo, org=ENTERPRISE, request=request, query=query, form=form, captures={})
    try:
        call.authenticate(required=True)
    except ApiError as error:
        return _status_error(error.code, error.message)
    if not accounts.can_manage_licenses(call.require_account()):
        return _status_error(403, no_permission().message)
    username, app_id = call.param("username"), call.param("appId")
    target = accounts.find_account(ENTERPRISE, username) if username else None
    if target is None:
        return _status_error(400, f"User '{username}' does not exist." if username else "'username' is required.")
    if app_id not in RELEASABLE_APPS:
        return _status_error(400, f"'appId' must be one of {', '.join(RELEASABLE_APPS)}.")
    if app_id == ALLSOURCE_APP_ID:
        with demo.store.transaction() as state:
            rules.release(state, target.username)
    return json_response({"status": "success"}, online=False)


def _status_error(code: int, message: str) -> Response:
    return json_response({"status": "error", "messages": [message], "code": code}, online=False)


ENDPOINTS = [
    Endpoint(r"content/listings/(?P<item_id>[0-9a-fA-F]{32})/setDisconnectSettings", set_disconnect_settings,
             frozenset({"POST"})),
    Endpoint(r"content/listings/(?P<item_id>[0-9a-fA-F]{32})/allsourceTuiReleaseLicense", release_listing_license,
             frozenset({"POST"})),
]
