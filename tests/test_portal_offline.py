"""The project-defined offline operations (README): fields sent, answers parsed, "not offered" and ASTUI_* refusals."""

from __future__ import annotations

import httpx
import pytest

from tests.test_portal_support import FakePortal, arcgis, form, make_client
from tui.core.errors import OfflineNotOffered, PortalRefused, PortalUnreachable, TokenExpired, UnexpectedResponse
from tui.core.secret import Secret
from tui.portal import NOT_OFFERED_MESSAGE, CheckOut

TOKEN = Secret("offline-test-token-0123")
ITEM = "0123456789abcdef0123456789abcdef"
INTENT = "fedcba9876543210fedcba9876543210"
CHECKOUT = {"intentId": INTENT, "username": "pro_adv", "machineId": "a" * 32, "osUser": "tester",
            "workstationAlias": "Lab PC", "entitlements": ["desktopAdvN", "spatialAnalystN"],
            "expires": 1_800_086_400_000, "deviceCredential": "device-credential-secret-1",
            "checkedOutAt": 1_800_000_000_500}


async def _check_out(fake: FakePortal) -> CheckOut:
    return await make_client(fake).check_out(ITEM, TOKEN, machine_id="a" * 32, os_user="tester", alias="Lab PC",
                                             intent_id=INTENT)


async def test_check_out_sends_the_readme_fields_and_parses_the_answer() -> None:
    fake = FakePortal().on("POST", f"/content/listings/{ITEM}/allsourceTuiCheckOut", arcgis({"checkOut": CHECKOUT}))
    checkout = await _check_out(fake)
    (request,) = fake.requests
    assert form(request) == {"machineId": "a" * 32, "osUser": "tester", "workstationAlias": "Lab PC",
                             "intentId": INTENT, "f": "json"}
    assert request.headers["X-Esri-Authorization"] == f"Bearer {TOKEN.reveal()}" and request.url.query == b""
    assert (checkout.intent_id, checkout.username, checkout.machine_id, checkout.os_user) == (
        INTENT, "pro_adv", "a" * 32, "tester")
    assert checkout.workstation_alias == "Lab PC" and checkout.entitlements == ("desktopAdvN", "spatialAnalystN")
    assert checkout.expires_at == 1_800_086_400.0 and checkout.checked_out_at == 1_800_000_000.5
    assert isinstance(checkout.device_credential, Secret)
    assert checkout.device_credential.reveal() == "device-credential-secret-1"
    assert "device-credential-secret-1" not in repr(checkout)


async def test_check_out_without_end_has_no_expiry() -> None:
    fake = FakePortal().on("POST", "/allsourceTuiCheckOut", arcgis({"checkOut": {**CHECKOUT, "expires": -1}}))
    assert (await _check_out(fake)).expires_at is None


async def test_check_out_status_none_or_the_check_out() -> None:
    fake = FakePortal().on("POST", "/allsourceTuiCheckOutStatus", arcgis({"checkOut": None}),
                           arcgis({"checkOut": CHECKOUT}))
    client = make_client(fake)
    assert await client.check_out_status(ITEM, TOKEN, machine_id="a" * 32, intent_id=INTENT) is None
    found = await client.check_out_status(ITEM, TOKEN, machine_id="a" * 32, intent_id=INTENT)
    assert found is not None and found.intent_id == INTENT
    assert form(fake.requests[0]) == {"machineId": "a" * 32, "intentId": INTENT, "f": "json"}


async def test_check_in_sends_the_credential_in_the_body_only() -> None:
    fake = FakePortal().on("POST", "/allsourceTuiCheckIn", arcgis({"success": True}))
    credential = Secret("device-credential-secret-2")
    await make_client(fake).check_in(ITEM, TOKEN, machine_id="a" * 32, os_user="tester", device_credential=credential)
    (request,) = fake.requests
    assert form(request) == {"machineId": "a" * 32, "osUser": "tester", "deviceCredential": credential.reveal(),
                             "f": "json"}
    assert credential.reveal() not in str(request.url)


