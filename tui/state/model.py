"""AppState: the typed view of state.toml, and its mapping to and from the TOML tables.

Reading is lenient per entry (docs/state-file.md): an entry with wrong types (one ``[offline.<key>]``, the
``[session]`` table...) is left out of the view with one notice naming it, and kept verbatim on every rewrite: a write
never drops what this version could not read. Keys this version doesn't know survive too, at the top level and inside
the tables it owns, because ``apply_to`` merges its values into what was read instead of replacing the tables.
"""

from __future__ import annotations

import copy
from typing import Any

from tui.core.models import (
    LicenseInfo,
    LicensingPortal,
    OfflineIntent,
    OfflineLicense,
    Session,
)
from tui.core.secret import Secret
from tui.core.text import clean

OWNED_KEYS = ("last_username", "workstation_alias", "licensing_portal", "portals", "session", "license",
              "offline", "offline_intent", "listing_ids")
ENTRY_TABLES = ("offline", "offline_intent", "listing_ids")  # one entry per portal/computer: judged entry by entry
REPLACED_WHOLE = frozenset({"extensions"})  # sub-tables whose keys are data, not fields: never merged with the old


class AppState:
    """What state.toml holds, typed; ``notices`` lists the parts that were ignored as unreadable.

    A plain class, not a dataclass: `status` imports this module, and ``dataclasses`` alone costs it ~13 ms of imports
    (docs/architecture.md › Value objects). It is only ever made empty and filled by ``from_dict``.
    """

    def __init__(self) -> None:
        self.licensing_portal: LicensingPortal | None = None
        self.portal_urls: list[str] = []
        self.active_portal: str | None = None
        self.session: Session | None = None
        self.license: LicenseInfo | None = None
        self.workstation_alias: str | None = None
        self.last_username: str | None = None
        self.offline: dict[str, OfflineLicense] = {}        # by machine key (LIC-1)
        self.intents: dict[str, OfflineIntent] = {}         # by machine key
        self.listing_ids: dict[str, str] = {}               # AllSource listing by portal URL
        self.notices: list[str] = []
        # What was read, for apply_to: the owned keys as found, and the unusable parts kept verbatim (may hold secrets).
        self.read_from: dict[str, Any] = {}
        self.kept: dict[str, Any] = {}                      # whole bad values
        self.kept_entries: dict[str, dict[str, Any]] = {}
        self.as_read: dict[str, Any] = {}                   # owned values right after read

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AppState:
        state = cls()
        state.read_from = {key: copy.deepcopy(data[key]) for key in OWNED_KEYS if key in data}
        readers = {
            "licensing_portal": lambda v: setattr(state, "licensing_portal", _portal(v)),
            "portals": lambda v: _read_portals(state, v),
            "session": lambda v: setattr(state, "session", _session(v)),
            "license": lambda v: setattr(state, "license", _license(v)),
            "workstation_alias": lambda v: setattr(state, "workstation_alias", _text(v)),
            "last_username": lambda v: setattr(state, "last_username", _text(v)),
        }
        for key, read in readers.items():
            if key in data:
                try:
                    read(data[key])
                except (TypeError, ValueError, KeyError, OverflowError) as exc:
                    state._keep(key, None, data[key], exc)
        entry_readers: dict[str, tuple[Any, dict[str, Any]]] = {
            "offline": (_offline, state.offline), "offline_intent": (_intent, state.intents),
            "listing_ids": (_text, state.listing_ids)}
        for key, (convert, into) in entry_readers.items():
            if key in data:
                state._read_entries(key, data[key], convert, into)
        state.as_read = state._owned_values()
        return state

    def _read_entries(self, key: str, table: Any, convert, into: dict) -> None:
        if not isinstance(table, dict):
            self._keep(key, None, table, TypeError("expected a table"))
            return
        for name, value in table.items():
            try:
                into[name] = convert(value)
            except (TypeError, ValueError, KeyError, OverflowError) as exc:
                self._keep(key, name, value, exc)

    def _keep(self, key: str, entry: str | None, value: Any, exc: Exception) -> None:
        """Remember an unusable part to write it back unchanged, and say so once, naming it."""
        if entry is None:
            self.kept[key] = copy.deepcopy(value)
            where = f"[{key}]" if isinstance(value, dict) else key
        else:
            self.kept_entries.setdefault(key, {})[entry] = copy.deepcopy(value)
            where = f"[{key}.{_toml_key(entry)}]"
        reason = str(exc) if not isinstance(exc, KeyError) else f"{exc} is missing"
        self.notices.append(f"The entry {where} of the state file cannot be used ({reason}); it is kept as it is. "
                            "Correct or remove it by hand.")

    def apply_to(self, data: dict[str, Any]) -> None:
        """Write this state's owned keys into ``data`` (a StateStore transaction dict), leaving other keys alone.

        What was read is the base: known fields are overwritten (a None removes one), unknown keys stay, and parts
        kept as unusable are written back verbatim unless this state now holds a value of its own for them.
        """
        for key, value in self._owned_values().items():
            merged = self._merged(key, value)
            if merged is None:
                data.pop(key, None)
            else:
                data[key] = merged

    def _owned_values(self) -> dict[str, Any]:
        return {
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

    def _merged(self, key: str, value: Any) -> Any:
        before = self.read_from.get(key)
        if key in ENTRY_TABLES:
            entries = dict(self.kept_entries.get(key, {}))
            old = before if isinstance(before, dict) else {}
            unchanged = self.as_read.get(key) or {}
            entries.update({name: copy.deepcopy(old[name]) if name in old and unchanged.get(name) == item
                            else _merge(old.get(name), item) for name, item in (value or {}).items()})
            if not entries and key in self.kept:
                return copy.deepcopy(self.kept[key])
            return entries or None
        if value is None:
            return copy.deepcopy(self.kept[key]) if key in self.kept else None
        if before is not None and key not in self.kept and self.as_read.get(key) == value:
            return copy.deepcopy(before)  # untouched by this state: written back exactly as read
        return _merge(before, value)


def _merge(before: Any, new: Any) -> Any:
    """``new`` over ``before``: keys of ``before`` that ``new`` does not name survive; a None in ``new`` removes."""
    if not isinstance(new, dict):
        return new
    out = copy.deepcopy(before) if isinstance(before, dict) else {}
    for key, value in new.items():
        if value is None:
            out.pop(key, None)
        elif key in REPLACED_WHOLE:
            out[key] = _merge(None, value)
        else:
            out[key] = _merge(out.get(key), value)
    return out


def _toml_key(name: str) -> str:
    bare = name and all(c.isascii() and (c.isalnum() or c in "-_") for c in name)
    return name if bare else '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _table(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError("expected a table")
    return value


def _text(value: Any) -> str:
    """A string of the state file, cleaned of terminal controls: the file is outside text like a portal answer
    (another program, a copied file, or a portal value saved by an older version may have put them there)."""
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {type(value).__name__}")
    return clean(value)


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
    urls = [_text(url) for url in table.get("urls", [])]
    active = _optional(table, "active", _text)
    state.portal_urls, state.active_portal = urls, active  # all or nothing: a half-read table would be rewritten


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
        token_store="keyring" if t.get("token_store") == "keyring" else "state",
        manages_licenses=t.get("manages_licenses") is True)


