"""AppState: the typed view of state.toml, and its mapping to and from the TOML tables.

Reading is lenient (RELIABILITY S-4): a table with wrong types is dropped from the view with a notice, and keys this
version doesn't know are preserved on rewrite because ``apply_to`` only touches the keys it owns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.core.models import LicenseInfo, LicensingPortal, OfflineIntent, OfflineLicense, Session
from tui.core.secret import Secret

OWNED_KEYS = ("last_username", "workstation_alias", "licensing_portal", "portals", "session", "license",
              "offline", "offline_intent", "listing_ids")


@dataclass
class AppState:
    """What state.toml holds, typed; ``notices`` lists the parts that were ignored as unreadable."""

    licensing_portal: LicensingPortal | None = None
    portal_urls: list[str] = field(default_factory=list)
    active_portal: str | None = None
    session: Session | None = None
    license: LicenseInfo | None = None
    workstation_alias: str | None = None
    last_username: str | None = None
    offline: dict[str, OfflineLicense] = field(default_factory=dict)      # by machine key (LIC-1)
    intents: dict[str, OfflineIntent] = field(default_factory=dict)       # by machine key
    listing_ids: dict[str, str] = field(default_factory=dict)            # AllSource listing by portal URL
    notices: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AppState:
        state = cls()
        readers = {
            "licensing_portal": lambda v: setattr(state, "licensing_portal", _portal(v)),
            "portals": lambda v: _read_portals(state, v),
            "session": lambda v: setattr(state, "session", _session(v)),
            "license": lambda v: setattr(state, "license", _license(v)),
            "workstation_alias": lambda v: setattr(state, "workstation_alias", _text(v)),
            "last_username": lambda v: setattr(state, "last_username", _text(v)),
            "offline": lambda v: state.offline.update({k: _offline(x) for k, x in _table(v).items()}),
            "offline_intent": lambda v: state.intents.update({k: _intent(x) for k, x in _table(v).items()}),
            "listing_ids": lambda v: state.listing_ids.update({_text(k): _text(x) for k, x in _table(v).items()}),
        }
        for key, read in readers.items():
            if key in data:
                try:
                    read(data[key])
                except (TypeError, ValueError, KeyError) as exc:
                    state.notices.append(f"Ignored the [{key}] part of the state file: {exc}.")
        return state

    def apply_to(self, data: dict[str, Any]) -> None:
        """Write this state's owned keys into ``data`` (a StateStore transaction dict), leaving other keys alone."""
        for key in OWNED_KEYS:
            data.pop(key, None)
        values = {
            "last_username": self.last_username,
            "workstation_alias": self.workstation_alias,
            "licensing_portal": _portal_dict(self.licensing_portal),
            "portals": {"urls": list(self.portal_urls), "active": self.active_portal} if self.portal_urls else None,
            "session": _session_dict(self.session),
            "license": _license_dict(self.license),
            "offline": {k: _offline_dict(v) for k, v in self.offline.items()} or None,
            "offline_intent": {k: _intent_dict(v) for k, v in self.intents.items()} or None,
            "listing_ids": dict(self.listing_ids) or None,
        }
        data.update({k: _drop_none(v) for k, v in values.items() if v is not None})


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    return value


