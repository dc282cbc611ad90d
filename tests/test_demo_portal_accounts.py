"""Demo portal: discovery, organisations and what each demo account is licensed for (README "The demo portal")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.demo_portal import ACCOUNTS, DEMO_PASSWORD, create_app
from tui.demo_portal.accounts import ENTERPRISE, ONLINE
from tui.demo_portal.testing import DemoClient

FIXTURES = Path(__file__).parent / "fixtures" / "arcgis"  # example ArcGIS answers (see its README.md)
LEVEL = {"desktopBasicN": "Basic", "desktopStdN": "Standard", "desktopAdvN": "Advanced"}
EXTENSION = {"spatialAnalystN": "Spatial Analyst", "3DAnalystN": "3D Analyst", "imageAnalystN": "Image Analyst",
             "geostatAnalystN": "Geostatistical Analyst", "networkAnalystN": "Network Analyst"}


@pytest.fixture
def app(tmp_path):
    return create_app(tmp_path / "portal")


def allsource_entry(license_type: dict, provisioned: dict) -> dict | None:
    """How the README tells a client to find the AllSource listing: by title, in both places."""
    apps = license_type["apps"] + provisioned["provisionedListings"]
    found = [app for app in apps if app.get("title", "").lower() == "arcgis allsource"]
    assert len(found) <= 1
    return found[0] if found else None


async def licenses_of(app, username: str, enterprise: bool = False) -> tuple[str | None, set[str], dict]:
    async with DemoClient(app, enterprise=enterprise) as client:
        token = await client.token(username)
        license_type = await client.get(f"community/users/{username}/userLicenseType", token)
        provisioned = await client.get(f"community/users/{username}/provisionedListings", token)
        entry = allsource_entry(license_type, provisioned)
        if entry is None:
            return None, set(), {"license_type": license_type, "provisioned": provisioned}
        item_id = entry.get("itemId") or entry["id"]
        answer = await client.get(f"content/listings/{item_id}/userEntitlements/{username}", token)
    strings = answer["userEntitlements"]["entitlements"]
    levels = [LEVEL[s] for s in strings if s in LEVEL]
    assert len(levels) == 1, strings
    return levels[0], {EXTENSION[s] for s in strings if s in EXTENSION}, answer


@pytest.mark.parametrize("username, enterprise, level, extensions", [
    ("pro_adv", False, "Advanced", {"Spatial Analyst", "3D Analyst", "Image Analyst"}),
    ("creator_std", False, "Standard", {"Geostatistical Analyst"}),
    ("ent_user", True, "Standard", {"Network Analyst"}),
    ("ent_admin", True, "Advanced", set()),
])
async def test_each_account_has_the_allsource_license_of_the_design_table(app, username, enterprise, level,
                                                                           extensions):
    found_level, found_extensions, answer = await licenses_of(app, username, enterprise)
    assert (found_level, found_extensions) == (level, extensions)
    assert answer["userEntitlements"]["disconnected"] is False
    assert answer["userEntitlements"]["lastLogin"] > 0


async def test_creator_none_has_no_allsource_anywhere_and_empty_entitlements(app):
    level, _, seen = await licenses_of(app, "creator_none")
    assert level is None
    assert seen["provisioned"]["provisionedListings"] == []
    titles = [a["title"] for a in seen["license_type"]["apps"]]
    assert "ArcGIS Pro" in titles  # Creator includes Pro Basic: a client must pick by title, not take the first app
    async with DemoClient(app) as client:
        token = await client.token("creator_none")
        answer = await client.get(f"{client.listing}/userEntitlements/creator_none", token)
    assert answer == {"userEntitlements": {}}


async def test_included_license_is_in_user_type_and_addon_in_provisioned_listings(app):
    async with DemoClient(app) as client:
        pro = await client.token("pro_adv")
        creator = await client.token("creator_std")
        pro_types = await client.get("community/users/pro_adv/userLicenseType", pro)
        pro_listings = await client.get("community/users/pro_adv/provisionedListings", pro)
        creator_types = await client.get("community/users/creator_std/userLicenseType", creator)
        creator_listings = await client.get("community/users/creator_std/provisionedListings", creator)
    allsource = [a for a in pro_types["apps"] if a["title"] == "ArcGIS AllSource"]
    assert allsource[0]["id"] == ONLINE.allsource_listing_id and "desktopAdvN" in allsource[0]["entitlements"]
    assert pro_types["name"] == "GIS Professional Advanced" and pro_listings["provisionedListings"] == []
    assert not [a for a in creator_types["apps"] if a["title"] == "ArcGIS AllSource"]
    titles = [entry["title"] for entry in creator_listings["provisionedListings"]]
    assert titles[0] != "ArcGIS AllSource" and "ArcGIS AllSource" in titles
    assert creator_listings["nextStart"] == -1 and creator_listings["total"] == 2


async def test_info_names_each_orgs_own_generate_token_url(app):
    async with DemoClient(app) as client:
        for path, base in [("/sharing/rest/info", ""), ("/info", ""), ("/sharing/info", ""), ("/rest/info", ""),
                           ("/portal/sharing/rest/info", "/portal"), ("/portal/info", "/portal"),
                           ("/portal/sharing/info", "/portal")]:
            answer = await client.get(path)
            token_url = f"https://127.0.0.1:8443{base}/sharing/rest/generateToken"
            assert answer["authInfo"] == {"tokenServicesUrl": token_url, "isTokenBasedSecurity": True,
                                          "allsourceTuiRevokesGenerateTokens": True}, path
            assert answer["owningSystemUrl"] == f"https://127.0.0.1:8443{base}"


async def test_portals_self_anonymous_and_signed_in_for_both_orgs(app):
    async with DemoClient(app) as online, DemoClient(app, enterprise=True) as enterprise:
        anonymous = await online.get("portals/self")
        token = await online.token("pro_adv")
        signed_in = await online.get("portals/self", token)
        portal = await enterprise.get("portals/self", await enterprise.token("ent_user"))
    assert anonymous["isPortal"] is False and "user" not in anonymous and anonymous["portalName"]
    assert anonymous["portalHostname"] == "127.0.0.1:8443" and anonymous["urlKey"] == "demo"
    assert signed_in["user"]["username"] == "pro_adv" and signed_in["user"]["fullName"] == "Avery Pro"
    assert portal["isPortal"] is True and portal["portalHostname"] == "127.0.0.1:8443/portal"
    assert portal["portalName"] and portal["portalMode"] == "singletenant" and portal["user"]["orgId"] == portal["id"]
    assert portal["maxTokenExpirationMinutes"] == ENTERPRISE.max_token_minutes


async def test_community_self_and_users(app):
    async with DemoClient(app, enterprise=True) as client:
        user = await client.token("ent_user")
        admin = await client.token("ent_admin")
        me = await client.get("community/self", user)
        other_seen_by_user = await client.get("community/users/ent_admin", user)
        user_seen_by_admin = await client.get("community/users/ent_user", admin)
        unknown = await client.get("community/users/pro_adv", admin)
        licenses_of_other = await client.get("community/users/ent_admin/userLicenseType", user)
    assert (me["username"], me["userLicenseTypeId"], me["role"]) == ("ent_user", "GISProfessionalStdUT", "org_user")
    assert "privileges" not in other_seen_by_user and other_seen_by_user["fullName"] == "Ari Admin"
    assert user_seen_by_admin["privileges"] and user_seen_by_admin["email"]
    assert unknown["error"]["code"] == 400  # pro_adv is a member of the other org
    assert licenses_of_other["error"]["messageCode"] == "GWM_0003"


async def test_admin_lists_entitlements_of_the_org_in_pages_and_members_cannot(app):
    async with DemoClient(app, enterprise=True) as client:
        admin = await client.token("ent_admin")
        first = await client.get(f"{client.listing}/userEntitlements", admin, start=1, num=1)
        second = await client.get(f"{client.listing}/userEntitlements", admin, start=first["nextStart"], num=1)
        refused = await client.get(f"{client.listing}/userEntitlements", await client.token("ent_user"))
    assert first["total"] == 2 and first["nextStart"] == 2 and second["nextStart"] == -1
    assert {e["username"] for e in first["userEntitlements"] + second["userEntitlements"]} == {"ent_user", "ent_admin"}
    assert refused["error"]["code"] == 403


async def test_purchases_list_allsource_with_disconnect_settings_next_to_pro(app):
    async with DemoClient(app) as online, DemoClient(app, enterprise=True) as enterprise:
        online_purchases = await online.get("portals/self/purchases", await online.token("pro_adv"))
        enterprise_purchases = await enterprise.get("portals/self/purchases", await enterprise.token("ent_user"))
    for answer, org, can_disconnect in [(online_purchases, ONLINE, True), (enterprise_purchases, ENTERPRISE, False)]:
        by_title = {p["listing"]["title"]: p for p in answer["purchases"]}
        assert set(by_title) == {"ArcGIS Pro", "ArcGIS AllSource"}
        provision = by_title["ArcGIS AllSource"]["provision"]
        assert provision["itemId"] == org.allsource_listing_id and len(org.allsource_listing_id) == 32
        assert provision["canDisconnect"] is can_disconnect and provision["maxDisconnectDuration"] == -1


async def test_answers_have_the_keys_of_the_shared_fixtures(app):
    async with DemoClient(app) as client:
        token = await client.token("pro_adv")
        pairs = [("generateToken-ok.json", await client.sign_in("pro_adv")),
                 ("community-self.json", await client.get("community/self", token)),
                 ("userEntitlements-user-pro.json", await client.get(f"{client.listing}/userEntitlements/pro_adv",
                                                                     token)),
                 ("sharing-rest-info.json", await client.get("info"))]
    for fixture, answer in pairs:
        expected = json.loads((FIXTURES / fixture).read_text())
        assert _keys(expected) <= _keys(answer), fixture


def _keys(value: dict) -> set[str]:
    keys = set()
    for key, inner in value.items():
        keys.add(key)
        if isinstance(inner, dict):
            keys |= {f"{key}.{k}" for k in _keys(inner)}
    return keys


def test_accounts_table_and_password():
    assert DEMO_PASSWORD == "allsource-demo"
    table = {(a.username, a.full_name, a.org, a.user_type_id, a.level, a.is_admin) for a in ACCOUNTS}
    assert table == {("pro_adv", "Avery Pro", "online", "GISProfessionalAdvUT", "Advanced", False),
                     ("creator_std", "Casey Creator", "online", "creatorUT", "Standard", False),
                     ("creator_none", "Noor Creator", "online", "creatorUT", None, False),
                     ("ent_user", "Emery Enterprise", "enterprise", "GISProfessionalStdUT", "Standard", False),
                     ("ent_admin", "Ari Admin", "enterprise", "GISProfessionalAdvUT", "Advanced", True)}
