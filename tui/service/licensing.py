"""LicensingService: every workflow of the product, UI-free and async. The CLI and the TUI call only this.

The workflows live in small modules layered by inheritance (session → renewal → offline → portal → SSO); this module adds the
read-only status and the factory that wires settings, state and machine identity together.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core import paths
from tui.core.clock import Clock
from tui.core.config import load_settings
from tui.core.machine import MachineIdentity, current_machine
from tui.core.settings import Settings
from tui.service.sso import SsoFlows
from tui.service.status import Status, build_status
from tui.state.store import StateStore

if TYPE_CHECKING:
    import httpx


class LicensingService(SsoFlows):
    def status(self) -> Status:
        """Session, portal, license and offline state from state.toml alone (no network)."""
        state = self.read_state()
        return build_status(state, portal=self.licensing_portal(state), machine=self.machine, now=self.clock.now(),
                            secrets_location=self.secrets_location(), notices=self.notices())


@dataclass(frozen=True)
class Locations:
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
