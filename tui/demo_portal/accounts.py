"""The demo organisations, their listings and the demo accounts (README "The demo portal"), and the JSON the portal
shows of them.

Everything here is fixed data: what changes at run time (tokens, check-outs, disconnect settings, last logins) lives in
the store. Entitlement strings are those of the ArcGIS Pro listing, see docs/portal-protocol.md,
"Which listing is ArcGIS AllSource".
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from tui.demo_portal import generated

DEMO_PASSWORD = "allsource-demo"
ALLSOURCE_TITLE = "ArcGIS AllSource"
ALLSOURCE_APP_ID = "arcgisallsource"
MANAGE_LICENSES = "portal:admin:manageLicenses"
CREATED_MS = 1_700_000_000_000

LEVEL_ENTITLEMENTS = {"Basic": "desktopBasicN", "Standard": "desktopStdN", "Advanced": "desktopAdvN"}
EXTENSION_ENTITLEMENTS = {
    "Spatial Analyst": "spatialAnalystN", "3D Analyst": "3DAnalystN", "Image Analyst": "imageAnalystN",
    "Geostatistical Analyst": "geostatAnalystN", "Network Analyst": "networkAnalystN",
}
USER_TYPE_PRO_LEVEL = {"creatorUT": "Basic", "GISProfessionalStdUT": "Standard", "GISProfessionalAdvUT": "Advanced"}


@dataclass(frozen=True)
class Org:
    key: str                      # "online" | "enterprise"
    prefix: str                   # "" | "/portal"
    org_id: str
    name: str
    url_key: str
    is_portal: bool
    portal_name: str
    allsource_listing_id: str
    pro_listing_id: str
    max_token_minutes: int
    can_disconnect_default: bool


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    org: str                      # "online" | "enterprise"
    user_type_id: str
    user_type_name: str
    level: str | None             # AllSource level: "Basic" | "Standard" | "Advanced" | None
    extensions: tuple[str, ...]
    is_admin: bool = False

    @property
    def has_allsource(self) -> bool:
        return self.level is not None

    @property
    def user_type_includes_allsource(self) -> bool:
        """GIS Professional user types include AllSource; any other type gets it as an add-on."""
        return self.user_type_id.startswith("GISProfessional")

    @property
    def allsource_is_addon(self) -> bool:
        """Creator gets AllSource as an add-on (provisionedListings); GIS Professional types include it."""
        return self.has_allsource and not self.user_type_includes_allsource

    @property
    def entitlements(self) -> list[str]:
        if self.level is None:
            return []
        return [LEVEL_ENTITLEMENTS[self.level], *(EXTENSION_ENTITLEMENTS[name] for name in self.extensions)]

    @property
    def user_id(self) -> str:
        return hashlib.sha256(f"demo-user:{self.username}".encode()).hexdigest()[:32]


ONLINE = Org(key="online", prefix="", org_id="DemoOnlineOrg0001", name="AllSource Demo (ArcGIS Online-style)",
             url_key="demo", is_portal=False, portal_name="ArcGIS Online",
             allsource_listing_id="a1150c3e7d9b4f2a8c6e0d4b2f9a7c51", pro_listing_id="2d2a9c99bb2a43548c31cd8e32217af6",
             max_token_minutes=20160, can_disconnect_default=True)
ENTERPRISE = Org(key="enterprise", prefix="/portal", org_id="0123456789ABCDEF", name="AllSource Demo Enterprise",
                 url_key="", is_portal=True, portal_name="ArcGIS Enterprise",
                 allsource_listing_id="e2a7d41c9b3f4e6a8d0c5b1f7e9a3d62",
                 pro_listing_id="b7c1d2e3f4a5968778695a4b3c2d1e0f",
                 max_token_minutes=1440, can_disconnect_default=False)
ORGS = {ONLINE.key: ONLINE, ENTERPRISE.key: ENTERPRISE}

ACCOUNTS: list[DemoAccount] = [
    DemoAccount("pro_adv", "Avery Pro", "online", "GISProfessionalAdvUT", "GIS Professional Advanced", "Advanced",
                ("Spatial Analyst", "3D Analyst", "Image Analyst")),
    DemoAccount("creator_std", "Casey Creator", "online", "creatorUT", "Creator", "Standard",
                ("Geostatistical Analyst",)),
    DemoAccount("creator_none", "Noor Creator", "online", "creatorUT", "Creator", None, ()),
    DemoAccount("ent_user", "Emery Enterprise", "enterprise", "GISProfessionalStdUT", "GIS Professional Standard",
                "Standard", ("Network Analyst",)),
    DemoAccount("ent_admin", "Ari Admin", "enterprise", "GISProfessionalAdvUT", "GIS Professional Advanced",
                "Advanced", (), is_admin=True),
]
# The Online org's administrator (issue 14) and its generated members (generated.py): not in ACCOUNTS, which lists the
# accounts people try the app with; every lookup goes through EVERY_ACCOUNT.
ORG_ADMIN = DemoAccount("org_admin", "Olive Admin", "online", "GISProfessionalAdvUT", "GIS Professional Advanced",
                        "Advanced", (), is_admin=True)
GENERATED: list[DemoAccount] = [DemoAccount(name, full, "online", type_id, type_name, level, extensions)
                               for name, full, type_id, type_name, level, extensions in generated.member_rows()]
EVERY_ACCOUNT: list[DemoAccount] = [*ACCOUNTS, ORG_ADMIN, *GENERATED]
_BY_NAME = {account.username: account for account in EVERY_ACCOUNT}
SEEDED_CHECKOUTS: dict[str, dict] = {
    generated.username_of(n): generated.seeded_checkout(n, _BY_NAME[generated.username_of(n)].entitlements)
    for n in generated.offline_numbers()}


def org_of_path(path: str) -> Org:
    """The organisation served under a URL path: ``/portal…`` is the Enterprise-style one, anything else Online."""
    prefix = ENTERPRISE.prefix
    return ENTERPRISE if path == prefix or path.startswith(prefix + "/") else ONLINE


def accounts_of(org: Org) -> list[DemoAccount]:
    """The demo accounts that can sign in to ``org`` (an account belongs to exactly one organisation)."""
    return [account for account in ACCOUNTS if account.org == org.key]


def find_account(org: Org, username: str) -> DemoAccount | None:
    """The member ``username`` of ``org`` (usernames are case-sensitive, as in ArcGIS)."""
    account = _BY_NAME.get(username)
    return account if account is not None and account.org == org.key else None


def check_password(org: Org, username: str, password: str) -> DemoAccount | None:
    """The account if the credentials are right for this org; a user of the other org is as unknown as a typo."""
    account = find_account(org, username)
    right = hmac.compare_digest(password.encode(), DEMO_PASSWORD.encode())
    return account if account is not None and right else None


def members(org: Org) -> list[DemoAccount]:
    return [account for account in EVERY_ACCOUNT if account.org == org.key]


def user_object(org: Org, account: DemoAccount, last_login: int, *, full: bool = True) -> dict:
    """The community/self user object; ``full=False`` is what another member of the org may see."""
    first, _, last = account.full_name.partition(" ")
    public = {"username": account.username, "id": account.user_id, "fullName": account.full_name,
              "firstName": first, "lastName": last, "orgId": org.org_id, "description": None, "access": "org",
              "created": CREATED_MS, "modified": CREATED_MS, "provider": "arcgis", "thumbnail": None}
    if not full:
        return public
    role = "org_admin" if account.is_admin else "org_user"
    privileges = ["portal:user:createItem", "portal:user:joinGroup", "portal:user:viewOrgUsers"]
    if account.is_admin:
        privileges = [MANAGE_LICENSES, "portal:admin:viewUsers", "portal:admin:updateUsers", *privileges]
    return {**public, "udn": None, "email": f"{account.username}@demo.invalid", "userType": "both",
            "preferredView": None, "favGroupId": None,
            "idpUsername": None, "lastLogin": last_login, "mfaEnabled": False, "role": role, "roleId": role,
            "privileges": privileges, "level": "2", "userLicenseTypeId": account.user_type_id, "disabled": False,
            "tags": [], "culture": "en", "region": "US", "units": "metric", "storageUsage": 0,
            "storageQuota": 2_147_483_648, "groups": []}


def can_manage_licenses(account: DemoAccount) -> bool:
    return account.is_admin


def _web_apps_bundle() -> dict:
    web_app_id = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
    return {"id": web_app_id, "title": "Essential Apps Bundle", "type": "App Bundle", "isAppBundle": True,
            "apps": [{"id": web_app_id, "title": "ArcGIS Online Web App", "type": "Web Mapping Application",
                      "entitlements": ["mapViewer", "sceneViewer", "templates", "storymaps"]},
                     {"id": web_app_id, "title": "Operations Dashboard for ArcGIS",
                      "type": "Web Mapping Application", "entitlements": ["opsdashboard"]}]}


def user_license_type(org: Org, account: DemoAccount) -> dict:
    """userLicenseType: the apps included in the user type. Creator's AllSource is an add-on, so it is not here."""
    pro_level = USER_TYPE_PRO_LEVEL.get(account.user_type_id)
    apps: list[dict] = [_web_apps_bundle()]
    if pro_level is not None:
        apps.append({"id": org.pro_listing_id, "title": "ArcGIS Pro", "type": "Desktop Application",
                     "isAppBundle": False, "entitlements": [LEVEL_ENTITLEMENTS[pro_level]]})
    if account.has_allsource and not account.allsource_is_addon:
        apps.append(_allsource_app(org, account))
    return {"id": account.user_type_id, "name": account.user_type_name, "apps": apps}