def _session_dict(s: Session | None) -> dict | None:
    if s is None:
        return None
    return {"portal_url": s.portal_url, "username": s.username, "full_name": s.full_name,
            "auto_sign_in": s.auto_sign_in, "method": s.method, "token_store": s.token_store,
            "access_token": s.access_token.reveal() if s.access_token else None,
            "expires_at": s.expires_at, "signed_in_at": s.signed_in_at,
            "refresh_token": s.refresh_token.reveal() if s.refresh_token else None,
            "refresh_expires_at": s.refresh_expires_at, "manages_licenses": True if s.manages_licenses else None}


def _license(value: Any) -> LicenseInfo:
    t = _table(value)
    extensions = {_text(k): bool(v) for k, v in _table(t.get("extensions", {})).items()}
    return LicenseInfo(level=_optional(t, "level", _text), extensions=extensions,
                       user_type=_optional(t, "user_type", _text), listing_id=_optional(t, "listing_id", _text),
                       checked_at=_number(t.get("checked_at", 0)), disconnected=bool(t.get("disconnected", False)),
                       entitlements_known=t.get("entitlements_known", True) is not False,
                       entitlements_notice=_text(t.get("entitlements_notice", "")))


def _license_dict(lic: LicenseInfo | None) -> dict | None:
    if lic is None:
        return None
    return {"level": lic.level, "extensions": dict(lic.extensions), "user_type": lic.user_type,
            "listing_id": lic.listing_id, "checked_at": lic.checked_at, "disconnected": lic.disconnected,
            "entitlements_known": lic.entitlements_known, "entitlements_notice": lic.entitlements_notice}


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
