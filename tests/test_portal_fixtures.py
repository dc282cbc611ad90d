"""Every shared ArcGIS fixture is served (labelled text/plain, like ArcGIS Online) and parsed by its client method.

The case table is keyed by file name: a new fixture in tests/fixtures/arcgis/ without a case fails the build.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from tests.test_portal_support import FIXTURES, FakePortal, arcgis, fixture, form, http_date, make_client
from tui.core.clock import FakeClock
from tui.core.errors import Forbidden, InvalidCredentials, PortalError, TokenExpired, TokenRequired
from tui.core.secret import Secret
from tui.portal import PortalClient

TOKEN = Secret("test-token-0123456789")
REFRESH = Secret("refresh-token-0123456789")
ITEM = "2d2a9c99bb2a43548c31cd8e32217af6"


@dataclass(frozen=True)
class Case:
    method: str
    suffix: str
    call: Callable[[PortalClient], Awaitable[object]]
    check: Callable[[object], None]
    raises: type[Exception] | None = None


def _user(user) -> None:
    assert (user.username, user.full_name, user.user_license_type_id) == ("jsmith", "John Smith",
                                                                          "GISProfessionalAdvUT")
    assert "portal:admin:manageLicenses" in user.privileges and user.role == "org_admin" and not user.disabled
    assert user.org_id == "Q6ZFRRvMTlsTTFuP"


def _portal_self(me) -> None:
    assert (me.id, me.name, me.portal_name, me.is_portal) == ("Q6ZFRRvMTlsTTFuP", "City of Example", "ArcGIS Online",
                                                              False)
    assert (me.url_key, me.custom_base_url, me.portal_hostname) == ("cityofexample", "maps.arcgis.com",
                                                                    "www.arcgis.com")
    assert me.max_token_expiration_minutes == -1 and me.supports_oauth
    assert me.user.username == "jsmith" and me.app_info["itemId"] == ITEM and me.raw["currentVersion"] == "2025.1"


def _generate_token(grant) -> None:
    body = fixture("generateToken-ok.json")
    assert grant.token.reveal() == body["token"] and grant.ssl is True
    # server Date = expires - 1 h, local clock 5 min ahead of the server: 1 h from local receipt
    assert grant.expires_at == pytest.approx(body["expires"] / 1000 - 3600 + 300 + 3600)


def _code_grant(grant) -> None:
    body = fixture("oauth2-token-authorization_code.json")
    assert grant.access_token.reveal() == body["access_token"] and grant.refresh_token.reveal() == body["refresh_token"]
    assert grant.expires_at == NOW + 1800 and grant.refresh_expires_at == NOW + 1209599 and grant.username == "jsmith"


def _refresh_grant(grant) -> None:
    assert grant.access_token.reveal() == "AAPTnewAccessTokenEXAMPLE-after-refresh"
    assert grant.refresh_token is None and grant.refresh_expires_at is None and grant.expires_at == NOW + 1800


def _exchange_grant(grant) -> None:
    assert grant.refresh_token.reveal() == "NEWrefreshTokenEXAMPLE-after-exchange"
    assert grant.refresh_expires_at == NOW + 1209599


def _user_license_type(user_type) -> None:
    assert (user_type.id, user_type.name) == ("GISProfessionalAdvUT", "GIS Professional Advanced")
    titles = [app.title for app in user_type.apps]
    assert "Essential Apps Bundle" not in titles and "Story Maps" in titles  # the bundle is flattened
    pro = [app for app in user_type.apps if app.title == "ArcGIS Pro"]
    assert pro and pro[0].item_id == ITEM and pro[0].entitlements == ("desktopAdvN",)


def _purchases(purchases) -> None:
    (pro,) = purchases
    assert (pro.item_id, pro.title, pro.can_disconnect, pro.max_disconnect_duration) == (ITEM, "ArcGIS Pro", True, -1)
    assert pro.org_entitlements["desktopAdvN"] == 5 and pro.org_entitlements["3DAnalystN"] == 2


def _all_pro(rows) -> None:
    assert [(r.username, r.disconnected) for r in rows] == [("jsmith", False), ("mjones", True), ("akim", False)]
    assert rows[0].entitlements == ("desktopAdvN", "spatialAnalystN", "3DAnalystN") and rows[2].last_login == -1


def _all_doc(rows) -> None:
    assert [r.username for r in rows] == ["jsmith", "johndoe"]
    assert rows[0].entitlements == ()  # the documented [""] means nothing
    assert rows[1].entitlements == ("faa0a4deb84a4eaaa02ddad0c2b7a133",)


def _user_pro(entitlements) -> None:
    assert entitlements.username == "jsmith" and entitlements.entitlements == ("desktopAdvN", "spatialAnalystN",
                                                                               "3DAnalystN")
    assert entitlements.disconnected is False and entitlements.last_login == 1716800000000


def _error(code: int, message_code: str | None, text: str):
    def check(error) -> None:
        assert error.code == code and error.message_code == message_code
        assert text in error.message
    return check


def _exact(kind: type[Exception]):
    def check(error) -> None:
        assert type(error) is kind
    return check


NOW = FakeClock().now()

CASES: dict[str, Case] = {
    "community-self.json": Case("GET", "/community/self", lambda c: c.community_self(TOKEN), _user),
    "error-400-invalid-request.json": Case(
        "POST", "/oauth2/validateAppAccess", lambda c: c.validate_app_access("bad", TOKEN),
        _error(400, "GWM_0007", "Invalid request"), raises=PortalError),
    "error-403-no-permission.json": Case(
        "GET", "/userEntitlements/jsmith", lambda c: c.user_entitlements(ITEM, "jsmith", TOKEN),
        _error(403, "GWM_0003", "do not have permission"), raises=Forbidden),
    "error-498-invalid-token.json": Case("GET", "/community/self", lambda c: c.community_self(TOKEN),
                                         _error(498, None, "sign-in token"), raises=TokenExpired),
    "error-499-token-required.json": Case("GET", "/portals/self", lambda c: c.portal_self(),
                                          lambda e: e.details == ("Token Required",), raises=TokenRequired),
    "generateToken-invalid-credentials.json": Case(
        "POST", "/generateToken", lambda c: c.generate_token("jsmith", "wrong-password", expiration_minutes=60),
        lambda e: e.message == "Invalid username or password.", raises=InvalidCredentials),
    "generateToken-ok.json": Case(
        "POST", "/generateToken", lambda c: c.generate_token("jsmith", "right-password", expiration_minutes=120),
        _generate_token),
    "oauth2-revokeToken-ok.json": Case("POST", "/oauth2/revokeToken",
                                       lambda c: c.revoke_token(REFRESH, client_id="allsource-tui"),
                                       lambda result: result is None),
    "oauth2-token-authorization_code.json": Case(
        "POST", "/oauth2/token", lambda c: c.token_from_code("allsource-tui", " abc123-code ", "v" * 43), _code_grant),
    "oauth2-token-error-invalid-client.json": Case(
        "POST", "/oauth2/token", lambda c: c.token_from_code("nope", "abc123-code", "v" * 43),
        _error(400, "invalid_client_id", "Invalid client_id"), raises=PortalError),
    "oauth2-token-error-refresh-expired.json": Case(
        "POST", "/oauth2/token", lambda c: c.refresh("allsource-tui", REFRESH),
        _error(498, "invalid_request", "token"), raises=TokenExpired),
    "oauth2-token-exchange_refresh_token.json": Case(
        "POST", "/oauth2/token", lambda c: c.exchange_refresh_token("allsource-tui", REFRESH), _exchange_grant),
    "oauth2-token-refresh.json": Case("POST", "/oauth2/token", lambda c: c.refresh("allsource-tui", REFRESH),
                                      _refresh_grant),
    "oauth2-token-suspend_session-ok.json": Case(
        "POST", "/oauth2/token", lambda c: c.suspend_session("allsource-tui", REFRESH), lambda ok: ok is True),
    "oauth2-validateAppAccess.json": Case(
        "POST", "/oauth2/validateAppAccess", lambda c: c.validate_app_access("allsource-tui", TOKEN),
        lambda access: access.valid and not access.view_only_user_type_app),
    "portals-self.json": Case("GET", "/portals/self", lambda c: c.portal_self(TOKEN), _portal_self),
    "provisionUserEntitlements-error-not-provisioned.json": Case(
        "POST", "/provisionUserEntitlements",
        lambda c: c.provision_user_entitlements(ITEM, TOKEN, users=["jsmith"], entitlements=["desktopAdvN"]),
        _error(400, None, "item not provisioned"), raises=PortalError),
    "provisionUserEntitlements-error-user-disconnected.json": Case(
        "POST", "/provisionUserEntitlements",
        lambda c: c.provision_user_entitlements(ITEM, TOKEN, users=["mjones"], entitlements=[]),
        _error(400, None, "None of the specified users can be disconnected."), raises=PortalError),
    "provisionUserEntitlements-ok.json": Case(
        "POST", "/provisionUserEntitlements",
        lambda c: c.provision_user_entitlements(ITEM, TOKEN, users=["jsmith"], entitlements=["desktopAdvN"]),
        lambda result: result is None),
    "provisionedListings.json": Case(
        "GET", "/provisionedListings", lambda c: c.provisioned_listings("jsmith", TOKEN),
        lambda listings: [(x.item_id, x.title) for x in listings] == [("c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8",
                                                                       "Example Add-on App")]),
    "purchases.json": Case("GET", "/portals/self/purchases", lambda c: c.purchases(TOKEN), _purchases),
    "releaseLicense-ok.json": Case("POST", "/portaladmin/license/releaseLicense",
                                   lambda c: c.release_license("jsmith", TOKEN), lambda result: result is None),
    "setDisconnectSettings-ok.json": Case("POST", "/setDisconnectSettings",
                                          lambda c: c.set_disconnect_settings(ITEM, TOKEN, False),
                                          lambda result: result is None),
    "sharing-rest-info.json": Case(
        "GET", "/sharing/rest/info", lambda c: c.info(),
        lambda info: info["authInfo"]["tokenServicesUrl"].endswith("/sharing/rest/generateToken")),
    "userEntitlements-all-pro.json": Case("GET", f"/{ITEM}/userEntitlements",
                                          lambda c: c.listing_user_entitlements(ITEM, TOKEN), _all_pro),
    "userEntitlements-all.json": Case("GET", f"/{ITEM}/userEntitlements",
                                      lambda c: c.listing_user_entitlements(ITEM, TOKEN), _all_doc),
    "userEntitlements-user-pro.json": Case("GET", "/userEntitlements/jsmith",
                                           lambda c: c.user_entitlements(ITEM, "jsmith", TOKEN), _user_pro),
    "userEntitlements-user.json": Case(
        "GET", "/userEntitlements/Johndoe", lambda c: c.user_entitlements(ITEM, "Johndoe", TOKEN),
        lambda e: (e.username, e.entitlements, e.disconnected) == ("Johndoe", ("drone2map",), False)),
    "userLicenseType-GISProfessionalAdvUT.json": Case(
        "GET", "/userLicenseType", lambda c: c.user_license_type("jsmith", TOKEN), _user_license_type),
    "userLicenses-pro.json": Case(
        "GET", f"/{ITEM}/userLicenses", lambda c: c.user_licenses(ITEM, TOKEN, nonce="007", timestamp=1716800000000),
        lambda lic: (lic.username, lic.entitlements, lic.licenses[0], lic.signature) == (
            "jsmith", ("desktopAdvN", "spatialAnalystN"), "EXAMPLE-LICENSE-STRING-1", "EXAMPLEbase64signature==")),
}


def test_every_fixture_has_a_case() -> None:
    on_disk = sorted(path.name for path in FIXTURES.glob("*.json"))
    assert on_disk, "the shared fixtures directory is empty"
    assert sorted(CASES) == on_disk, f"unhandled: {sorted(set(on_disk) - set(CASES))}"


@pytest.mark.parametrize("name", sorted(path.name for path in FIXTURES.glob("*.json")))
async def test_fixture_is_parsed_by_its_method(name: str) -> None:
    case = CASES.get(name)
    assert case is not None, f"new fixture {name} has no parsing case"
    body = fixture(name)
    headers = {}
    if name == "generateToken-ok.json":  # the server's clock is 5 min behind ours
        headers["Date"] = http_date(body["expires"] / 1000 - 3600)
    fake = FakePortal().on(case.method, case.suffix, arcgis(body, headers=headers))
    clock = FakeClock(body["expires"] / 1000 - 3600 + 300) if name == "generateToken-ok.json" else FakeClock()
    client = make_client(fake, clock=clock)
    if case.raises is None:
        result = await case.call(client)
        outcome = case.check(result)
    else:
        with pytest.raises(case.raises) as caught:
            await case.call(client)
        outcome = case.check(caught.value)
    assert outcome is not False
    assert fake.requests, "the method never called the portal"
    last = fake.requests[-1]
    assert last.headers["Referer"].startswith("allsource-tui:")
    fields = form(last) if last.method == "POST" else dict(last.url.params)
    assert fields.get("f") == "json"


async def test_release_license_sends_the_token_in_the_body_to_portaladmin() -> None:
    fake = FakePortal().on("POST", "/portaladmin/license/releaseLicense", arcgis(fixture("releaseLicense-ok.json")))
    await make_client(fake).release_license("jsmith", TOKEN)
    (request,) = fake.requests
    assert str(request.url) == "https://portal.test/portal/portaladmin/license/releaseLicense"
    assert form(request) == {"username": "jsmith", "appId": "arcgisallsource", "f": "json", "token": TOKEN.reveal()}


async def test_set_disconnect_settings_sends_boolean_text_and_no_limit() -> None:
    fake = FakePortal().on("POST", "/setDisconnectSettings", arcgis({"success": True}))
    await make_client(fake).set_disconnect_settings(ITEM, TOKEN, True)
    assert form(fake.requests[0]) == {"canDisconnect": "true", "maxDisconnectDuration": "-1", "f": "json"}
    assert fake.requests[0].headers["X-Esri-Authorization"] == f"Bearer {TOKEN.reveal()}"


async def test_generate_token_form_binds_the_referer() -> None:
    fake = FakePortal().on("POST", "/generateToken", arcgis(fixture("generateToken-ok.json")))
    await make_client(fake).generate_token("jsmith", "pa55-word-x", expiration_minutes=60)
    fields = form(fake.requests[0])
    assert fields["client"] == "referer" and fields["referer"] == fake.requests[0].headers["Referer"]
    assert fields["expiration"] == "60" and fields["password"] == "pa55-word-x"