def _allsource_app(org: Org, account: DemoAccount) -> dict:
    return {"id": org.allsource_listing_id, "title": ALLSOURCE_TITLE, "type": "Desktop Application",
            "isAppBundle": False, "entitlements": account.entitlements}


def provisioned_listings(org: Org, account: DemoAccount, *, has_addon: bool) -> list[dict]:
    """Add-on listings assigned to the user: a Creator holding AllSource gets it next to an unrelated add-on."""
    if not has_addon:
        return []
    common = {"licenseType": "free", "priceDesc": "Included with your subscription", "creditsPerTransaction": 0,
              "listingAccess": "public", "trialSupported": False, "ecommerceEnabled": False,
              "publicLoginsAllowed": False, "licenseBy": "licenseByUser", "allowedUserLevels": "2",
              "allowedUserLevelsForLogins": "2"}
    other = {**common, "itemId": "f00dfeed00c0ffee0123456789abcdef", "title": "ArcGIS Workforce",
             "type": "Web Mapping Application", "typeKeywords": ["Ready To Use"]}
    allsource = {**common, "itemId": org.allsource_listing_id, "title": ALLSOURCE_TITLE,
                 "type": "Desktop Application", "typeKeywords": ["ArcGIS AllSource", "Desktop"]}
    return [other, allsource]


