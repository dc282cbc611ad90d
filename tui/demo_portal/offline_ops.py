"""allsource-tui's OWN offline operations — project-defined, not ArcGIS (README "Project-defined operations").

ArcGIS publishes no endpoint for taking a Named User license offline (docs/portal-protocol.md, "Project-defined offline
operations"), so allsource-tui defines three POST operations under ``[root]/content/listings/<itemId>/``. This module is
the only place of the demo portal that knows their names, fields and answers, so that a real endpoint can replace them;
the rules behind them (one holder, same machine and OS user, device credential) are in rules.py.
"""

from __future__ import annotations

import re

from tui.demo_portal import rules
from tui.demo_portal.context import Call, Endpoint
from tui.demo_portal.envelopes import invalid_request, item_not_found

CHECK_OUT = "allsourceTuiCheckOut"
CHECK_IN = "allsourceTuiCheckIn"
CHECK_OUT_STATUS = "allsourceTuiCheckOutStatus"
INTENT_ID = re.compile(r"[0-9a-fA-F]{32}")
MAX_FIELD = 256


async def check_out(call: Call) -> dict:
    """Fields machineId, osUser, workstationAlias, intentId ⇒ ``{"checkOut": {…}}``; the same intent replays."""
    account = _listing_user(call)
    machine_id, os_user, intent_id = _required(call, "machineId"), _required(call, "osUser"), _intent(call)
    alias = _bounded(call, "workstationAlias") or machine_id
    now, computer = call.demo.now(), call.require_auth().computer
    with call.demo.store.transaction() as state:
        checkout = rules.check_out(state, call.org, account, computer=computer, machine_id=machine_id,
                                   os_user=os_user, alias=alias, intent_id=intent_id, now=now)
    return {"checkOut": checkout}


async def check_in(call: Call) -> dict:
    """Fields machineId, osUser, deviceCredential ⇒ ``{"success": true}``."""
    account = _listing_user(call)
    machine_id, os_user = _required(call, "machineId"), _required(call, "osUser")
    credential = call.param("deviceCredential")
    now = call.demo.now()
    with call.demo.store.transaction() as state:
        rules.check_in(state, account, computer=call.require_auth().computer, machine_id=machine_id, os_user=os_user,
                       credential=credential, now=now)
    return {"success": True}


async def check_out_status(call: Call) -> dict:
    """Fields machineId, intentId ⇒ ``{"checkOut": {…}}`` if this intent holds the license, else ``null``."""
    account = _listing_user(call)
    machine_id, intent_id = _required(call, "machineId"), _intent(call)
    with call.demo.store.reading() as state:
        checkout = rules.checkout_status(state, account, computer=call.require_auth().computer, machine_id=machine_id,
                                         intent_id=intent_id, now=call.demo.now())
    return {"checkOut": checkout}


def _listing_user(call: Call):
    if call.captures["item_id"] != call.org.allsource_listing_id:
        raise item_not_found()
    return call.require_account()


def _bounded(call: Call, name: str) -> str:
    value = call.param(name).strip()
    if len(value) > MAX_FIELD:
        raise invalid_request(f"'{name}' is longer than {MAX_FIELD} characters.")
    return value


def _required(call: Call, name: str) -> str:
    value = _bounded(call, name)
    if not value:
        raise invalid_request(f"'{name}' is required.")
    return value


def _intent(call: Call) -> str:
    intent_id = _required(call, "intentId")
    if not INTENT_ID.fullmatch(intent_id):
        raise invalid_request("'intentId' must be 32 hexadecimal digits.")
    return intent_id.lower()


_LISTING = r"content/listings/(?P<item_id>[0-9a-fA-F]{32})"
_POST = frozenset({"POST"})
ENDPOINTS = [
    Endpoint(rf"{_LISTING}/{CHECK_OUT}", check_out, _POST),
    Endpoint(rf"{_LISTING}/{CHECK_IN}", check_in, _POST),
    Endpoint(rf"{_LISTING}/{CHECK_OUT_STATUS}", check_out_status, _POST),
]
