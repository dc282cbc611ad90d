"""ServiceCore: what every part of LicensingService shares — settings, state, machine identity, clock, the token
vault and the portal clients. The parts (session, renewal, offline, portals, SSO) each hold this one core."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from tui.core.clock import Clock, SystemClock
from tui.core.machine import MachineIdentity
from tui.core.models import LicensingPortal
from tui.core.settings import Settings
from tui.service.status import Status, read_status
from tui.state.model import AppState
from tui.state.store import StateStore
from tui.state.token_vault import TokenVault

if TYPE_CHECKING:  # httpx costs a third of a second to import; `status` never needs it
    import httpx

    from tui.portal import PortalClient


class ServiceCore:
    def __init__(self, settings: Settings, store: StateStore, machine: MachineIdentity, *,
                 clock: Clock | None = None, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self.store = store
        self.machine = machine
        self.clock: Clock = clock or SystemClock()
        self._transport = transport
        self._http: httpx.AsyncClient | None = None
        self.vault = TokenVault(settings.secrets)
        # Sentences saying how the local record was reconciled with the portal (the portal wins: docs/reliability.md,
        # "The license lifecycle"); the CLI prints them, the TUI shows them on the status line.
        self.reconciled: list[str] = []

    # --- lifecycle -----------------------------------------------------------------------------------------------
    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def client(self, portal_url: str) -> PortalClient:
        """A client of ``portal_url``; all clients share one connection pool (created on first use)."""
        from tui.portal import PortalClient, build_http_client

        if self._http is None:
            self._http = build_http_client(self.settings.network, transport=self._transport)
        return PortalClient(portal_url, self._http, referer=self.machine.referer, clock=self.clock,
                            max_retries=self.settings.network.max_retries,
                            deadline=self.settings.network.deadline_seconds)

    # --- state ---------------------------------------------------------------------------------------------------
    def read_state(self) -> AppState:
        data = self.store.load()
        self.vault.fill(data)
        return AppState.from_dict(data)

    @contextmanager
    def edit_state(self) -> Iterator[AppState]:
        """Read-modify-write under the store's lock; the edit is saved only if the block succeeds."""
        with self.store.transaction() as data:
            previous = dict(data["session"]) if isinstance(data.get("session"), dict) else None
            self.vault.fill(data)
            state = AppState.from_dict(data)
            yield state
            state.apply_to(data)
            self.vault.stash(data, previous)

    def licensing_portal(self, state: AppState | None = None) -> LicensingPortal:
        state = state or self.read_state()
        if state.licensing_portal is not None:
            return state.licensing_portal
        portal = self.settings.portal
        return LicensingPortal(url=portal.licensing_portal_url, kind=portal.licensing_portal_kind)

    def status(self) -> Status:
        """Session, portal, license and offline state from state.toml alone (no network)."""
        return read_status(self.settings, self.store, self.vault, self.machine, self.clock.now())

    def notices(self) -> list[str]:
        return list(dict.fromkeys([*self.store.notices, *self.vault.notices]))

    def reconcile(self, sentence: str) -> None:
        if sentence not in self.reconciled:
            self.reconciled.append(sentence)

    def take_reconciled(self) -> list[str]:
        taken, self.reconciled = self.reconciled, []
        return taken

    def secrets_location(self) -> str:
        return self.vault.location(self.store.load().get("session"), self.store.path)