def purchases(org: Org, can_disconnect: bool, max_disconnect_duration: int) -> dict:
    """portals/self/purchases: the AllSource listing (with the offline settings) and the ArcGIS Pro listing."""
    counts = {"desktopBasicN": 5, "desktopStdN": 5, "desktopAdvN": 5, **{s: 5 for s in EXTENSION_ENTITLEMENTS.values()}}
    allsource = _purchase(org, org.allsource_listing_id, ALLSOURCE_TITLE, counts)
    allsource["provision"].update(canDisconnect=can_disconnect, maxDisconnectDuration=max_disconnect_duration)
    pro = _purchase(org, org.pro_listing_id, "ArcGIS Pro", {"desktopBasicN": 2})
    pro["provision"].update(canDisconnect=True, maxDisconnectDuration=-1)
    return {"purchases": [pro, allsource], "trials": [], "interests": []}


def _purchase(org: Org, item_id: str, title: str, counts: dict[str, int]) -> dict:
    provision = {"itemId": item_id, "orgId": "EsriAppsDemoOrg00", "purchaserOrgId": org.org_id,
                 "purchaserUsername": None, "startDate": CREATED_MS, "endDate": -1, "purchased": True,
                 "trial": False, "interested": False, "created": CREATED_MS, "modified": CREATED_MS,
                 "orgEntitlements": {"maxUsers": 10, "entitlementsModified": CREATED_MS,
                                     "entitlements": {name: {"num": num} for name, num in counts.items()}}}
    return {"provision": provision, "listing": {"itemId": item_id, "title": title, "licenseBy": "licenseByUser"}}
