"""LicensingService: every workflow of the product, UI-free and async. The CLI and the TUI call only this.

The service is a façade over sibling parts composed on one shared ``ServiceCore`` (settings, state, machine
identity, clock, token vault, portal clients):

    tokens   RenewalFlows  the valid session a call needs, silent renewal, revocation      (renewal.py)
    session  SessionFlows  sign in, sign out, fresh license reads                          (session.py)
    offline  OfflineFlows  workstation alias, check-out, check-in, crash recovery          (offline.py)
    portals  PortalFlows   the licensing portal and the portal connections                 (portals.py)
    sso      SsoFlows      sign in with your organization (OAuth + PKCE)                   (sso.py)

Each public method below is one line that names the part doing the work, so a reader finds any method in two hops.
Which actions are possible now, and why not, is ``Status.availability`` (actions.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from tui.core import paths
from tui.core.clock import Clock
from tui.core.config import load_settings
from tui.core.machine import MachineIdentity, current_machine
from tui.core.models import LicenseInfo, LicensingPortal, OfflineLicense
from tui.core.settings import PortalKind, Settings
from tui.service.core import ServiceCore
from tui.service.status import PortalConnection, Status
from tui.state.model import AppState
from tui.state.store import StateStore

if TYPE_CHECKING:
    import httpx

    from tui.core.secret import Secret
    from tui.portal import PortalClient
    from tui.service.offline import OfflineFlows
    from tui.service.portals import PortalFlows
    from tui.service.renewal import RenewalFlows
    from tui.service.session import SessionFlows
    from tui.service.sso import SsoFlows, SsoRequest

T = TypeVar("T")


class LicensingService:
    def __init__(self, settings: Settings, store: StateStore, machine: MachineIdentity, *,
                 clock: Clock | None = None, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.core = ServiceCore(settings, store, machine, clock=clock, transport=transport)

    # --- the parts, each built (and its module imported) on first use ----------------------------------------------
    # Reading the status needs only the core; the workflow modules (and asyncio, logging, the admin model they pull in)
    # would cost a cold start of the TUI ~0.1 s before its first frame, so they load when a workflow first runs.
    @cached_property
    def tokens(self) -> RenewalFlows:
        from tui.service.renewal import RenewalFlows

        return RenewalFlows(self.core)

    @cached_property
    def session(self) -> SessionFlows:
        from tui.service.session import SessionFlows

        return SessionFlows(self.core, self.tokens)

    @cached_property
    def offline(self) -> OfflineFlows:
        from tui.service.offline import OfflineFlows

        return OfflineFlows(self.core, self.tokens, self.session)

    @cached_property
    def portals(self) -> PortalFlows:
        from tui.service.portals import PortalFlows

        return PortalFlows(self.core, self.session)

    @cached_property
    def sso(self) -> SsoFlows:
        from tui.service.sso import SsoFlows

        return SsoFlows(self.core, self.session)

    # --- the shared core -----------------------------------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        return self.core.settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        self.core.settings = settings

    @property
    def machine(self) -> MachineIdentity:
        return self.core.machine

    @machine.setter
    def machine(self, machine: MachineIdentity) -> None:
        self.core.machine = machine

    @property
    def store(self) -> StateStore:
        return self.core.store

    @property
    def clock(self) -> Clock:
        return self.core.clock

    def read_state(self) -> AppState:
        return self.core.read_state()

    def edit_state(self) -> AbstractContextManager[AppState]:
        return self.core.edit_state()

    def licensing_portal(self, state: AppState | None = None) -> LicensingPortal:
        return self.core.licensing_portal(state)

    def client(self, portal_url: str) -> PortalClient:
        return self.core.client(portal_url)

    def notices(self) -> list[str]:
        return self.core.notices()

    def take_reconciled(self) -> list[str]:
        """What changed because the portal said otherwise (a license checked in or released there); once each."""
        return self.core.take_reconciled()

    def secrets_location(self) -> str:
        return self.core.secrets_location()

    def status(self) -> Status:
        """Session, portal, license and offline state from state.toml alone (no network)."""
        return self.core.status()

    async def aclose(self) -> None:
        await self.core.aclose()

    async def __aenter__(self) -> LicensingService:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # --- session and tokens --------------------------------------------------------------------------------------
    async def sign_in(self, username: str, password: str, *, auto: bool = True) -> LicenseInfo:
        return await self.session.sign_in(username, password, auto=auto)

    async def sign_out(self) -> list[str]:
        return await self.session.sign_out()

    async def refresh_license(self) -> LicenseInfo:
        return await self.session.refresh_license()

    async def call_with_token(self, call: Callable[[PortalClient, Secret], Awaitable[T]]) -> T:
        return await self.tokens.call_with_token(call)

    # --- offline -------------------------------------------------------------------------------------------------
    def set_alias(self, name: str) -> str:
        return self.offline.set_alias(name)

    def default_alias(self) -> str:
        return self.offline.default_alias()

    async def authorize_offline(self, *, connect: bool) -> OfflineLicense:
        return await self.offline.authorize_offline(connect=connect)

    async def recover_checkout(self) -> OfflineLicense | None:
        return await self.offline.recover_checkout()

    async def check_in(self) -> LicenseInfo | None:
        return await self.offline.check_in()

    async def end_unkept_session(self) -> list[str]:
        """Revoke and forget a session signed in without "Sign in automatically" (at the end of the app or command)."""
        return await self.session.end_unkept_session()

    async def reconcile_offline(self) -> None:
        """Drop this computer's offline record when the portal no longer holds it (see take_reconciled)."""
        await self.offline.reconcile_offline()

    # --- portals -------------------------------------------------------------------------------------------------
    async def probe_kind(self, url: str) -> PortalKind:
        return await self.portals.probe_kind(url)

    async def choose_sign_in_portal(self, url: str) -> LicensingPortal:
        return await self.portals.choose_sign_in_portal(url)

    async def set_licensing_portal(self, kind: PortalKind, url: str, *, save_if_unreachable: bool = False
                                   ) -> LicensingPortal:
        return await self.portals.set_licensing_portal(kind, url, save_if_unreachable=save_if_unreachable)

    def portal_connections(self) -> list[PortalConnection]:
        return self.portals.portal_connections()

    def add_portal(self, url: str) -> str:
        return self.portals.add_portal(url)

    def remove_portal(self, url: str) -> str:
        return self.portals.remove_portal(url)

    def activate_portal(self, url: str) -> str:
        return self.portals.activate_portal(url)

    # --- SSO -----------------------------------------------------------------------------------------------------
    def begin_sso(self) -> SsoRequest:
        return self.sso.begin_sso()

    async def complete_sso(self, request: SsoRequest, pasted: str, *, auto: bool = True) -> LicenseInfo:
        return await self.sso.complete_sso(request, pasted, auto=auto)


class Locations(NamedTuple):
    config_path: Path
    state_dir: Path


def resolve_locations(config: str | Path | None, state_dir: str | Path | None, *, demo: bool = False) -> Locations:
    return Locations(config_path=paths.config_path(config), state_dir=paths.state_dir(state_dir, demo=demo))


def open_service(locations: Locations, *, settings: Settings | None = None, machine: MachineIdentity | None = None,
                 clock: Clock | None = None, transport: httpx.AsyncBaseTransport | None = None) -> LicensingService:
    """Wire a LicensingService from files on disk; raises ConfigError for a bad config.toml."""
    settings = settings or load_settings(locations.config_path)
    store = StateStore(locations.state_dir)
    machine = machine or current_machine(fallback_dir=locations.state_dir)
    return LicensingService(settings, store, machine, clock=clock, transport=transport)


__all__ = ["LicensingService", "Locations", "open_service", "resolve_locations"]
