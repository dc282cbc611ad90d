"""Silent session renewal with refresh tokens (RELIABILITY T-2, T-3, T-4, L-5).

Before a call, an access token with less than max(5 min, 10 % of its life) left is refreshed; a refresh token with
less than 24 h left is exchanged for a new one. After a 498 there is exactly one renewal and one replay. An
unreachable portal never ends the session; a refused refresh token does, with "sign in again".
"""

from __future__ import annotations

from dataclasses import replace

from tui.core.errors import AuthError, NotSignedIn, PortalError, PortalUnreachable
from tui.core.models import Session
from tui.service.session import SessionFlows
from tui.state.refresh_lock import renewal_lock

ACCESS_MARGIN = 300.0
ACCESS_LIFETIME_GUESS = 1800.0
EXCHANGE_BEFORE = 24 * 3600.0


class RenewalFlows(SessionFlows):
    def needs_renewal(self, session: Session) -> bool:
        if session.refresh_token is None:
            return False
        now = self.clock.now()
        margin = max(ACCESS_MARGIN, 0.1 * ACCESS_LIFETIME_GUESS)
        return session.expires_at - now < margin or self._refresh_token_ending(session)

    def _refresh_token_ending(self, session: Session) -> bool:
        ends = session.refresh_expires_at
        return ends is not None and ends - self.clock.now() < EXCHANGE_BEFORE

    async def fresh_session(self) -> Session:
        session = self._require_session()
        if self.needs_renewal(session):
            return await self.renew(session)
        return session

    async def renew_after_rejection(self, session: Session) -> Session:
        if session.refresh_token is None:
            return await super().renew_after_rejection(session)
        return await self.renew(session, rejected=True)

    async def renew(self, session: Session, *, rejected: bool = False) -> Session:
        """Renew once for every running instance: under the renewal lock, reuse a sibling's fresh token if any."""
        async with renewal_lock(self.store.path.parent):
            current = self.read_state().session
            if current is None or current.username != session.username:
                raise NotSignedIn("You were signed out meanwhile; sign in again.")
            sibling_renewed = current.access_token != session.access_token
            if sibling_renewed and not self.needs_renewal(current):
                return current
            if not sibling_renewed and not rejected and not self.needs_renewal(current):
                return current
            renewed = await self._renew_at_portal(current)
            with self.edit_state() as state:
                if state.session is not None and state.session.username == renewed.username:
                    state.session = renewed
            return renewed

    async def _renew_at_portal(self, session: Session) -> Session:
        client = self.client(session.portal_url)
        client_id = self.settings.portal.client_id
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
                self._expire_session(session)
                raise NotSignedIn(f"Your session on {session.portal_url} can't be renewed any more; sign in "
                                  "again.") from None
            raise
        return replace(session, access_token=grant.access_token, expires_at=grant.expires_at,
                       refresh_token=grant.refresh_token or session.refresh_token,
                       refresh_expires_at=grant.refresh_expires_at if grant.refresh_token
                       else session.refresh_expires_at)
