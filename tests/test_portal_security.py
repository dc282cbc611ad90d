"""X-1, X-5, X-6 at the client: no secret in any URL (TP-URLTOK), Referer and f=json on every request, the token only
in the header (or the body where the API demands it), no redirects followed, debug logs with method + path only."""

from __future__ import annotations

import logging
import re

import httpx
import pytest

from tests.test_portal_support import FakePortal, arcgis, fixture, form, make_client
from tui.core.secret import Secret
from tui.portal import PkcePair

TOKEN = Secret("url-test-access-token-0001")
REFRESH = Secret("url-test-refresh-token-0002")
PASSWORD = "url-test-password-0003"
DEVICE = Secret("url-test-device-cred-0004")
ITEM = "0123456789abcdef0123456789abcdef"
SECRETS = [TOKEN.reveal(), REFRESH.reveal(), PASSWORD, DEVICE.reveal()]
URL_FIELDS = re.compile(r"(?i)(token|access_token|refresh_token|password|code_verifier|devicecredential)=")
CHECKOUT = {"intentId": "i" * 32, "username": "jsmith", "machineId": "m", "osUser": "u", "workstationAlias": "a",
            "entitlements": [], "expires": -1, "deviceCredential": "another-device-cred-5", "checkedOutAt": 0}

ROUTES = [
    ("POST", "/generateToken", fixture("generateToken-ok.json")),
    ("POST", "/oauth2/token", fixture("oauth2-token-authorization_code.json")),
    ("POST", "/oauth2/revokeToken", fixture("oauth2-revokeToken-ok.json")),
    ("POST", "/oauth2/validateAppAccess", fixture("oauth2-validateAppAccess.json")),
    ("GET", "/info", fixture("sharing-rest-info.json")),
    ("GET", "/portals/self/purchases", fixture("purchases.json")),
    ("GET", "/portals/self", fixture("portals-self.json")),
    ("GET", "/community/self", fixture("community-self.json")),
    ("GET", "/community/users/jsmith", fixture("community-self.json")),
    ("GET", "/userLicenseType", fixture("userLicenseType-GISProfessionalAdvUT.json")),
    ("GET", "/provisionedListings", fixture("provisionedListings.json")),
    ("GET", "/userEntitlements/jsmith", fixture("userEntitlements-user-pro.json")),
    ("GET", "/userEntitlements", fixture("userEntitlements-all-pro.json")),
    ("GET", "/userLicenses", fixture("userLicenses-pro.json")),
    ("POST", "/provisionUserEntitlements", {"success": True}),
    ("POST", "/setDisconnectSettings", {"success": True}),
    ("POST", "/releaseLicense", {"status": "success"}),
    ("POST", "/allsourceTuiCheckOut", {"checkOut": CHECKOUT}),
    ("POST", "/allsourceTuiCheckIn", {"success": True}),
    ("POST", "/allsourceTuiCheckOutStatus", {"checkOut": None}),
]


async def _every_call(client) -> None:
    pkce = PkcePair.new()
    await client.info()
    await client.portal_self()
    await client.portal_self(TOKEN)
    await client.generate_token("jsmith", PASSWORD, expiration_minutes=60)
    await client.token_from_code("allsource-tui", "code-abcdef", pkce.verifier)
    await client.refresh("allsource-tui", REFRESH)
    await client.exchange_refresh_token("allsource-tui", REFRESH)
    await client.suspend_session("allsource-tui", REFRESH)
    await client.revoke_token(REFRESH, client_id="allsource-tui")
    await client.validate_app_access("allsource-tui", TOKEN)
    await client.community_self(TOKEN)
    await client.user("jsmith", TOKEN)
    await client.user_license_type("jsmith", TOKEN)
    await client.provisioned_listings("jsmith", TOKEN)
    await client.user_entitlements(ITEM, "jsmith", TOKEN)
    await client.listing_user_entitlements(ITEM, TOKEN)
    await client.user_licenses(ITEM, TOKEN, nonce="n1", timestamp=1)
    await client.purchases(TOKEN)
    await client.provision_user_entitlements(ITEM, TOKEN, users=["jsmith"], entitlements=["desktopAdvN"])
    await client.set_disconnect_settings(ITEM, TOKEN, True)
    await client.release_license("jsmith", TOKEN)
    await client.check_out(ITEM, TOKEN, machine_id="m", os_user="u", alias="a", intent_id="i" * 32)
    await client.check_out_status(ITEM, TOKEN, machine_id="m", intent_id="i" * 32)
    await client.check_in(ITEM, TOKEN, machine_id="m", os_user="u", device_credential=DEVICE)