@pytest.mark.parametrize("reply", [
    httpx.Response(404, text="<html>Not Found</html>"),
    httpx.Response(405, text=""),
    arcgis({"error": {"code": 405, "messageCode": "GWM_0005", "message": "Method not supported.", "details": []}}),
    arcgis({"error": {"code": 404, "message": "Not found.", "details": []}}, status=404),
    arcgis({"error": {"code": 400, "message": "Invalid URL", "details": ["Invalid URL"]}}),
    arcgis({"error": {"code": 403, "messageCode": "GWM_0003", "message": "No permission.", "details": []}}),
    httpx.Response(200, text="<!DOCTYPE html><html>portal home</html>"),
    arcgis({"id": ITEM, "title": "ArcGIS AllSource"}),  # answers something, but not our operation
    arcgis({"checkOut": "yes"}),
], ids=["404-html", "405-empty", "405-envelope", "404-envelope", "invalid-url", "403-gwm", "html", "other-json",
        "bad-shape"])
async def test_portals_without_the_operations_say_not_offered(reply) -> None:
    fake = FakePortal().on("POST", "/allsourceTuiCheckOut", reply)
    with pytest.raises(OfflineNotOffered) as caught:
        await _check_out(fake)
    assert caught.value.message == NOT_OFFERED_MESSAGE
    assert NOT_OFFERED_MESSAGE == "This portal does not offer offline authorization to allsource-tui."
    assert fake.count("/allsourceTuiCheckOut") == 1


async def test_check_in_and_status_also_say_not_offered() -> None:
    fake = FakePortal()
    client = make_client(fake)  # every path answers the FakePortal's 404 page
    with pytest.raises(OfflineNotOffered):
        await client.check_in(ITEM, TOKEN, machine_id="m", os_user="u", device_credential=Secret("device-cred-3"))
    with pytest.raises(OfflineNotOffered):
        await client.check_out_status(ITEM, TOKEN, machine_id="m", intent_id=INTENT)
    fake.on("POST", "/allsourceTuiCheckIn", arcgis({"success": False}))
    with pytest.raises(OfflineNotOffered):
        await client.check_in(ITEM, TOKEN, machine_id="m", os_user="u", device_credential=Secret("device-cred-3"))


@pytest.mark.parametrize(("message_code", "code", "details"), [
    ("ASTUI_OFFLINE_HELD", 403, ["Lab PC", "b" * 32]),
    ("ASTUI_OFFLINE_DISABLED", 403, []),
    ("ASTUI_NO_LICENSE", 403, []),
    ("ASTUI_WRONG_COMPUTER", 403, ["Lab PC"]),
    ("ASTUI_WRONG_OS_USER", 403, []),
    ("ASTUI_BAD_CREDENTIAL", 403, []),
    ("ASTUI_NOT_OFFLINE", 400, []),
    ("ASTUI_COMPUTER_LIMIT", 403, []),
])
async def test_project_codes_are_refusals_with_code_and_details(message_code: str, code: int, details: list) -> None:
    body = {"error": {"code": code, "messageCode": message_code, "message": "Refused by rule.", "details": details}}
    fake = FakePortal().on("POST", "/allsourceTuiCheckOut", arcgis(body))
    with pytest.raises(PortalRefused) as caught:
        await _check_out(fake)
    error = caught.value
    assert type(error) is PortalRefused and error.exit_code == 6
    assert (error.message_code, error.code, error.details) == (message_code, code, tuple(details))


@pytest.mark.parametrize(("reply", "kind"), [
    (arcgis({"error": {"code": 498, "message": "Invalid token.", "details": []}}), TokenExpired),
    (httpx.ConnectError("[Errno 111] Connection refused"), PortalUnreachable),
    (httpx.ReadTimeout("timed out"), PortalUnreachable),
    (httpx.Response(503, text=""), UnexpectedResponse),
])
async def test_token_network_and_server_trouble_pass_through(reply, kind: type) -> None:
    fake = FakePortal().on("POST", "/allsourceTuiCheckOut", reply)
    with pytest.raises(kind) as caught:
        await make_client(fake, max_retries=0).check_out(ITEM, TOKEN, machine_id="m", os_user="u", alias="a",
                                                         intent_id=INTENT)
    assert not isinstance(caught.value, OfflineNotOffered)


async def test_check_out_without_device_credential_is_unexpected() -> None:
    broken = {key: value for key, value in CHECKOUT.items() if key != "deviceCredential"}
    fake = FakePortal().on("POST", "/allsourceTuiCheckOut", arcgis({"checkOut": broken}))
    with pytest.raises(UnexpectedResponse) as caught:
        await _check_out(fake)
    assert "deviceCredential" in caught.value.message
