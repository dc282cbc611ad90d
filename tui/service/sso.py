"""Sign in with your organization: OAuth 2.0 authorization code + PKCE with the out-of-band redirect.

Over SSH there is no browser on the server, so the app shows the authorize URL, the user opens it on any device,
signs in there (SAML and MFA included) and pastes back the code the portal shows. The verifier never leaves this
process; the URL carries only public values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from tui.core.errors import AuthError, PortalError, PortalRefused, UsageError
from tui.core.models import LicenseInfo, Session
from tui.service.core import ServiceCore
from tui.service.refusals import explain_refusal
from tui.service.session import SessionFlows

if TYPE_CHECKING:
    from tui.portal.oauth import PkcePair

SSO_REQUEST_LIFETIME = 600.0


@dataclass(frozen=True)
class SsoRequest:
    portal_url: str
    authorize_url: str
    state: str
    pkce: PkcePair
    created_at: float


def split_pasted_code(pasted: str) -> tuple[str, str | None]:
    """The code and, when the paste carries one, the state: accepts a bare code, the approval page's title
    ("SUCCESS code=…"), or a redirect URL / query string with code= and state=."""
    text = pasted.strip()
    if "code=" in text and ("&" in text or "?" in text):
        query = urlsplit(text).query if "://" in text else text.split("?", 1)[-1]
        fields = parse_qs(query)
        states = fields.get("state")
        return (fields.get("code") or [""])[0], states[0] if states else None
    return text, None


class SsoFlows:
    """The SSO sign-in; the session it yields is stored by ``session`` like a password sign-in's."""

    def __init__(self, core: ServiceCore, session: SessionFlows) -> None:
        self.core = core
        self.session = session

    def begin_sso(self) -> SsoRequest:
        from tui.portal.oauth import PkcePair, new_state

        portal = self.core.licensing_portal()
        pkce, state = PkcePair.new(), new_state()
        url = self.core.client(portal.url).authorize_url(
            self.core.settings.portal.client_id, code_challenge=pkce.challenge, state=state,
            expiration_minutes=self.core.settings.portal.token_expiration_minutes)
        return SsoRequest(portal_url=portal.url, authorize_url=url, state=state, pkce=pkce,
                          created_at=self.core.clock.now())

    async def complete_sso(self, request: SsoRequest, pasted: str, *, auto: bool = True) -> LicenseInfo:
        code, returned_state = split_pasted_code(pasted)
        if returned_state is not None and returned_state != request.state:
            raise UsageError("That code belongs to another sign-in attempt; open the sign-in link shown here again.")
        if self.core.clock.now() - request.created_at > SSO_REQUEST_LIFETIME:
            raise UsageError("This sign-in link is older than 10 minutes; start signing in again for a new one.")
        client = self.core.client(request.portal_url)
        try:
            grant = await client.token_from_code(self.core.settings.portal.client_id, code, request.pkce.verifier)
        except PortalRefused as refusal:
            raise explain_refusal(refusal, this_machine=self.core.machine.machine_key) from None
        except (AuthError, PortalError) as refused:
            if refused.exit_code in (5,):
                raise
            raise AuthError("The portal did not accept that code (it may be mistyped, already used or expired); "
                            "open the sign-in link again and paste the new code.", code=refused.code) from None
        session = Session(portal_url=request.portal_url, username=grant.username or "", full_name="",
                          auto_sign_in=auto, method="oauth", access_token=grant.access_token,
                          expires_at=grant.expires_at, signed_in_at=self.core.clock.now(),
                          refresh_token=grant.refresh_token, refresh_expires_at=grant.refresh_expires_at)
        try:
            if not session.username:
                session = session._replace(username=(await client.community_self(grant.access_token)).username)
        except BaseException:  # Esc, a deadline or an error once the tokens exist: they are revoked (issue 16)
            await self.session.tokens.revoke_quietly(client, session)
            raise
        return await self.session.adopt_session(client, session)
