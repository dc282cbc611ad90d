"""OAuth 2.0 with PKCE against [root]/oauth2 (docs/portal-protocol.md, "OAuth with PKCE and the out-of-band code";
docs/reliability.md, T-1, T-5).

The authorize URL carries only public values (client id, redirect URI, the S256 challenge, state); the verifier, the
code and every token travel in POST bodies.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from tui.core.errors import UsageError
from tui.core.secret import Secret
from tui.portal.base import PortalCalls
from tui.portal.models import AppAccess, Malformed, OAuthGrant, number, text

OOB_REDIRECT_URI = "urn:ietf:wg:oauth:2.0:oob"
_CODE_CHARS = re.compile(r"[A-Za-z0-9._~+/=\-]{4,4096}")


@dataclass(frozen=True)
class PkcePair:
    verifier: Secret
    challenge: str
    method: str = "S256"

    @classmethod
    def new(cls) -> PkcePair:
        """A verifier of 86 URL-safe characters (43-128 allowed) and its S256 challenge."""
        verifier = secrets.token_urlsafe(64)
        return cls(verifier=Secret(verifier), challenge=s256_challenge(verifier))


def s256_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def new_state() -> str:
    """A random ``state`` to compare with the one the portal hands back."""
    return secrets.token_urlsafe(24)


def authorize_url(portal_url: str, client_id: str, *, redirect_uri: str = OOB_REDIRECT_URI, code_challenge: str,
                  state: str, expiration_minutes: int | None = None) -> str:
    """The browser URL of [root]/oauth2/authorize (code flow with PKCE S256); holds no secret."""
    params = {"client_id": client_id, "response_type": "code", "redirect_uri": redirect_uri,
              "code_challenge": code_challenge, "code_challenge_method": "S256", "state": state}
    if expiration_minutes is not None:
        params["expiration"] = str(int(expiration_minutes))
    return f"{portal_url.rstrip('/')}/sharing/rest/oauth2/authorize?{urlencode(params)}"


def clean_authorization_code(pasted: str) -> str:
    """The pasted code trimmed and charset-checked (T-5); never echoed back in the error."""
    code = pasted.strip()
    if code.lower().startswith("success code="):  # the approval page's title, copied whole
        code = code[len("success code="):].strip()
    if not _CODE_CHARS.fullmatch(code):
        raise UsageError("That is not an authorization code; copy the code shown by the portal's sign-in page again.")
    return code


def _reveal(value: Secret | str) -> str:
    return value.reveal() if isinstance(value, Secret) else value


class OAuthEndpoints(PortalCalls):
    def authorize_url(self, client_id: str, *, redirect_uri: str = OOB_REDIRECT_URI, code_challenge: str, state: str,
                      expiration_minutes: int | None = None) -> str:
        return authorize_url(self.portal_url, client_id, redirect_uri=redirect_uri, code_challenge=code_challenge,
                             state=state, expiration_minutes=expiration_minutes)

    async def token_from_code(self, client_id: str, code: Secret | str, verifier: Secret | str,
                              redirect_uri: str = OOB_REDIRECT_URI) -> OAuthGrant:
        """grant_type=authorization_code with the PKCE verifier: access and refresh token."""
        return await self._token_grant({"grant_type": "authorization_code", "client_id": client_id,
                                        "code": clean_authorization_code(_reveal(code)),
                                        "code_verifier": _reveal(verifier), "redirect_uri": redirect_uri})

    async def refresh(self, client_id: str, refresh_token: Secret) -> OAuthGrant:
        """grant_type=refresh_token: a new access token; ``refresh_token`` of the grant is None (keep yours)."""
        return await self._token_grant({"grant_type": "refresh_token", "client_id": client_id,
                                        "refresh_token": refresh_token.reveal()})

    async def exchange_refresh_token(self, client_id: str, refresh_token: Secret,
                                     redirect_uri: str = OOB_REDIRECT_URI) -> OAuthGrant:
        """grant_type=exchange_refresh_token: a new access token and a new refresh token."""
        return await self._token_grant({"grant_type": "exchange_refresh_token", "client_id": client_id,
                                        "redirect_uri": redirect_uri, "refresh_token": refresh_token.reveal()})

    async def _token_grant(self, fields: dict[str, str]) -> OAuthGrant:
        answer = await self.send("POST", f"{self.root}/oauth2/token", fields=fields, idempotent=False)
        return self.parse(_parse_grant, answer.body, answer.received_at)

    async def revoke_token(self, token: Secret, *, client_id: str | None) -> None:
        """oauth2/revokeToken (a refresh token also kills its access tokens); the portal says success either way.

        ``client_id`` None: a token that belongs to no app (generateToken), only where the portal accepts that.
        """
        fields = {"auth_token": token.reveal()} | ({"client_id": client_id} if client_id else {})
        # Revoking twice ends the same token: the call is idempotent, so a lost answer (reset, 5xx) is resolved by
        # sending it again within the deadline (docs/reliability.md, "The license lifecycle").
        await self.post("oauth2/revokeToken", data=fields, idempotent=True)

    async def suspend_session(self, client_id: str, refresh_token: Secret) -> bool:
        """Undocumented grant_type=suspend_session (Esri Python's sign-out); True when the portal says success."""
        body = await self.post("oauth2/token", data={"grant_type": "suspend_session", "client_id": client_id,
                                                     "refresh_token": refresh_token.reveal()})
        return body.get("success") is True

    async def validate_app_access(self, client_id: str, token: Secret) -> AppAccess:
        """oauth2/validateAppAccess: the API takes the token to validate in the body."""
        body = await self.post("oauth2/validateAppAccess", data={"client_id": client_id, "token": token.reveal()},
                               idempotent=True)
        return AppAccess(valid=body.get("valid") is True,
                         view_only_user_type_app=body.get("viewOnlyUserTypeApp") is True)


def _parse_grant(body: dict, received_at: float) -> OAuthGrant:
    access = text(body, "access_token", required=True)
    expires_in = number(body, "expires_in", 0)
    if expires_in <= 0:
        raise Malformed("expires_in")
    refresh = text(body, "refresh_token")
    refresh_in = number(body, "refresh_token_expires_in", 0)
    return OAuthGrant(access_token=Secret(access), expires_at=received_at + expires_in,
                      refresh_token=Secret(refresh) if refresh else None,
                      refresh_expires_at=received_at + refresh_in if refresh and refresh_in > 0 else None,
                      username=text(body, "username"))
