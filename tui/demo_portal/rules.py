"""The licensing rules a portal enforces (README "The demo portal" and "Working offline"). Pure functions on the store's
state dict; callers run them inside ``DemoStore.transaction()`` so each check-and-change is atomic.

- At most 3 computers per user: the distinct computers holding a live token. A new token from a computer that already
  holds one takes the same slot; revoking (or expiry of) its last token frees the computer.
- An offline (checked-out) license lives on one computer: while it is out, the user can't get a token on, or check
  out from, another computer. Check-in needs the same machine, the same OS user and the device credential.
- The device credential is never stored: only its sha256 and a random salt. It is derived as
  HMAC-SHA256(key=intentId, salt|username|machineId), and only the sha256 of the intentId is stored, so a replay of the
  same intent (crash recovery, README) can give back the same credential while the data dir alone reveals nothing.
- ``maxDisconnectDuration`` is read as days (Esri's client only ever sends −1 = no end).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping

from tui.demo_portal import licenses, tokens
from tui.demo_portal.accounts import SEEDED_CHECKOUTS, DemoAccount, Org
from tui.demo_portal.envelopes import astui

MAX_COMPUTERS = 3
DAY_MS = 86_400_000


# --- computers ------------------------------------------------------------------------------------------------------
def admit_computer(state: dict, account: DemoAccount, computer: str, now: float) -> None:
    """Refuse a new token for ``account`` on ``computer`` when the offline license or the 3-computer rule forbids it."""
    held = active_checkout(state, account.username, now)
    if held is not None and held["computer"] != computer:
        raise astui("ASTUI_OFFLINE_HELD", [held["workstationAlias"], held["machineId"]])
    computers = tokens.live_computers(state, account.username, now)
    if computer not in computers and len(computers) >= MAX_COMPUTERS:
        raise astui("ASTUI_COMPUTER_LIMIT")


def record_login(state: dict, username: str, now: float) -> None:
    state["last_login"][username] = int(now * 1000)


# --- disconnect settings --------------------------------------------------------------------------------------------
def disconnect_settings(state: Mapping, org: Org) -> tuple[bool, int]:
    stored = state["settings"].get(org.key, {})
    return (bool(stored.get("canDisconnect", org.can_disconnect_default)),
            int(stored.get("maxDisconnectDuration", -1)))


def set_disconnect_settings(state: dict, org: Org, can_disconnect: bool, max_duration: int) -> None:
    state["settings"][org.key] = {"canDisconnect": can_disconnect, "maxDisconnectDuration": max_duration}


# --- check-out / check-in -------------------------------------------------------------------------------------------
def active_checkout(state: Mapping, username: str, now: float) -> dict | None:
    """The user's check-out unless there is none or it has expired (an expired one counts as checked in).

    Generated members may hold a seeded check-out (generated.py) until an administrator releases it.
    """
    held = state["checkouts"].get(username)
    if held is None and username not in state["released_seeds"]:
        held = SEEDED_CHECKOUTS.get(username)
    if held is None or (held["expires"] != -1 and held["expires"] <= now * 1000):
        return None
    return held


def check_out(state: dict, org: Org, account: DemoAccount, *, computer: str, machine_id: str, os_user: str,
              alias: str, intent_id: str, now: float) -> dict:
    """Take ``account``'s license offline on ``machine_id``; the same intent from the same machine replays."""
    if not licenses.has_license(state, account):
        raise astui("ASTUI_NO_LICENSE")
    held = active_checkout(state, account.username, now)
    if held is not None:
        if _same_intent(held, intent_id) and held["machineId"] == machine_id:
            return public_checkout(held, intent_id)
        raise astui("ASTUI_OFFLINE_HELD", [held["workstationAlias"], held["machineId"]])
    can_disconnect, max_days = disconnect_settings(state, org)
    if not can_disconnect:
        raise astui("ASTUI_OFFLINE_DISABLED")
    now_ms = int(now * 1000)
    salt = secrets.token_hex(16)
    credential = _derive_credential(intent_id, salt, account.username, machine_id)
    record = {"username": account.username, "org": org.key, "machineId": machine_id, "osUser": os_user,
              "workstationAlias": alias, "entitlements": licenses.current(state, account), "checkedOutAt": now_ms,
              "expires": -1 if max_days < 0 else now_ms + max_days * DAY_MS, "computer": computer,
              "intentHash": _sha256(intent_id), "salt": salt, "credentialHash": _sha256(credential)}
    state["checkouts"][account.username] = record
    return public_checkout(record, intent_id)


def checkout_status(state: Mapping, account: DemoAccount, *, computer: str, machine_id: str, intent_id: str,
                    now: float) -> dict | None:
    """The check-out object when this intent on this machine holds the license, else None.

    ``computer`` is the caller's token computer (its referer): the ``machineId`` form field alone proves nothing,
    since a copied state.toml carries it to another computer, which is refused like any wrong computer.
    """
    held = active_checkout(state, account.username, now)
    if held is None or held["machineId"] != machine_id or not _same_intent(held, intent_id):
        return None
    if held["computer"] != computer:
        raise astui("ASTUI_WRONG_COMPUTER", [held["workstationAlias"]])
    return public_checkout(held, intent_id)


def check_in(state: dict, account: DemoAccount, *, computer: str, machine_id: str, os_user: str,
             credential: str, now: float) -> None:
    """Return ``account``'s offline license: only from the computer holding it (token referer and machine id)."""
    held = active_checkout(state, account.username, now)
    if held is None:
        raise astui("ASTUI_NOT_OFFLINE")
    if held["machineId"] != machine_id or held["computer"] != computer:
        raise astui("ASTUI_WRONG_COMPUTER", [held["workstationAlias"]])
    if held["osUser"] != os_user:
        raise astui("ASTUI_WRONG_OS_USER")
    if not credential or not hmac.compare_digest(_sha256(credential), held["credentialHash"]):
        raise astui("ASTUI_BAD_CREDENTIAL")
    del state["checkouts"][account.username]


def release(state: dict, username: str) -> bool:
    """An administrator's release: the check-out is gone, whoever holds it. True when there was one."""
    if state["checkouts"].pop(username, None) is not None:
        return True
    if username in SEEDED_CHECKOUTS and username not in state["released_seeds"]:
        state["released_seeds"].append(username)
        return True
    return False


def public_checkout(record: Mapping, intent_id: str) -> dict:
    """The README's ``checkOut`` object; the credential is re-derived from the intent id the client sent."""
    credential = _derive_credential(intent_id, record["salt"], record["username"], record["machineId"])
    return {"intentId": intent_id, "username": record["username"], "machineId": record["machineId"],
            "osUser": record["osUser"], "workstationAlias": record["workstationAlias"],
            "entitlements": list(record["entitlements"]), "expires": record["expires"],
            "deviceCredential": credential, "checkedOutAt": record["checkedOutAt"]}


def _same_intent(record: Mapping, intent_id: str) -> bool:
    return hmac.compare_digest(record["intentHash"], _sha256(intent_id))


def _derive_credential(intent_id: str, salt: str, username: str, machine_id: str) -> str:
    mac = hmac.new(intent_id.encode(), f"{salt}|{username}|{machine_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()
