"""Status: everything `allsource-tui status` and the start page show, built from state alone (no network)."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple

from tui.core.models import LicenseInfo, LicensingPortal, OfflineLicense, Session
from tui.state import keys
from tui.state.model import AppState

if TYPE_CHECKING:  # `status` must stay import-light: these are only annotations here (quoted below)
    from tui.core.machine import MachineIdentity
    from tui.core.settings import Settings
    from tui.state.store import StateStore
    from tui.state.token_vault import TokenVault


def iso_utc(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class PortalConnection(NamedTuple):
    """One portal connection as the Portals tab and `portals list` show it."""

    url: str
    active: bool
    licensing: bool
    signed_in: bool

    def to_json(self) -> dict[str, str | bool]:
        return {"url": self.url, "active": self.active, "licensing": self.licensing, "signed_in": self.signed_in}


def portal_connections(state: AppState, licensing: LicensingPortal) -> tuple[PortalConnection, ...]:
    urls = list(dict.fromkeys([licensing.url, *state.portal_urls]))
    active = state.active_portal or licensing.url
    return tuple(PortalConnection(url=url, active=url == active, licensing=url == licensing.url,
                                  signed_in=bool(state.session and state.session.portal_url == url)) for url in urls)


class Status(NamedTuple):
    """Everything `status` prints, as of one read of the state."""

    licensing_portal: LicensingPortal
    active_portal: str
    session: Session | None
    signed_in: bool
    license: LicenseInfo | None
    workstation_alias: str | None
    offline: OfflineLicense | None
    last_username: str | None
    secrets_location: str
    notices: tuple[str, ...] = ()
    os_user: str = ""                                   # this process's OS user (check-in must be by the same)
    offline_elsewhere: OfflineLicense | None = None     # the user's license, checked out to another computer
    checkout_interrupted: bool = False                  # a check-out intent of this computer awaits the portal
    connections: tuple[PortalConnection, ...] = ()
    config_warnings: tuple[str, ...] = ()               # from config.toml: the CLI prints them, the TUI shows them
    tls_verification: bool = True                       # False: [network] verify_tls = false

    @property
    def username(self) -> str | None:
        if self.session:
            return self.session.username
        return self.offline.username if self.offline else None

    @property
    def full_name(self) -> str | None:
        if self.session:
            return self.session.full_name
        return self.offline.full_name if self.offline else None

    @property
    def can_start_without_sign_in(self) -> bool:
        """The TUI skips the sign-in window: a valid automatic session, or an offline license on this computer."""
        if self.offline is not None:
            return True
        return self.signed_in and self.session is not None and self.session.auto_sign_in

    def signed_in_to(self, portal_url: str) -> bool:
        return self.signed_in and self.session is not None and self.session.portal_url == portal_url

    def to_json(self) -> dict:
        offline = self.offline
        return {
            "signed_in": self.signed_in,
            "username": self.username,
            "full_name": self.full_name,
            "portal_url": self.session.portal_url if self.session else None,
            "active_portal": self.active_portal,
            "licensing_portal": {"url": self.licensing_portal.url, "kind": self.licensing_portal.kind},
            "workstation_alias": self.workstation_alias,
            "license": self.license.to_json() if self.license else None,
            "offline": {
                "authorized": offline is not None,
                "machine": offline.machine_id if offline else None,
                "workstation_alias": offline.alias if offline else None,
                "os_user": offline.os_user if offline else None,
                "expires": iso_utc(offline.expires_at) if offline else None,
            },
            "session": {
                "auto_sign_in": self.session.auto_sign_in if self.session else None,
                "method": self.session.method if self.session else None,
                "expires": iso_utc(self.session.expires_at) if self.session else None,
            },
            "secrets": self.secrets_location,
            "tls_verification": self.tls_verification,
            "notices": list(self.notices),
        }


def build_status(state: AppState, *, portal: LicensingPortal, machine: "MachineIdentity", now: float,
                 secrets_location: str, notices: list[str]) -> Status:
    session = state.session
    signed_in = session is not None and session.is_valid(now)
    who = session.username if session else state.last_username
    offline = (keys.preferred(state.offline, machine.machine_key, session.portal_url if session else None, who)
               if state.offline else None)
    interrupted = bool(state.intents and keys.on_machine(state.intents, machine.machine_key))
    license_info = state.license if signed_in else None
    if offline is not None and (license_info is None or not signed_in):
        license_info = offline.license
    if license_info is not None and license_info.entitlements_notice:
        notices = [*notices, license_info.entitlements_notice]
    if interrupted:
        notices = [*notices, "A check-out to work offline was interrupted; allsource-tui asks the portal what became "
                             "of it the next time it connects (e.g. `allsource-tui offline authorize`)."]
    elsewhere = next((o for o in state.offline.values() if o.machine_id != machine.machine_key), None)
    return Status(licensing_portal=portal, active_portal=state.active_portal or portal.url, session=session,
                  signed_in=signed_in, license=license_info, workstation_alias=state.workstation_alias,
                  offline=offline, last_username=state.last_username or (session.username if session else None),
                  secrets_location=secrets_location, notices=tuple(notices + state.notices), os_user=machine.os_user,
                  offline_elsewhere=elsewhere, checkout_interrupted=interrupted,
                  connections=portal_connections(state, portal))


def read_status(settings: "Settings", store: "StateStore", vault: "TokenVault", machine: "MachineIdentity",
                now: float) -> Status:
    """The Status from state.toml (and the keyring, for a session kept there), exactly as LicensingService.status
    builds it; `allsource-tui status` calls this without the service, asyncio or the HTTP stack."""
    data = store.load()
    vault.fill(data)
    state = AppState.from_dict(data)
    portal = state.licensing_portal or LicensingPortal(url=settings.portal.licensing_portal_url,
                                                       kind=settings.portal.licensing_portal_kind)
    secrets_location = vault.location(data.get("session"), store.path)  # fill() leaves token_store as it was
    notices = list(dict.fromkeys([*store.notices, *vault.notices]))
    status = build_status(state, portal=portal, machine=machine, now=now, secrets_location=secrets_location,
                          notices=notices)
    return status._replace(config_warnings=settings.warnings, tls_verification=settings.network.verify_tls)
