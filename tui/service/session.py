"""Sign in, sign out, and fresh license reads: the session workflows of LicensingService."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from tui.core.errors import (
    AllSourceError,
    Forbidden,
    NoLicenseError,
    NotFound,
    NotSignedIn,
    PortalError,
    PortalRefused,
    PortalUnreachable,
    TokenExpired,
    UsageError,
)
from tui.core.models import LicenseInfo, Session
from tui.core.secret import Secret, remember_secret
from tui.service.admin_model import manages_licenses
from tui.service.core import ServiceCore
from tui.service.license_model import NO_LICENSE_ADVICE, build_license, is_allsource_title
from tui.service.refusals import explain_refusal
from tui.service.status import iso_utc
from tui.state.secret_store import KeyringUnavailable

if TYPE_CHECKING:
    from tui.portal import PortalClient

log = logging.getLogger("tui.service.licensing")
T = TypeVar("T")


class SessionFlows(ServiceCore):
    async def sign_in(self, username: str, password: str, *, auto: bool = True) -> LicenseInfo:
        """Sign in to the licensing portal with a username and password; returns the user's license.

        The password lives only for the token request. A user without an AllSource license is refused (exit 4) and
        the token is revoked at once, so the refused attempt holds none of the user's three computers.
        """
        if not username.strip() or not password:
            raise UsageError("Type your username and password to sign in.")
        remember_secret(password)
        portal = self.licensing_portal()
        client = self.client(portal.url)
        try:
            grant = await client.generate_token(username.strip(), password,
                                                expiration_minutes=self.settings.portal.token_expiration_minutes)
        except PortalRefused as refusal:
            raise explain_refusal(refusal, this_machine=self.machine.machine_key) from None
        session = Session(portal_url=portal.url, username=username.strip(), full_name="", auto_sign_in=auto,
                          method="password", access_token=grant.token, expires_at=grant.expires_at,
                          signed_in_at=self.clock.now())
        return await self._adopt_session(client, session)

    async def _adopt_session(self, client: PortalClient, session: Session) -> LicenseInfo:
        """Read the user and license with a new token, then store the session (or revoke it if unlicensed)."""
        try:
            user, license_info = await self._read_user_and_license(client, session.access_token, session.username)
        except BaseException:
            await self._revoke_quietly(client, session)
            raise
        if license_info.level is None:
            await self._revoke_quietly(client, session)
            raise NoLicenseError(NO_LICENSE_ADVICE)
        session = replace(session, username=user.username, full_name=user.full_name or user.username,
                          manages_licenses=manages_licenses(user))
        old = None
        with self.edit_state() as state:
            old = state.session
            state.session = session
            state.license = license_info
            _remember_listing(state, session.portal_url, license_info)
            state.last_username = user.username
            _remember_portal(state, session.portal_url)
        if old is not None and old.access_token != session.access_token:
            await self._revoke_quietly(self.client(old.portal_url), old)
        return license_info

    async def sign_out(self) -> list[str]:
        """End the session: revoke it at the portal, then forget the tokens. Returns notices for the user."""
        state = self.read_state()
        session = state.session
        if session is None:
            return ["You were not signed in."]
        notices: list[str] = []
        try:
            if not await self._revoke(self.client(session.portal_url), session):
                notices.append(_unrevocable_notice(session))
        except PortalError as error:
            notices.append(f"Signed out on this computer, but the portal could not be told "
                           f"({error.user_message.rstrip('.')}); the session ends there when its token expires.")
        with self.edit_state() as state:
            state.session = None
            state.license = None
            state.last_username = session.username
        return notices

    async def refresh_license(self) -> LicenseInfo:
        """Read the license fresh from the licensing portal and remember it."""
        session = self._require_session()
        license_info = await self.call_with_token(
            lambda client, token: self._read_license_only(client, token, session.username))
        with self.edit_state() as state:
            state.license = license_info
            _remember_listing(state, session.portal_url, license_info)
        if license_info.level is None:
            raise NoLicenseError(NO_LICENSE_ADVICE)
        return license_info

    # --- tokens ---------------------------------------------------------------------------------------------------
    def _require_session(self) -> Session:
        session = self.read_state().session
        if session is None:
            raise NotSignedIn("You are not signed in; run `allsource-tui sign-in` (or sign in from the app) first.")
        if not session.is_valid(self.clock.now()):
            raise NotSignedIn(f"Your session on {session.portal_url} has expired; sign in again.")
        if session.access_token is None:
            raise KeyringUnavailable("Your session's tokens are in the system keyring, which did not answer; "
                                     "nothing was lost — unlock the keyring and try again.")
        return session

    async def call_with_token(self, call: Callable[[PortalClient, Secret], Awaitable[T]]) -> T:
        """Run a portal call with the session's token; a rejected token ends the session with a clear sentence."""
        session = await self.fresh_session()
        client = self.client(session.portal_url)
        try:
            return await call(client, session.access_token)
        except TokenExpired:
            session = await self.renew_after_rejection(session)
            try:
                return await call(client, session.access_token)
            except TokenExpired:
                self._expire_session(session)
                raise NotSignedIn("The portal no longer accepts your session; sign in again.") from None

    async def fresh_session(self) -> Session:
        """The current session; subclasses with refresh tokens renew it first when it nears expiry."""
        return self._require_session()

    async def renew_after_rejection(self, session: Session) -> Session:
        """Called once after a 498; without a refresh token the only way on is to sign in again."""
        self._expire_session(session)
        raise NotSignedIn(f"Your session on {session.portal_url} has expired or was revoked; sign in again.")

    def _expire_session(self, session: Session) -> None:
        with self.edit_state() as state:
            if state.session is not None and state.session.access_token == session.access_token:
                state.session = None
                state.last_username = session.username

    async def _revoke(self, client: PortalClient, session: Session) -> bool:
        """Revoke what the token's kind allows; False when the portal has no way to end this session early.

        OAuth tokens (SSO) are revoked with the client id they were issued to (oauth2/revokeToken). A generateToken
        token belongs to no app: ArcGIS has no call that revokes it, so it is revoked only where the portal's
        rest/info says it can (the demo portal: ``authInfo.allsourceTuiRevokesGenerateTokens``), and never with a
        made-up client id (docs/portal-protocol.md, "oauth2/revokeToken").
        """
        if session.method == "oauth":
            token = session.refresh_token or session.access_token
            if token is not None:
                await client.revoke_token(token, client_id=self.settings.portal.client_id)
            return True
        if session.access_token is None or not await _revokes_generated_tokens(client):
            return False
        await client.revoke_token(session.access_token, client_id=None)
        return True

    async def _revoke_quietly(self, client: PortalClient, session: Session) -> None:
        # Best effort after a refused sign-in: the refusal is the command's one sentence, so a failure here is only
        # logged at debug level (a warning would reach stderr through logging's last-resort handler).
        try:
            await self._revoke(client, session)
        except AllSourceError as error:
            log.debug("Could not revoke a token at %s: %s", session.portal_url, error.user_message)

    # --- reading the license ------------------------------------------------------------------------------------
    async def _read_user_and_license(self, client: PortalClient, token: Secret, username: str):
        # community/self first: the name typed at sign-in (``CORP\\jdoe``, another case) is not always the portal's
        # username, and every user-scoped URL below needs the canonical one.
        user = await client.community_self(token)
        if user.disabled:
            raise NotSignedIn("Your ArcGIS account is disabled; ask your organization administrator to enable it.")
        return user, await self._read_license_only(client, token, user.username)

    async def _read_license_only(self, client: PortalClient, token: Secret, username: str) -> LicenseInfo:
        # The listing id is remembered per portal, so that its entitlements join the first batch of requests
        state = self.read_state()
        cached_id = state.listing_ids.get(client.portal_url) or (state.license.listing_id if state.license else None)
        user_type, listings, cached_entitlements = await asyncio.gather(
            client.user_license_type(username, token), client.provisioned_listings(username, token),
            self._entitlements_or_none(client, cached_id, username, token))
        included = [app for app in user_type.apps if is_allsource_title(app.title)]
        addons = [listing for listing in listings if is_allsource_title(listing.title)]
        listing_id = (included[0].item_id if included else None) or (addons[0].item_id if addons else None)
        entitlements = cached_entitlements if listing_id == cached_id else None
        if entitlements is None and listing_id:
            entitlements = await self._entitlements_or_none(client, listing_id, username, token)
        unreadable = entitlements if isinstance(entitlements, PortalError) else None
        readable = None if unreadable else entitlements
        license_info = build_license(user_type_name=user_type.name,
                                     included=[e for app in included for e in app.entitlements],
                                     assigned=readable.entitlements if readable else (), listing_id=listing_id,
                                     disconnected=bool(readable and readable.disconnected),
                                     checked_at=self.clock.now())
        return _with_unreadable_entitlements(license_info, unreadable) if unreadable else license_info

    async def _entitlements_or_none(self, client: PortalClient, listing_id: str | None, username: str, token: Secret):
        """The user's entitlements on the listing; a 403/404 is returned (not raised): they are unknown, not none."""
        if not listing_id:
            return None
        try:
            return await client.user_entitlements(listing_id, username, token)
        except (Forbidden, NotFound) as refusal:
            return refusal


