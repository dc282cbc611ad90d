"""Sign in, sign out, and fresh license reads: the session part of LicensingService."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from tui.core.errors import Forbidden, NoLicenseError, NotFound, NotSignedIn, PortalError, PortalRefused, UsageError
from tui.core.models import LicenseInfo, Session
from tui.core.secret import Secret, remember_secret
from tui.service.actions import Action, availability, refuse_unless
from tui.service.core import ServiceCore
from tui.service.license_model import NO_LICENSE_ADVICE, build_license, is_allsource_title, manages_licenses
from tui.service.reconcile import reconcile_with
from tui.service.refusals import explain_refusal
from tui.service.renewal import RenewalFlows
from tui.service.status import iso_utc
from tui.state.model import AppState

if TYPE_CHECKING:
    from tui.portal import PortalClient
    from tui.portal.models import User, UserEntitlements

log = logging.getLogger("tui.service.licensing")


class SessionFlows:
    """Sign in, sign out and the fresh license read, on the shared core; tokens come from ``tokens``."""

    def __init__(self, core: ServiceCore, tokens: RenewalFlows) -> None:
        self.core = core
        self.tokens = tokens

    async def sign_in(self, username: str, password: str, *, auto: bool = True) -> LicenseInfo:
        """Sign in to the licensing portal with a username and password; returns the user's license.

        The password lives only for the token request. A user without an AllSource license is refused (exit 4) and
        the token is revoked at once, so the refused attempt holds none of the user's three computers.
        """
        if not username.strip() or not password:
            raise UsageError("Type your username and password to sign in.")
        remember_secret(password)
        portal = self.core.licensing_portal()
        client = self.core.client(portal.url)
        try:
            grant = await client.generate_token(username.strip(), password,
                                                expiration_minutes=self.core.settings.portal.token_expiration_minutes)
        except PortalRefused as refusal:
            raise explain_refusal(refusal, this_machine=self.core.machine.machine_key) from None
        session = Session(portal_url=portal.url, username=username.strip(), full_name="", auto_sign_in=auto,
                          method="password", access_token=grant.token, expires_at=grant.expires_at,
                          signed_in_at=self.core.clock.now())
        return await self.adopt_session(client, session)

    async def adopt_session(self, client: PortalClient, session: Session) -> LicenseInfo:
        """Read the user and license with a new token, then store the session (or revoke it if unlicensed)."""
        assert session.access_token is not None  # a new session always carries its token
        try:
            user, license_info = await self._read_user_and_license(client, session.access_token, session.username)
        except BaseException:
            await self.tokens.revoke_quietly(client, session)
            raise
        if license_info.level is None:
            await self.tokens.revoke_quietly(client, session)
            raise NoLicenseError(NO_LICENSE_ADVICE)
        session = session._replace(username=user.username, full_name=user.full_name or user.username,
                                   manages_licenses=manages_licenses(user))
        try:
            old = self._store_session(session, license_info)
        except BaseException:
            # A token the state can't keep (disk full, a newer state file, permissions, the lock) is revoked before
            # the error is shown, so the failed sign-in holds none of the user's computers (issue 16 finding 2). A
            # password token of a real ArcGIS portal can't be revoked: it ends at its expiry (docs/reliability.md).
            await self.tokens.revoke_quietly(client, session)
            raise
        if old is not None and old.access_token != session.access_token:
            await self.tokens.revoke_quietly(self.core.client(old.portal_url), old)
        return license_info

    def _store_session(self, session: Session, license_info: LicenseInfo) -> Session | None:
        """Save the new session and its license; returns the session it replaced."""
        with self.core.edit_state() as state:
            old = state.session
            state.session = session
            state.license = license_info
            _remember_listing(state, session.portal_url, license_info)
            state.last_username = session.username
            _remember_portal(state, session.portal_url)
        return old

    async def sign_out(self) -> list[str]:
        """End the session: revoke it at the portal, then forget the tokens. Returns notices for the user."""
        answer = availability(self.core.status(), Action.SIGN_OUT)
        session = self.core.read_state().session
        if not answer.allowed or session is None:
            return [answer.reason]
        notices: list[str] = []
        try:
            if not await self.tokens.revoke(self.core.client(session.portal_url), session):
                notices.append(_unrevocable_notice(session))
        except PortalError as error:
            notices.append(f"Signed out on this computer, but the portal could not be told "
                           f"({error.user_message.rstrip('.')}); the session ends there when its token expires.")
        with self.core.edit_state() as state:
            state.session = None
            state.license = None
            state.last_username = session.username
        return notices

    async def end_unkept_session(self) -> list[str]:
        """`--no-auto` / "Sign in automatically" unticked: the session is not kept for the next start, so when the
        command or the app ends it is revoked and forgotten (README, "Signing in"). An automatic session: nothing."""
        session = self.core.read_state().session
        if session is None or session.auto_sign_in:
            return []
        return await self.sign_out()

    async def refresh_license(self) -> LicenseInfo:
        """Read the license fresh from the licensing portal and remember it."""
        refuse_unless(self.core.status(), Action.REFRESH_LICENSE)
        session = self.tokens.require_session()
        license_info = await self.tokens.call_with_token(
            lambda client, token: self._read_license_only(client, token, session.username))
        with self.core.edit_state() as state:
            state.license = license_info
            _remember_listing(state, session.portal_url, license_info)
        reconcile_with(self.core, license_info)  # released at the portal: the offline record here goes too
        if license_info.level is None:
            raise NoLicenseError(NO_LICENSE_ADVICE)
        return license_info

    async def read_license(self) -> LicenseInfo:
        """The license as the portal sees it now, without storing it (used to resolve an unknown outcome)."""
        session = self.tokens.require_session()
        return await self.tokens.call_with_token(
            lambda client, token: self._read_license_only(client, token, session.username))

    # --- reading the license ------------------------------------------------------------------------------------
    async def _read_user_and_license(self, client: PortalClient, token: Secret, username: str
                                     ) -> tuple[User, LicenseInfo]:
        # Every user-scoped URL needs the portal's canonical username, which the name typed at sign-in is not always
        # (``CORP\\jdoe``, another case): community/self comes first, unless this name is the canonical one a
        # previous sign-in learned, when the license joins the same batch (one round trip fewer).
        if self.core.read_state().last_username != username:
            user = self._usable(await client.community_self(token))
            return user, await self._read_license_only(client, token, user.username)
        user_read, license_read = await asyncio.gather(client.community_self(token),
                                                       self._read_license_only(client, token, username),
                                                       return_exceptions=True)
        if isinstance(user_read, BaseException):
            raise user_read
        user = self._usable(user_read)
        if user.username != username:  # renamed at the portal since: read again with the new name
            return user, await self._read_license_only(client, token, user.username)
        if isinstance(license_read, BaseException):
            raise license_read
        return user, license_read

    @staticmethod
    def _usable(user: User) -> User:
        if user.disabled:
            raise NotSignedIn("Your ArcGIS account is disabled; ask your organization administrator to enable it.")
        return user

    async def _read_license_only(self, client: PortalClient, token: Secret, username: str) -> LicenseInfo:
        # The listing id is remembered per portal, so that its entitlements join the first batch of requests
        state = self.core.read_state()
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
        readable = None if isinstance(entitlements, PortalError) else entitlements
        license_info = build_license(user_type_name=user_type.name,
                                     included=[e for app in included for e in app.entitlements],
                                     assigned=readable.entitlements if readable else (), listing_id=listing_id,
                                     disconnected=bool(readable and readable.disconnected),
                                     checked_at=self.core.clock.now())
        return _with_unreadable_entitlements(license_info, unreadable) if unreadable else license_info

    async def _entitlements_or_none(self, client: PortalClient, listing_id: str | None, username: str,
                                    token: Secret) -> UserEntitlements | PortalError | None:
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
    notice = (f"Your entitlements could not be read: {reason}; extensions not included in your user type are shown "
              "as unknown.")
    return license_info._replace(entitlements_known=False, entitlements_notice=notice)


def _unrevocable_notice(session: Session) -> str:
    return (f"Signed out on this computer; ArcGIS has no way to end a password sign-in early, so the token "
            f"{session.portal_url} issued stays valid there until {iso_utc(session.expires_at)} (it is no longer "
            "kept here).")


def _remember_listing(state: AppState, portal_url: str, license_info: LicenseInfo) -> None:
    if license_info.listing_id:
        state.listing_ids[portal_url] = license_info.listing_id


def _remember_portal(state: AppState, url: str) -> None:
    if url not in state.portal_urls:
        state.portal_urls.append(url)
    if state.active_portal is None:
        state.active_portal = url


__all__ = ["SessionFlows"]
