"""OAuth 2.0 of the demo portal (docs/portal-protocol.md, "OAuth with PKCE and the out-of-band code"): authorization
code + PKCE with the out-of-band page.

GET oauth2/authorize (client ``allsource-tui``, redirect ``urn:ietf:wg:oauth:2.0:oob``) ⇒ sign-in page with
``oAuthInfo.oauth_state``; POST sharing/oauth2/signin ⇒ approval page titled ``SUCCESS code=<code>``; POST
oauth2/token with grant ``authorization_code`` (single-use code, 5 min, verifier and redirect checked),
``refresh_token``, ``exchange_refresh_token`` or ``suspend_session``. Access tokens live 1800 s, refresh tokens
1209599 s unless authorize's ``expiration`` asks otherwise (≤ 90 days). The 3-computer and offline rules apply;
the computer is the Referer header of the oauth2/token request. Pending sign-ins and codes live in memory only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass

from starlette.responses import RedirectResponse, Response

from tui.demo_portal import rules, tokens
from tui.demo_portal.accounts import DemoAccount, check_password, find_account
from tui.demo_portal.context import Call, Endpoint
from tui.demo_portal.envelopes import html_response, oauth_error
from tui.demo_portal.oauth_pages import approval_page, error_page, sign_in_page

OOB = "urn:ietf:wg:oauth:2.0:oob"
CLIENTS = {"allsource-tui": (OOB,), "arcgispro": (OOB,)}
ACCESS_SECONDS = 1800
REFRESH_SECONDS = 1209599
MAX_REFRESH_SECONDS = 90 * 86400
CODE_SECONDS = 300
STATE_SECONDS = 900
MAX_FAILED_SIGN_INS = 10


@dataclass
class PendingAuthorization:
    org: str
    client_id: str
    redirect_uri: str
    challenge: str
    method: str
    state: str
    refresh_seconds: int
    expires: float
    username: str = ""
    failures: int = 0


class PendingSignIns:
    """Sign-in pages waiting for credentials (by oauth_state) and issued codes (by sha256), thread-safe."""

    def __init__(self) -> None:
        self._states: dict[str, PendingAuthorization] = {}
        self._codes: dict[str, PendingAuthorization] = {}
        self._lock = threading.Lock()

    def add_state(self, pending: PendingAuthorization) -> str:
        oauth_state = secrets.token_urlsafe(24)
        with self._lock:
            self._states[oauth_state] = pending
        return oauth_state

    def get_state(self, oauth_state: str, now: float) -> PendingAuthorization | None:
        with self._lock:
            self._states = {key: p for key, p in self._states.items() if p.expires > now}
            return self._states.get(oauth_state)

    def exchange_state_for_code(self, oauth_state: str, username: str, now: float) -> str | None:
        """The code for a signed-in page; None when the page was already used (a double submit)."""
        with self._lock:
            pending = self._states.pop(oauth_state, None)
            if pending is None:
                return None
            pending.username, pending.expires = username, now + CODE_SECONDS
            code = secrets.token_urlsafe(32)
            self._codes[_sha256(code)] = pending
            return code

    def take_code(self, code: str, now: float) -> PendingAuthorization | None:
        """Codes are single-use: taking one forgets it, whatever happens next."""
        with self._lock:
            pending = self._codes.pop(_sha256(code), None)
            self._codes = {key: p for key, p in self._codes.items() if p.expires > now}
        return pending if pending is not None and pending.expires > now else None


async def authorize(call: Call) -> Response:
    client_id, redirect_uri = call.param("client_id"), call.param("redirect_uri")
    if client_id not in CLIENTS:
        return html_response(error_page("Invalid client_id"), 400)
    if redirect_uri not in CLIENTS[client_id]:
        return html_response(error_page("Invalid redirect_uri"), 400)
    if call.param("response_type") != "code":
        return html_response(error_page("Only response_type=code is supported"), 400)
    # PKCE with S256 is required: without it (or with "plain") a code seen by anyone on the way is a sign-in.
    method, challenge = call.param("code_challenge_method"), call.param("code_challenge")
    if not challenge:
        return html_response(error_page("code_challenge is required (PKCE with S256)"), 400)
    if method != "S256":
        return html_response(error_page("code_challenge_method must be S256"), 400)
    now = call.demo.now()
    pending = PendingAuthorization(org=call.org.key, client_id=client_id, redirect_uri=redirect_uri,
                                   challenge=challenge, method=method, state=call.param("state"),
                                   refresh_seconds=_refresh_seconds(call.param("expiration")),
                                   expires=now + STATE_SECONDS)
    oauth_state = call.demo.oauth.add_state(pending)
    return html_response(_sign_in(call, oauth_state, client_id))


def _sign_in(call: Call, oauth_state: str, client_id: str, messages: list[str] | None = None) -> str:
    return sign_in_page(org_name=call.org.name, signin_url=f"{call.base_url}/sharing/oauth2/signin",
                        oauth_state=oauth_state, client_id=client_id, messages=messages)


def _refresh_seconds(expiration_minutes: str) -> int:
    try:
        minutes = int(expiration_minutes)
    except ValueError:
        return REFRESH_SECONDS
    return max(60, min(minutes * 60 - 1, MAX_REFRESH_SECONDS)) if minutes > 0 else REFRESH_SECONDS


async def sign_in(call: Call) -> Response:
    oauth_state, now = call.param("oauth_state"), call.demo.now()
    pending = call.demo.oauth.get_state(oauth_state, now)
    if pending is None or pending.org != call.org.key:
        return html_response(error_page("This sign-in page has expired. Start signing in again."), 400)
    if pending.failures >= MAX_FAILED_SIGN_INS:
        return html_response(_sign_in(call, oauth_state, pending.client_id,
                                      ["Too many invalid attempts. Please try again later."]))
    account = check_password(call.org, call.param("username"), call.param("password"))
    if account is None:
        pending.failures += 1
        return html_response(_sign_in(call, oauth_state, pending.client_id, ["Invalid username or password"]))
    code = call.demo.oauth.exchange_state_for_code(oauth_state, account.username, now)
    if code is None:
        return html_response(error_page("This sign-in page was already used. Start signing in again."), 400)
    if pending.redirect_uri == OOB:
        return html_response(approval_page(code, pending.state))
    location = f"{pending.redirect_uri}?code={code}" + (f"&state={pending.state}" if pending.state else "")
    return RedirectResponse(location, status_code=302)


async def token(call: Call) -> dict:
    client_id = call.param("client_id")
    if client_id not in CLIENTS:
        raise oauth_error(400, "invalid_client_id", "Invalid client_id")
    grant = {"authorization_code": _grant_code, "refresh_token": _grant_refresh,
             "exchange_refresh_token": _grant_exchange, "suspend_session": _grant_suspend}.get(call.param("grant_type"))
    if grant is None:
        raise oauth_error(400, "unsupported_grant_type", "Unsupported grant_type")
    return grant(call, client_id)


def _grant_code(call: Call, client_id: str) -> dict:
    now = call.demo.now()
    pending = call.demo.oauth.take_code(call.param("code"), now)
    if pending is None or pending.client_id != client_id or pending.org != call.org.key:
        raise oauth_error(400, "invalid_request", "Invalid authorization code")
    if call.param("redirect_uri") != pending.redirect_uri:
        raise oauth_error(400, "invalid_request", "Invalid redirect_uri")
    if not _pkce_ok(pending, call.param("code_verifier")):
        raise oauth_error(400, "invalid_request", "Invalid code_verifier")
    account = _member(call, pending.username)
    computer = _computer(call)
    with call.demo.store.transaction() as state:
        tokens.prune_expired(state, now)
        rules.admit_computer(state, account, computer, now)
        refresh = tokens.issue(state, username=account.username, org=call.org.key, kind=tokens.KIND_REFRESH,
                               computer=computer, expires=now + pending.refresh_seconds, now=now, client_id=client_id)
        access, expires_in = _issue_access(state, call, account.username, computer, tokens.hash_token(refresh),
                                           now + pending.refresh_seconds, client_id, now)
        rules.record_login(state, account.username, now)
    return {"access_token": access, "expires_in": expires_in, "username": account.username, "ssl": True,
            "refresh_token": refresh, "refresh_token_expires_in": pending.refresh_seconds}


def _member(call: Call, username: str) -> DemoAccount:
    """The member a code or refresh token was issued to; one no longer in the organisation gets nothing."""
    account = find_account(call.org, username)
    if account is None:
        raise oauth_error(400, "invalid_request", "Invalid user")
    return account


def _issue_access(state: dict, call: Call, username: str, computer: str, parent: str, refresh_expires: float,
                  client_id: str, now: float) -> tuple[str, int]:
    expires = min(now + ACCESS_SECONDS, refresh_expires)
    access = tokens.issue(state, username=username, org=call.org.key, kind=tokens.KIND_ACCESS, computer=computer,
                          expires=expires, now=now, client_id=client_id, parent=parent)
    return access, int(expires - now)


def _live_refresh(state: dict, call: Call, client_id: str, now: float) -> tokens.TokenInfo:
    digest = tokens.hash_token(call.param("refresh_token") or "-")
    record = state["tokens"].get(digest)
    if record is None or record["kind"] != tokens.KIND_REFRESH or record["org"] != call.org.key \
            or record.get("client_id") != client_id:
        raise oauth_error(400, "invalid_request", "Invalid refresh_token")
    if record["expires"] <= now:
        raise oauth_error(498, "invalid_request", "refresh_token expired")
    return tokens.TokenInfo.from_record(digest, record)


def _grant_refresh(call: Call, client_id: str) -> dict:
    now = call.demo.now()
    with call.demo.store.transaction() as state:
        refresh = _live_refresh(state, call, client_id, now)
        account = _member(call, refresh.username)
        rules.admit_computer(state, account, refresh.computer, now)
        access, expires_in = _issue_access(state, call, refresh.username, refresh.computer, refresh.token_hash,
                                           refresh.expires, client_id, now)
    return {"access_token": access, "expires_in": expires_in, "username": refresh.username, "ssl": True}


def _grant_exchange(call: Call, client_id: str) -> dict:
    if call.param("redirect_uri") not in CLIENTS[client_id]:
        raise oauth_error(400, "invalid_request", "Invalid redirect_uri")
    now = call.demo.now()
    with call.demo.store.transaction() as state:
        old = _live_refresh(state, call, client_id, now)
        account = _member(call, old.username)
        rules.admit_computer(state, account, old.computer, now)
        refresh = tokens.issue(state, username=old.username, org=call.org.key, kind=tokens.KIND_REFRESH,
                               computer=old.computer, expires=now + REFRESH_SECONDS, now=now, client_id=client_id)
        new_hash = tokens.hash_token(refresh)
        tokens.reparent(state, old.token_hash, new_hash)
        tokens.revoke_hash(state, old.token_hash)
        access, expires_in = _issue_access(state, call, old.username, old.computer, new_hash,
                                           now + REFRESH_SECONDS, client_id, now)
    return {"access_token": access, "expires_in": expires_in, "username": old.username, "ssl": True,
            "refresh_token": refresh, "refresh_token_expires_in": REFRESH_SECONDS}


def _grant_suspend(call: Call, client_id: str) -> dict:
    with call.demo.store.transaction() as state:
        tokens.revoke(state, call.param("refresh_token") or "-", client_id)
    return {"success": True}


def _computer(call: Call) -> str:
    return call.referer or f"ip:{call.client_ip}"


def _pkce_ok(pending: PendingAuthorization, verifier: str) -> bool:
    if not verifier or not pending.challenge or pending.method != "S256":
        return False
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return hmac.compare_digest(expected, pending.challenge)


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


_POST = frozenset({"POST"})
ENDPOINTS = [
    Endpoint(r"oauth2/authorize", authorize, frozenset({"GET", "POST"}), auth="none", json_only=False),
    Endpoint(r"oauth2/signin", sign_in, _POST, auth="none", json_only=False),
    Endpoint(r"oauth2/token", token, _POST, auth="none", json_only=False),
]