def _with_unreadable_entitlements(license_info: LicenseInfo, refusal: PortalError) -> LicenseInfo:
    """The license when the portal refused to show the user's own entitlements: extensions unknown, with a notice."""
    reason = refusal.user_message.rstrip(".")
    if license_info.level is None:  # nothing else tells the level: saying "no license" would be a guess
        raise Forbidden(f"Your ArcGIS AllSource entitlements could not be read ({reason}); ask your organization "
                        "administrator to check your license assignment.", code=refusal.code,
                        message_code=refusal.message_code, details=refusal.details)
    return replace(license_info, entitlements_known=False,
                   entitlements_notice=f"Your entitlements could not be read: {reason}; extensions not included in "
                                       "your user type are shown as unknown.")


async def _revokes_generated_tokens(client: PortalClient) -> bool:
    auth_info = (await client.info()).get("authInfo")
    return isinstance(auth_info, dict) and auth_info.get("allsourceTuiRevokesGenerateTokens") is True


def _unrevocable_notice(session: Session) -> str:
    return (f"Signed out on this computer; ArcGIS has no way to end a password sign-in early, so the token "
            f"{session.portal_url} issued stays valid there until {iso_utc(session.expires_at)} (it is no longer "
            "kept here).")


def _remember_listing(state, portal_url: str, license_info: LicenseInfo) -> None:
    if license_info.listing_id:
        state.listing_ids[portal_url] = license_info.listing_id


def _remember_portal(state, url: str) -> None:
    if url not in state.portal_urls:
        state.portal_urls.append(url)
    if state.active_portal is None:
        state.active_portal = url


__all__ = ["PortalUnreachable", "SessionFlows"]
