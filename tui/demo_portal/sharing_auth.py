"""Token endpoints of ``[root]``: info (token-service discovery), generateToken and oauth2/revokeToken.

docs/portal-protocol.md, "Calls the client makes" and "What Esri's Python client sends"; bodies as
tests/fixtures/arcgis/sharing-rest-info.json, generateToken-*.json and
oauth2-revokeToken-ok.json.
"""

from __future__ import annotations

from tui.demo_portal import rules, tokens
from tui.demo_portal.accounts import check_password
from tui.demo_portal.context import Call, Endpoint
from tui.demo_portal.envelopes import invalid_credentials, oauth_error, unable_to_generate

DEFAULT_TOKEN_MINUTES = 60
POST_ONLY = frozenset({"POST"})


async def info(call: Call) -> dict:
    """Where generateToken lives: the org's own root, so an Enterprise client posts under /portal."""
    return {"owningSystemUrl": call.base_url,
            "authInfo": {"tokenServicesUrl": f"{call.root}/generateToken", "isTokenBasedSecurity": True,
                         # not in ArcGIS: this portal lets oauth2/revokeToken end a generateToken token (no client_id)
                         "allsourceTuiRevokesGenerateTokens": True}}


async def generate_token(call: Call) -> dict:
    username, password = call.param("username"), call.param("password")
    if not username or not password:
        raise unable_to_generate("'username' and 'password' must be specified.")
    computer, bound_referer = _computer_of(call)
    account = check_password(call.org, username, password)
    if account is None:
        raise invalid_credentials()
    minutes = _token_minutes(call.param("expiration"), call.org.max_token_minutes)
    now = call.demo.now()
    expires = now + minutes * 60
    with call.demo.store.transaction() as state:
        tokens.prune_expired(state, now)
        rules.admit_computer(state, account, computer, now)
        token = tokens.issue(state, username=account.username, org=call.org.key, kind=tokens.KIND_GENERATE,
                             computer=computer, expires=expires, now=now, referer=bound_referer)
        rules.record_login(state, account.username, now)
    return {"token": token, "expires": int(expires * 1000), "ssl": True}


def _computer_of(call: Call) -> tuple[str, str | None]:
    """(computer, referer the token is bound to) from ``client``: referer ⇒ the referer, else the caller's IP."""
    client = (call.param("client") or "requestip").lower()
    if client == "referer":
        referer = call.param("referer")
        if not referer:
            raise unable_to_generate("'referer' must be specified when client is referer.")
        return referer, referer
    if client == "ip":
        address = call.param("ip")
        if not address:
            raise unable_to_generate("'ip' must be specified when client is ip.")
        return f"ip:{address}", None
    if client == "requestip":
        return f"ip:{call.client_ip}", None
    raise unable_to_generate("'client' must be referer, ip or requestip.")


def _token_minutes(requested: str, org_max: int) -> int:
    try:
        minutes = int(requested) if requested else DEFAULT_TOKEN_MINUTES
    except ValueError:
        raise unable_to_generate("'expiration' must be a number of minutes.") from None
    minutes = max(1, minutes)
    return min(minutes, org_max) if org_max > 0 else minutes


async def revoke_token(call: Call) -> dict:
    """Revoke an access or refresh token (a refresh token takes its access tokens along); unknown ones succeed too."""
    token = call.param("auth_token")
    if not token:
        raise oauth_error(400, "invalid_request", "auth_token is required")
    with call.demo.store.transaction() as state:
        tokens.revoke(state, token, call.param("client_id") or None)
    return {"success": True}


ENDPOINTS = [
    Endpoint(r"info", info, auth="none"),
    Endpoint(r"generateToken", generate_token, POST_ONLY, auth="none"),
    Endpoint(r"oauth2/revokeToken", revoke_token, POST_ONLY, auth="none", json_only=False),
]
