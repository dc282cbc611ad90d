"""Run every doctor check in order; each failure keeps only the checks that depend on it from running."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from tui.core.clock import Clock, SystemClock
from tui.core.errors import PortalUrlError, UsageError
from tui.core.machine import MachineIdentity, current_machine
from tui.core.models import LicensingPortal, Session
from tui.core.settings import Settings
from tui.core.urls import guess_kind, normalize_portal_url
from tui.doctor.local import check_config, check_keyring, check_state
from tui.doctor.model import Check, DoctorReport, skipped
from tui.doctor.network import check_dns, check_tcp
from tui.doctor.remote import remote_checks
from tui.portal.http import build_http_client, proxy_for
from tui.state.model import AppState
from tui.state.store import StateStore
from tui.state.token_vault import TokenVault

if TYPE_CHECKING:
    from tui.service.licensing import LicensingService


async def run_doctor(config_path: Path | None, state_dir: Path, *, portal_url: str | None = None,
                     settings: Settings | None = None, clock: Clock | None = None,
                     machine: MachineIdentity | None = None,
                     transport: httpx.AsyncBaseTransport | None = None) -> DoctorReport:
    """Every check against ``portal_url`` (else the licensing portal of the state file or config.toml).

    Raises UsageError only for a ``portal_url`` that is not a portal URL; everything else is a Check.
    """
    clock = clock or SystemClock()
    config, settings = check_config(config_path, settings)
    state_check = check_state(state_dir)
    state = _read_state(state_dir, settings) if state_check.ok else AppState()
    portal = _portal(portal_url, state, settings)
    session = state.session
    # the token is bound to this computer's Referer (generateToken client=referer): send the same one
    referer = (machine or current_machine(fallback_dir=state_dir)).referer
    network = await _network_checks(portal, settings, session, clock, referer, transport)
    keyring = check_keyring(settings, session_in_keyring=_session_in_keyring(state_dir, state_check.ok))
    return DoctorReport(portal.url, (config, state_check, *network, keyring))


async def troubleshoot_text(service: LicensingService, portal_url: str | None = None) -> str:
    """The doctor report as text for an open LicensingService (the sign-in window's "Troubleshoot" action)."""
    settings = service.settings
    report = await run_doctor(settings.source_path, service.store.state_dir, portal_url=portal_url, settings=settings,
                              clock=service.clock, machine=service.machine)
    return report.text()


async def _network_checks(portal: LicensingPortal, settings: Settings, session: Session | None, clock: Clock,
                          referer: str, transport: httpx.AsyncBaseTransport | None) -> list[Check]:
    url = httpx.URL(portal.url)
    host, port = url.host, url.port or 443
    proxy = proxy_for(portal.url, settings.network)
    timeout = settings.network.connect_timeout
    dns = await check_dns(host, port, proxy, timeout)
    if not dns.ok:
        return [dns, *(skipped(name, "the host name was not found")
                       for name in ("tcp", "tls", "proxy", "clock", "portal", "token"))]
    tcp = await check_tcp(host, port, proxy, timeout)
    if not tcp.ok:
        return [dns, tcp, *(skipped(name, "no connection could be opened")
                            for name in ("tls", "proxy", "clock", "portal", "token"))]
    async with build_http_client(settings.network, transport=transport) as http:
        return [dns, tcp, *await remote_checks(portal, settings, session, proxy, http, clock, referer)]


def _portal(portal_url: str | None, state: AppState, settings: Settings) -> LicensingPortal:
    if portal_url:
        kind = guess_kind(portal_url) or "enterprise"
        try:
            return LicensingPortal(url=normalize_portal_url(portal_url, kind), kind=kind)
        except PortalUrlError as error:
            raise UsageError(f"--portal: {error.user_message}") from None
    if state.licensing_portal is not None:
        return state.licensing_portal
    return LicensingPortal(url=settings.portal.licensing_portal_url, kind=settings.portal.licensing_portal_kind)


def _read_state(state_dir: Path, settings: Settings) -> AppState:
    data = StateStore(state_dir).load()
    TokenVault(settings.secrets).fill(data)
    return AppState.from_dict(data)


def _session_in_keyring(state_dir: Path, readable: bool) -> bool:
    if not readable:
        return False
    session = StateStore(state_dir).load().get("session")
    return isinstance(session, dict) and session.get("token_store") == "keyring"
