"""Frozen dataclasses parsed from portal answers (docs/portal-protocol.md, "Calls the client makes").

Parsers are lenient about optional fields (portals add and drop fields) and strict about the few a workflow needs:
a missing one raises ``Malformed``, which the client turns into UnexpectedResponse naming the portal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from tui.core.secret import Secret
from tui.core.text import clean, clean_tree


class Malformed(ValueError):
    """A required field is missing or has the wrong type; ``args[0]`` names it."""


def text(data: dict, key: str, *, required: bool = False) -> str:
    """A string field, cleaned of terminal controls (answers are cleaned in envelope.parse_answer already; this
    also covers dicts built elsewhere, e.g. the JSON inside userEntitlementsString)."""
    value = data.get(key)
    if isinstance(value, str) and value:
        return clean(value)
    if required:
        raise Malformed(key)
    return "" if value is None or isinstance(value, (dict, list)) else clean(str(value))


MAX_NUMBER = 2**53  # beyond this a JSON number is no time or count a portal sends (and floats lose precision)


def number(data: dict, key: str, default: int = -1) -> int:
    """``data[key]`` as a whole number; ``default`` when absent or unusable (a string, NaN, 1e400 = infinity, or a
    magnitude no portal sends) — the caller decides whether the field was required (issue 16 finding 7)."""
    value = data.get(key)
    if isinstance(value, bool):
        return default
    try:
        whole = int(value) if value is not None else default
    except (TypeError, ValueError, OverflowError):
        return default
    return whole if -MAX_NUMBER <= whole <= MAX_NUMBER else default


def strings(value: object) -> tuple[str, ...]:
    """A list of strings, without empty ones (the documented example holds ``[""]``)."""
    if not isinstance(value, list):
        return ()
    return tuple(clean(item).strip() for item in value if isinstance(item, str) and item.strip())


def mapping(data: dict, key: str) -> dict:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class User:
    username: str
    full_name: str
    user_license_type_id: str | None
    role: str | None
    privileges: tuple[str, ...]
    disabled: bool
    org_id: str | None
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def parse(cls, data: dict) -> User:
        full_name = text(data, "fullName") or " ".join(filter(None, (text(data, "firstName"), text(data, "lastName"))))
        return cls(username=text(data, "username", required=True), full_name=full_name,
                   user_license_type_id=text(data, "userLicenseTypeId") or None, role=text(data, "role") or None,
                   privileges=strings(data.get("privileges")), disabled=data.get("disabled") is True,
                   org_id=text(data, "orgId") or None, raw=data)


@dataclass(frozen=True)
class PortalSelf:
    id: str | None
    name: str
    portal_name: str
    is_portal: bool
    url_key: str | None
    custom_base_url: str | None
    portal_hostname: str | None
    max_token_expiration_minutes: int
    supports_oauth: bool
    user: User | None
    app_info: dict | None
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def parse(cls, data: dict) -> PortalSelf:
        if "isPortal" not in data and "portalName" not in data and "portalHostname" not in data:
            raise Malformed("isPortal")
        user = mapping(data, "user")
        return cls(id=text(data, "id") or None, name=text(data, "name"), portal_name=text(data, "portalName"),
                   is_portal=data.get("isPortal") is True, url_key=text(data, "urlKey") or None,
                   custom_base_url=text(data, "customBaseUrl") or None,
                   portal_hostname=text(data, "portalHostname") or None,
                   max_token_expiration_minutes=number(data, "maxTokenExpirationMinutes"),
                   supports_oauth=data.get("supportsOAuth") is not False,
                   user=User.parse(user) if user.get("username") else None,
                   app_info=mapping(data, "appInfo") or None, raw=data)


@dataclass(frozen=True)
class TokenGrant:
    """generateToken: ``expires_at`` is local epoch seconds, already corrected for clock skew (T-1)."""

    token: Secret
    expires_at: float
    ssl: bool


@dataclass(frozen=True)
class OAuthGrant:
    """oauth2/token: expiries are local epoch seconds = receipt time + ``expires_in`` (T-1)."""

    access_token: Secret
    expires_at: float
    refresh_token: Secret | None
    refresh_expires_at: float | None
    username: str


@dataclass(frozen=True)
class LicensedApp:
    item_id: str
    title: str
    entitlements: tuple[str, ...]


@dataclass(frozen=True)
class UserLicenseType:
    id: str
    name: str
    apps: tuple[LicensedApp, ...]

    @classmethod
    def parse(cls, data: dict) -> UserLicenseType:
        return cls(id=text(data, "id"), name=text(data, "name") or text(data, "id"),
                   apps=tuple(_flatten_apps(data.get("apps"), depth=0)))


def _flatten_apps(apps: object, depth: int) -> list[LicensedApp]:
    """Apps of the user type, with bundles (``isAppBundle``) replaced by the apps they hold."""
    if not isinstance(apps, list) or depth > 4:
        return []
    found: list[LicensedApp] = []
    for app in apps:
        if not isinstance(app, dict):
            continue
        if app.get("isAppBundle") is True or isinstance(app.get("apps"), list):
            found.extend(_flatten_apps(app.get("apps"), depth + 1))
        else:
            found.append(LicensedApp(item_id=text(app, "id") or text(app, "itemId"), title=text(app, "title"),
                                     entitlements=strings(app.get("entitlements"))))
    return found


@dataclass(frozen=True)
class Listing:
    item_id: str
    title: str
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def parse(cls, data: dict) -> Listing:
        return cls(item_id=text(data, "itemId", required=True), title=text(data, "title"), raw=data)


@dataclass(frozen=True)
class UserEntitlements:
    username: str
    entitlements: tuple[str, ...]
    disconnected: bool
    last_login: int

    @classmethod
    def parse(cls, data: dict, username: str = "") -> UserEntitlements:
        return cls(username=text(data, "username") or username, entitlements=strings(data.get("entitlements")),
                   disconnected=data.get("disconnected") is True, last_login=number(data, "lastLogin"))


@dataclass(frozen=True)
class Purchase:
    """One ``purchases[]`` entry; ``can_disconnect``/``max_disconnect_duration`` are None when not reported."""

    item_id: str
    title: str
    can_disconnect: bool | None
    max_disconnect_duration: int | None
    org_entitlements: dict[str, int]
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def parse(cls, data: dict) -> Purchase:
        provision, listing = mapping(data, "provision"), mapping(data, "listing")
        counts = mapping(mapping(provision, "orgEntitlements"), "entitlements")
        can = provision.get("canDisconnect")
        return cls(item_id=text(listing, "itemId") or text(provision, "itemId", required=True),
                   title=text(listing, "title"), can_disconnect=can if isinstance(can, bool) else None,
                   max_disconnect_duration=number(provision, "maxDisconnectDuration")
                   if "maxDisconnectDuration" in provision else None,
                   org_entitlements={str(k): number(v, "num", 0) for k, v in counts.items() if isinstance(v, dict)},
                   raw=data)


@dataclass(frozen=True)
class AppAccess:
    valid: bool
    view_only_user_type_app: bool


@dataclass(frozen=True)
class UserLicenses:
    """content/listings/<id>/userLicenses (undocumented; what ArcGIS Pro reads). ``signature`` is not verified."""

    signature: str
    username: str
    entitlements: tuple[str, ...]
    licenses: tuple[str, ...]
    disconnected: bool
    last_login: int

    @classmethod
    def parse(cls, data: dict) -> UserLicenses:
        try:
            inner = json.loads(text(data, "userEntitlementsString", required=True))
        except ValueError:
            raise Malformed("userEntitlementsString") from None
        if not isinstance(inner, dict):
            raise Malformed("userEntitlementsString")
        inner = clean_tree(inner)  # a JSON document inside a string: its strings are decoded only now
        return cls(signature=text(data, "signature"), username=text(inner, "username"),
                   entitlements=strings(inner.get("entitlements")), licenses=strings(inner.get("licenses")),
                   disconnected=inner.get("disconnected") is True, last_login=number(inner, "lastLogin"))
