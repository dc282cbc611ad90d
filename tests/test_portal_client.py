"""PortalClient behaviour beyond single fixtures: paging, empty answers, the AsyncClient it is given."""

from __future__ import annotations

import httpx
import pytest

from tests.test_portal_support import FakePortal, arcgis, make_client
from tui.core.errors import UnexpectedResponse
from tui.core.secret import Secret
from tui.core.settings import NetworkSettings
from tui.portal import build_http_client
from tui.portal.base import MAX_PAGES, PAGE_SIZE

TOKEN = Secret("client-test-token-0123")
ITEM = "0123456789abcdef0123456789abcdef"


def _listing_page(request: httpx.Request, next_start_of=lambda start: -1) -> httpx.Response:
    start = int(request.url.params["start"])
    rows = [{"itemId": f"item{start + n}", "title": f"App {start + n}"} for n in range(2)]
    return arcgis({"total": 999, "start": start, "num": 2, "nextStart": next_start_of(start),
                   "provisionedListings": rows})


async def test_provisioned_listings_follow_next_start() -> None:
    fake = FakePortal().on("GET", "/provisionedListings",
                           lambda r: _listing_page(r, lambda start: start + 100 if start < 201 else -1))
    listings = await make_client(fake).provisioned_listings("jsmith", TOKEN)
    starts = [request.url.params["start"] for request in fake.requests]
    assert starts == ["1", "101", "201"] and {r.url.params["num"] for r in fake.requests} == {str(PAGE_SIZE)}
    assert [listing.item_id for listing in listings] == ["item1", "item2", "item101", "item102", "item201", "item202"]


async def test_paging_stops_when_next_start_does_not_advance() -> None:
    fake = FakePortal().on("GET", "/provisionedListings", lambda r: _listing_page(r, lambda start: 1))
    assert len(await make_client(fake).provisioned_listings("jsmith", TOKEN)) == 2
    assert len(fake.requests) == 1


async def test_paging_is_bounded() -> None:
    fake = FakePortal().on("GET", "/provisionedListings", lambda r: _listing_page(r, lambda start: start + 2))
    listings = await make_client(fake).provisioned_listings("jsmith", TOKEN)
    assert len(fake.requests) == MAX_PAGES and len(listings) == 2 * MAX_PAGES


async def test_paged_answer_without_its_list_is_unexpected() -> None:
    fake = FakePortal().on("GET", "/provisionedListings", arcgis({"total": 0}))
    with pytest.raises(UnexpectedResponse):
        await make_client(fake).provisioned_listings("jsmith", TOKEN)


@pytest.mark.parametrize("body", [{}, {"userEntitlements": {}}, {"userEntitlements": None}, {"userEntitlements": []}])
async def test_missing_user_entitlements_mean_none(body: dict) -> None:
    fake = FakePortal().on("GET", "/userEntitlements/jsmith", arcgis(body))
    entitlements = await make_client(fake).user_entitlements(ITEM, "jsmith", TOKEN)
    assert (entitlements.username, entitlements.entitlements, entitlements.disconnected) == ("jsmith", (), False)


async def test_anonymous_portal_self_has_no_user() -> None:
    fake = FakePortal().on("GET", "/portals/self", arcgis({"isPortal": True, "portalName": "Portal for ArcGIS",
                                                           "portalHostname": "gis.example.org/portal"}))
    me = await make_client(fake).portal_self()
    assert me.is_portal and me.user is None and me.app_info is None and me.portal_hostname == "gis.example.org/portal"
    assert "X-Esri-Authorization" not in fake.requests[0].headers


async def test_portal_self_that_is_not_a_portal_is_unexpected() -> None:
    fake = FakePortal().on("GET", "/portals/self", arcgis({"hello": "world"}))
    with pytest.raises(UnexpectedResponse):
        await make_client(fake).portal_self()


async def test_user_license_type_tolerates_odd_entries() -> None:
    body = {"id": "creatorUT", "apps": [None, "x", {"title": "ArcGIS AllSource", "itemId": "as1",
                                                    "entitlements": ["desktopStdN", 7, ""]}]}
    fake = FakePortal().on("GET", "/userLicenseType", arcgis(body))
    user_type = await make_client(fake).user_license_type("jsmith", TOKEN)
    assert user_type.name == "creatorUT"
    assert [(a.item_id, a.title, a.entitlements) for a in user_type.apps] == [("as1", "ArcGIS AllSource",
                                                                               ("desktopStdN",))]


def test_http_client_settings() -> None:
    network = NetworkSettings(connect_timeout=1.5, read_timeout=2.5, write_timeout=3.5, pool_timeout=4.5)
    client = build_http_client(network)
    assert client.timeout == httpx.Timeout(connect=1.5, read=2.5, write=3.5, pool=4.5)
    assert client.follow_redirects is False and client.trust_env is True
    assert client.headers["User-Agent"].startswith("allsource-tui/")
    injected = build_http_client(network, transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    assert injected.trust_env is False and injected.timeout.read == 2.5


def test_portal_modules_read_time_only_through_the_clock() -> None:
    from pathlib import Path

    import tui.portal

    package = Path(tui.portal.__file__).parent
    offenders = [path.name for path in package.glob("*.py")
                 if any(call in path.read_text() for call in ("time.time(", "datetime.now(", "datetime.utcnow("))]
    assert offenders == []