def _table(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError("expected a table")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {type(value).__name__}")
    return value


# Every number in the state is a time in epoch seconds; these are the ones a datetime can show (years 1-9999).
EPOCH_RANGE = (-62_135_596_800.0, 253_402_300_799.0)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number, found {type(value).__name__}")
    if not EPOCH_RANGE[0] <= value <= EPOCH_RANGE[1]:  # also refuses inf and nan, which TOML allows
        raise ValueError(f"{value!r} is not a time in epoch seconds")
    return float(value)


def _optional(table: dict[str, Any], key: str, convert):
    return convert(table[key]) if key in table else None


def _secret(value: Any) -> Secret:
    return Secret(_text(value))


def _portal(value: Any) -> LicensingPortal:
    table = _table(value)
    kind = _text(table["kind"])
    if kind not in ("online", "enterprise"):
        raise ValueError(f"unknown portal kind {kind!r}")
    return LicensingPortal(url=_text(table["url"]), kind=kind)  # type: ignore[arg-type]


def _portal_dict(portal: LicensingPortal | None) -> dict | None:
    return None if portal is None else {"url": portal.url, "kind": portal.kind}


def _read_portals(state: AppState, value: Any) -> None:
    table = _table(value)
    state.portal_urls = [_text(url) for url in table.get("urls", [])]
    state.active_portal = _optional(table, "active", _text)


def _session(value: Any) -> Session:
    t = _table(value)
    method = _text(t.get("method", "password"))
    if method not in ("password", "oauth"):
        raise ValueError(f"unknown sign-in method {method!r}")
    return Session(
        portal_url=_text(t["portal_url"]), username=_text(t["username"]), full_name=_text(t.get("full_name", "")),
        auto_sign_in=bool(t.get("auto_sign_in", True)), method=method,  # type: ignore[arg-type]
        access_token=_optional(t, "access_token", _secret), expires_at=_number(t["expires_at"]),
        signed_in_at=_number(t.get("signed_in_at", 0)), refresh_token=_optional(t, "refresh_token", _secret),
        refresh_expires_at=_optional(t, "refresh_expires_at", _number),
        token_store="keyring" if t.get("token_store") == "keyring" else "state")


def _session_dict(s: Session | None) -> dict | None:
    if s is None:
        return None
    return {"portal_url": s.portal_url, "username": s.username, "full_name": s.full_name,
            "auto_sign_in": s.auto_sign_in, "method": s.method, "token_store": s.token_store,
            "access_token": s.access_token.reveal() if s.access_token else None,
            "expires_at": s.expires_at, "signed_in_at": s.signed_in_at,
            "refresh_token": s.refresh_token.reveal() if s.refresh_token else None,
            "refresh_expires_at": s.refresh_expires_at}


def _license(value: Any) -> LicenseInfo:
    t = _table(value)
    extensions = {_text(k): bool(v) for k, v in _table(t.get("extensions", {})).items()}
    return LicenseInfo(level=_optional(t, "level", _text), extensions=extensions,
                       user_type=_optional(t, "user_type", _text), listing_id=_optional(t, "listing_id", _text),
                       checked_at=_number(t.get("checked_at", 0)), disconnected=bool(t.get("disconnected", False)))


def _license_dict(lic: LicenseInfo | None) -> dict | None:
    if lic is None:
        return None
    return {"level": lic.level, "extensions": dict(lic.extensions), "user_type": lic.user_type,
            "listing_id": lic.listing_id, "checked_at": lic.checked_at, "disconnected": lic.disconnected}


def _offline(value: Any) -> OfflineLicense:
    t = _table(value)
    return OfflineLicense(
        portal_url=_text(t["portal_url"]), username=_text(t["username"]), full_name=_text(t.get("full_name", "")),
        machine_id=_text(t["machine_id"]), os_user=_text(t["os_user"]), alias=_text(t.get("alias", "")),
        license=_license(t["license"]), expires_at=_optional(t, "expires_at", _number),
        checked_out_at=_number(t.get("checked_out_at", 0)),
        device_credential=_optional(t, "device_credential", _secret))


def _offline_dict(o: OfflineLicense) -> dict:
    return {"portal_url": o.portal_url, "username": o.username, "full_name": o.full_name,
            "machine_id": o.machine_id, "os_user": o.os_user, "alias": o.alias, "license": _license_dict(o.license),
            "expires_at": o.expires_at, "checked_out_at": o.checked_out_at,
            "device_credential": o.device_credential.reveal() if o.device_credential else None}


def _intent(value: Any) -> OfflineIntent:
    t = _table(value)
    return OfflineIntent(intent_id=_text(t["intent_id"]), portal_url=_text(t["portal_url"]),
                         username=_text(t["username"]), machine_id=_text(t["machine_id"]),
                         listing_id=_text(t["listing_id"]), started_at=_number(t.get("started_at", 0)))


def _intent_dict(i: OfflineIntent) -> dict:
    return {"intent_id": i.intent_id, "portal_url": i.portal_url, "username": i.username,
            "machine_id": i.machine_id, "listing_id": i.listing_id, "started_at": i.started_at}
