"""The session's tokens: the valid session a portal call needs, silent renewal with refresh tokens, and revocation.

Rules (docs/reliability.md, "Tokens and sessions"): before a call, an access token with less than max(5 min, 10 % of
its life) left is refreshed; a refresh token with less than 24 h left is exchanged for a new one. After a 498 there is
exactly one renewal and one replay. An unreachable portal never ends the session; a refused refresh token does, with
"sign in again".
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from tui.core.errors import AllSourceError, AuthError, NotSignedIn, PortalError, PortalUnreachable, TokenExpired
from tui.core.models import Session
from tui.core.secret import Secret
from tui.service.core import ServiceCore
from tui.state.refresh_lock import renewal_lock
from tui.state.secret_store import KeyringUnavailable

if TYPE_CHECKING:
    from tui.portal import PortalClient

log = logging.getLogger("tui.service.licensing")
T = TypeVar("T")

ACCESS_MARGIN = 300.0
ACCESS_LIFETIME_GUESS = 1800.0
EXCHANGE_BEFORE = 24 * 3600.0


class RenewalFlows:
    """Every portal call that needs the user's token goes through ``call_with_token``."""

    def __init__(self, core: ServiceCore) -> None:
        self.core = core

    def require_session(self) -> Session:
        session = self.core.read_state().session
        if session is None:
            raise NotSignedIn("You are not signed in; run `allsource-tui sign-in` (or sign in from the app) first.")
        if not session.is_valid(self.core.clock.now()):
            raise NotSignedIn(f"Your session on {session.portal_url} has expired; sign in again.")
        if session.access_token is None:
            raise KeyringUnavailable("Your session's tokens are in the system keyring, which did not answer; "
                                     "nothing was lost — unlock the keyring and try again.")
        return session

    async def call_with_token(self, call: Callable[[PortalClient, Secret], Awaitable[T]]) -> T:
        """Run a portal call with the session's token; a rejected token ends the session with a clear sentence."""
        session = await self.fresh_session()
        client = self.core.client(session.portal_url)
        assert session.access_token is not None  # require_session checked it
        try:
            return await call(client, session.access_token)
        except TokenExpired:
            session = await self.renew_after_rejection(session)
            assert session.access_token is not None
            try:
                return await call(client, session.access_token)
            except TokenExpired:
                self.expire_session(session)
                raise NotSignedIn("The portal no longer accepts your session; sign in again.") from None

    async def fresh_session(self) -> Session:
        """The current session, renewed first when it nears expiry and has a refresh token."""
        session = self.require_session()
        if self.needs_renewal(session):
            return await self.renew(session)
        return session

    async def renew_after_rejection(self, session: Session) -> Session:
        """Called once after a 498; without a refresh token the only way on is to sign in again."""
        if session.refresh_token is None:
            self.expire_session(session)
            raise NotSignedIn(f"Your session on {session.portal_url} has expired or was revoked; sign in again.")
        return await self.renew(session, rejected=True)

    def needs_renewal(self, session: Session) -> bool:
        if session.refresh_token is None:
            return False
        margin = max(ACCESS_MARGIN, 0.1 * ACCESS_LIFETIME_GUESS)
        return session.expires_at - self.core.clock.now() < margin or self._refresh_token_ending(session)

    def _refresh_token_ending(self, session: Session) -> bool:
        ends = session.refresh_expires_at
        return ends is not None and ends - self.core.clock.now() < EXCHANGE_BEFORE

    async def renew(self, session: Session, *, rejected: bool = False) -> Session:
        """Renew once for every running instance: under the renewal lock, reuse a sibling's fresh token if any."""
        async with renewal_lock(self.core.store.path.parent):
            current = self.core.read_state().session
            if current is None or current.username != session.username:
                raise NotSignedIn("You were signed out meanwhile; sign in again.")
            sibling_renewed = current.access_token != session.access_token
            if sibling_renewed and not self.needs_renewal(current):
                return current
            if not sibling_renewed and not rejected and not self.needs_renewal(current):
                return current
            renewed = await self._renew_at_portal(current)
            with self.core.edit_state() as state:
                if state.session is not None and state.session.username == renewed.username:
                    state.session = renewed
            return renewed

    async def _renew_at_portal(self, session: Session) -> Session:
        client = self.core.client(session.portal_url)
        client_id = self.core.settings.portal.client_id
        assert session.refresh_token is not None
        try:
            if self._refresh_token_ending(session):
                grant = await client.exchange_refresh_token(client_id, session.refresh_token)
            else:
                grant = await client.refresh(client_id, session.refresh_token)
        except PortalUnreachable:
            raise
        except (AuthError, PortalError) as refused:
            if isinstance(refused, AuthError) or refused.code in (400, 498):
                access_left = session.expires_at - session.validity_margin() - self.core.clock.now()
                if self._refresh_token_ending(session) and access_left > 0:
                    return self._without_renewal(session)
                self.expire_session(session)
                raise NotSignedIn(f"Your session on {session.portal_url} can't be renewed any more; sign in "
                                  "again.") from None
            raise
        return session._replace(access_token=grant.access_token, expires_at=grant.expires_at,
                                refresh_token=grant.refresh_token or session.refresh_token,
                                refresh_expires_at=grant.refresh_expires_at if grant.refresh_token
                                else session.refresh_expires_at)

    def _without_renewal(self, session: Session) -> Session:
        """The exchange was refused while the access token still works: an earlier exchange's answer was probably
        lost after the portal rotated the refresh token (issue 16 finding 7). The old pair was kept until a new one
        was saved, so the session goes on with its access token, without renewal, and then asks to sign in again."""
        self.core.reconcile(f"Your session on {session.portal_url} can no longer be renewed (the portal refused its "
                            "refresh token, perhaps because an earlier renewal's answer was lost); it keeps working "
                            f"until {_utc(session.expires_at)}, then sign in again.")
        return session._replace(refresh_token=None, refresh_expires_at=None)

    def expire_session(self, session: Session) -> None:
        with self.core.edit_state() as state:
            if state.session is not None and state.session.access_token == session.access_token:
                state.session = None
                state.last_username = session.username

    async def revoke(self, client: PortalClient, session: Session) -> bool:
        """Revoke what the token's kind allows; False when the portal has no way to end this session early.

        OAuth tokens (SSO) are revoked with the client id they were issued to (oauth2/revokeToken). A generateToken
        token belongs to no app: ArcGIS has no call that revokes it, so it is revoked only where the portal's
        rest/info says it can (the demo portal: ``authInfo.allsourceTuiRevokesGenerateTokens``), and never with a
        made-up client id (docs/portal-protocol.md, "Calls the client makes").
        """
        if session.method == "oauth":
            token = session.refresh_token or session.access_token
            if token is not None:
                await client.revoke_token(token, client_id=self.core.settings.portal.client_id)
            return True
        if session.access_token is None or not await _revokes_generated_tokens(client):
            return False
        await client.revoke_token(session.access_token, client_id=None)
        return True

    async def revoke_quietly(self, client: PortalClient, session: Session) -> None:
        # Best effort after a refused sign-in: the refusal is the command's one sentence, so a failure here is only
        # logged at debug level (a warning would reach stderr through logging's last-resort handler).
        try:
            await self.revoke(client, session)
        except AllSourceError as error:
            log.debug("Could not revoke a token at %s: %s", session.portal_url, error.user_message)


async def _revokes_generated_tokens(client: PortalClient) -> bool:
    auth_info = (await client.info()).get("authInfo")
    return isinstance(auth_info, dict) and auth_info.get("allsourceTuiRevokesGenerateTokens") is True


def _utc(epoch: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M UTC")
