"""The licensing portal and the portal connections: the portal part of LicensingService (docs/portal-protocol.md,
"Licensing portal URLs")."""

from __future__ import annotations

from tui.core.errors import PortalUnreachable, UsageError
from tui.core.models import LicensingPortal
from tui.core.settings import PortalKind
from tui.core.urls import guess_kind, normalize_portal_url
from tui.service.actions import Action, refuse_unless
from tui.service.core import ServiceCore
from tui.service.session import SessionFlows
from tui.service.status import PortalConnection, portal_connections
from tui.state.model import AppState


class PortalFlows:
    """Choosing the licensing portal (ends the old portal's session through ``session``) and the connections."""

    def __init__(self, core: ServiceCore, session: SessionFlows) -> None:
        self.core = core
        self.session = session

    async def probe_kind(self, url: str) -> PortalKind:
        """Ask the portal what it is: ArcGIS Enterprise answers portals/self with isPortal true."""
        answer = await self.core.client(url).portal_self()
        return "enterprise" if answer.is_portal else "online"

    async def choose_sign_in_portal(self, url: str) -> LicensingPortal:
        """`sign-in --portal URL`: accepted while no other portal is signed in; the kind comes from portals/self."""
        kind = guess_kind(url) or "enterprise"
        normalized = normalize_portal_url(url, kind)
        actual = await self.probe_kind(normalized)
        if actual != kind:
            normalized = normalize_portal_url(url, actual)
        state = self.core.read_state()
        current = self.core.licensing_portal(state)
        if normalized != current.url:
            if state.session is not None and state.session.is_valid(self.core.clock.now()):
                raise UsageError(f"You are signed in to {state.session.portal_url}; sign out first, or use "
                                 "`allsource-tui portal set` to move to another licensing portal.")
            refuse_unless(self.core.status(), Action.CHANGE_LICENSING_PORTAL)
        portal = LicensingPortal(url=normalized, kind=actual)
        with self.core.edit_state() as state:
            state.licensing_portal = portal
            if normalized not in state.portal_urls:
                state.portal_urls.append(normalized)
            state.active_portal = normalized
        return portal

    async def set_licensing_portal(self, kind: PortalKind, url: str, *, save_if_unreachable: bool = False
                                   ) -> LicensingPortal:
        """Change the licensing portal (takes effect at the next start); the old portal's session is ended."""
        normalized = normalize_portal_url(url, kind)
        refuse_unless(self.core.status(), Action.CHANGE_LICENSING_PORTAL)
        try:
            actual = await self.probe_kind(normalized)
        except PortalUnreachable as error:
            if not save_if_unreachable:
                raise PortalUnreachable(f"{error.user_message} Save it anyway only if you are sure of the URL.",
                                        code=error.code) from None
        else:
            if actual != kind:
                label = "ArcGIS Enterprise" if actual == "enterprise" else "ArcGIS Online"
                raise UsageError(f"{normalized} is an {label} portal, not the kind you chose; choose {label}.")
        if self.core.read_state().session is not None:
            await self.session.sign_out()
        portal = LicensingPortal(url=normalized, kind=kind)
        with self.core.edit_state() as state:
            state.licensing_portal = portal
            state.license = None
            if normalized not in state.portal_urls:
                state.portal_urls.append(normalized)
            state.active_portal = normalized
        return portal

    # --- portal connections ---------------------------------------------------------------------------------------
    def portal_connections(self, state: AppState | None = None) -> list[PortalConnection]:
        state = state or self.core.read_state()
        return list(portal_connections(state, self.core.licensing_portal(state)))

    def add_portal(self, url: str) -> str:
        normalized = normalize_portal_url(url, guess_kind(url) or "enterprise")
        with self.core.edit_state() as state:
            if normalized not in state.portal_urls:
                state.portal_urls.append(normalized)
        return normalized

    def remove_portal(self, url: str) -> str:
        refuse_unless(self.core.status(), Action.REMOVE_PORTAL, url)
        normalized = self._known_portal(url)
        with self.core.edit_state() as state:
            state.portal_urls = [u for u in state.portal_urls if u != normalized]
            if state.active_portal == normalized:
                state.active_portal = self.core.licensing_portal(state).url
        return normalized

    def activate_portal(self, url: str) -> str:
        refuse_unless(self.core.status(), Action.ACTIVATE_PORTAL, url)
        normalized = self._known_portal(url)
        with self.core.edit_state() as state:
            state.active_portal = normalized
        return normalized

    def _known_portal(self, url: str) -> str:
        wanted = url.strip().rstrip("/")
        for connection in self.portal_connections():
            if connection.url.lower() == wanted.lower():
                return connection.url
        raise UsageError(f"{url.strip()} is not one of your portal connections; see `allsource-tui portals list`.")