@pytest.fixture
async def recorded() -> FakePortal:
    fake = FakePortal()
    for method, suffix, body in ROUTES:
        fake.on(method, suffix, arcgis(body))
    await _every_call(make_client(fake))
    return fake


async def test_no_secret_in_any_request_url(recorded: FakePortal) -> None:
    urls = [str(request.url) for request in recorded.requests]
    bad = [url for url in urls if URL_FIELDS.search(url) or any(secret in url for secret in SECRETS)]
    print(f"TP-URLTOK: {len(bad)} of {len(urls)} request URLs contain token=/access_token=/refresh_token=/password=")
    assert len(urls) >= 24 and bad == []


async def test_referer_and_f_json_on_every_request(recorded: FakePortal) -> None:
    for request in recorded.requests:
        assert request.headers["Referer"] == "allsource-tui:0123456789abcdef0123456789abcdef"
        fields = form(request) if request.method == "POST" else dict(request.url.params)
        assert fields["f"] == "json", request.url.path


async def test_token_travels_in_the_header_except_where_the_api_demands_the_body(recorded: FakePortal) -> None:
    body_token = {"/oauth2/validateAppAccess": "token", "/releaseLicense": "token", "/oauth2/revokeToken": "auth_token",
                  "/oauth2/token": "refresh_token"}
    anonymous = ("/info", "/generateToken", "/oauth2/token", "/oauth2/revokeToken", "/oauth2/validateAppAccess",
                 "/releaseLicense")
    for request in recorded.requests:
        path = request.url.path
        header = request.headers.get("X-Esri-Authorization")
        if path.endswith(anonymous) or (path.endswith("/portals/self") and header is None):
            assert header is None, path
        else:
            assert header == f"Bearer {TOKEN.reveal()}", path
        assert "Authorization" not in request.headers
        if request.method == "POST" and not any(path.endswith(suffix) for suffix in body_token):
            assert not {"token", "auth_token"} & set(form(request)), path


async def test_debug_log_has_method_and_path_only(caplog: pytest.LogCaptureFixture) -> None:
    fake = FakePortal()
    for method, suffix, body in ROUTES:
        fake.on(method, suffix, arcgis(body))
    with caplog.at_level(logging.DEBUG, logger="tui.portal"):
        await _every_call(make_client(fake))
    lines = [record.getMessage() for record in caplog.records if record.name.startswith("tui.portal")]
    assert len(lines) >= len(fake.requests)
    for line in lines:
        assert re.fullmatch(r"(GET|POST) /portal/\S+", line), line
        assert "?" not in line and not any(secret in line for secret in SECRETS)


async def test_redirects_are_not_followed_so_no_header_reaches_another_host() -> None:
    fake = FakePortal().on("GET", "/community/self",
                           httpx.Response(302, headers={"Location": "https://evil.test/sharing/rest/community/self"}))
    fake.on("GET", "/sharing/rest/community/self", arcgis({"username": "x"}))
    with pytest.raises(Exception) as caught:
        await make_client(fake).community_self(TOKEN)
    hosts = [request.url.host for request in fake.requests]
    print(f"TP-PROXY redirect: {hosts.count('evil.test')} requests reached the redirect target")
    assert hosts == ["portal.test"] and "redirect" in str(caught.value)


async def test_usernames_and_item_ids_are_escaped_in_paths() -> None:
    fake = FakePortal().on("GET", "/community/users/j smith@org/x", arcgis({"username": "j smith@org/x"}))
    user = await make_client(fake).user("j smith@org/x", TOKEN)
    assert user.username == "j smith@org/x"
    assert fake.requests[0].url.raw_path.startswith(b"/portal/sharing/rest/community/users/j%20smith%40org%2Fx")
