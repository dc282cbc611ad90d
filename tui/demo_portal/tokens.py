"""Tokens of the demo portal: minted at random, stored only as sha256 hashes, each bound to a computer.

A token record (``state["tokens"][sha256]``) holds the user, the org, the kind (``generate`` from generateToken,
``access``/``refresh`` from oauth2/token), the expiry (epoch seconds), the *computer* that holds it and, for
generateToken with ``client=referer``, the referer it is bound to.

Choices (documented in the report):
- A generateToken token made with ``client=referer`` only works with the same ``Referer`` header; any other
  (or none) answers 498, as a real portal answers a referer-restricted token it can't match.
- The computer of a token is its referer (README "Identifying this computer"); for ``client=requestip``/``ip`` it is
  ``ip:<address>``. OAuth tokens take the Referer of the oauth2/token request as their computer but are not bound to
  it on use (real OAuth tokens aren't referer-restricted).
- A refresh token is not an access token: presenting one as a token answers 498.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

KIND_GENERATE, KIND_ACCESS, KIND_REFRESH = "generate", "access", "refresh"
MAX_TOKENS_PER_COMPUTER = 20  # older tokens of one user on one computer are dropped beyond this


@dataclass(frozen=True)
class TokenInfo:
    token_hash: str
    username: str
    org: str
    kind: str
    computer: str
    expires: float
    referer: str | None = None
    client_id: str | None = None
    parent: str | None = None

    @classmethod
    def from_record(cls, token_hash: str, record: Mapping) -> TokenInfo:
        return cls(token_hash=token_hash, username=record["username"], org=record["org"], kind=record["kind"],
                   computer=record["computer"], expires=record["expires"], referer=record.get("referer"),
                   client_id=record.get("client_id"), parent=record.get("parent"))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token_value() -> str:
    return secrets.token_urlsafe(48) + ".."


def issue(state: dict, *, username: str, org: str, kind: str, computer: str, expires: float, now: float,
          referer: str | None = None, client_id: str | None = None, parent: str | None = None) -> str:
    """Mint a token, store its hash, and return the raw value (shown once, in the response)."""
    token = new_token_value()
    state["tokens"][hash_token(token)] = {"username": username, "org": org, "kind": kind, "computer": computer,
                                          "expires": expires, "issued": now, "referer": referer,
                                          "client_id": client_id, "parent": parent}
    _drop_oldest_on_computer(state, username, computer, kind)
    return token


def _drop_oldest_on_computer(state: dict, username: str, computer: str, kind: str) -> None:
    same = [(record["issued"], digest) for digest, record in state["tokens"].items()
            if record["username"] == username and record["computer"] == computer and record["kind"] == kind]
    for _, digest in sorted(same)[:-MAX_TOKENS_PER_COMPUTER]:
        revoke_hash(state, digest)


def lookup(state: Mapping, token: str, now: float) -> TokenInfo | None:
    """The live token record for ``token``; None when unknown, revoked or expired."""
    digest = hash_token(token)
    record = state["tokens"].get(digest)
    if record is None or record["expires"] <= now:
        return None
    return TokenInfo.from_record(digest, record)


def prune_expired(state: dict, now: float) -> None:
    for digest in [d for d, record in state["tokens"].items() if record["expires"] <= now]:
        del state["tokens"][digest]


def revoke_hash(state: dict, digest: str) -> bool:
    """Forget a token; a refresh token takes the access tokens minted from it along."""
    record = state["tokens"].pop(digest, None)
    if record is None:
        return False
    if record["kind"] == KIND_REFRESH:
        for child in [d for d, other in state["tokens"].items() if other.get("parent") == digest]:
            del state["tokens"][child]
    return True


def revoke(state: dict, token: str, client_id: str | None = None) -> bool:
    """oauth2/revokeToken: an app may only revoke its own OAuth tokens; generateToken tokens have no app."""
    digest = hash_token(token)
    record = state["tokens"].get(digest)
    if record is None:
        return False
    if client_id and record.get("client_id") and record["client_id"] != client_id:
        return False
    return revoke_hash(state, digest)


def live_computers(state: Mapping, username: str, now: float) -> set[str]:
    """The distinct computers on which ``username`` holds an unexpired token (any kind)."""
    return {record["computer"] for record in state["tokens"].values()
            if record["username"] == username and record["expires"] > now}


def reparent(state: dict, old_parent: str, new_parent: str) -> None:
    """After exchange_refresh_token, the access tokens of the old refresh token belong to the new one."""
    for record in state["tokens"].values():
        if record.get("parent") == old_parent:
            record["parent"] = new_parent


def bearer_token(headers: Mapping[str, str], form: Mapping[str, str], query: Mapping[str, str]) -> str | None:
    """The token of a request: X-Esri-Authorization / Authorization Bearer header, else ``token`` form field or query.

    The query is accepted for compatibility with Esri's clients; allsource-tui itself never puts a token in a URL
    (the request log lets tests prove it).
    """
    for name in ("x-esri-authorization", "authorization"):
        value = headers.get(name, "")
        scheme, _, credential = value.strip().partition(" ")
        if scheme.lower() == "bearer" and credential.strip():
            return credential.strip()
    return form.get("token") or query.get("token") or None
