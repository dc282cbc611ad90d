"""The settings read from config.toml (the user's file; the app never writes it).

tui/core/config.py loads and validates the file into these NamedTuples (immutable, and cheap to define: see
docs/architecture.md › Value objects); every default here is documented in config.example.toml, and a test keeps the
two in step.
"""

from pathlib import Path
from typing import Literal, NamedTuple

PortalKind = Literal["online", "enterprise"]
CredentialStore = Literal["auto", "keyring", "file"]
TrustSource = Literal["system", "certifi", "both"]

DEFAULT_LICENSING_PORTAL = "https://www.arcgis.com"


class PortalSettings(NamedTuple):
    """[portal]: the licensing portal used until one is chosen in the app."""

    licensing_portal_url: str = DEFAULT_LICENSING_PORTAL
    licensing_portal_kind: PortalKind = "online"
    client_id: str = "allsource-tui"
    token_expiration_minutes: int = 20160


class NetworkSettings(NamedTuple):
    """[network]: timeouts, TLS and proxy of every portal request."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    write_timeout: float = 30.0
    pool_timeout: float = 5.0
    ca_bundle: Path | None = None
    trust: TrustSource = "both"  # the CA certificates trusted besides ca_bundle: the OS store, certifi, or both
    verify_tls: bool = True
    proxy: str | None = None
    max_retries: int = 3
    deadline_seconds: float = 60.0  # one whole portal operation, retries included


class UISettings(NamedTuple):
    """[ui]: how the TUI looks and reacts."""

    theme: str = "textual-dark"
    cursor_blink: bool = True
    mouse: bool = True


class SecretSettings(NamedTuple):
    """[secrets]: where session tokens are kept."""

    credential_store: CredentialStore = "auto"
    keyring_timeout: float = 3.0


class Settings(NamedTuple):
    """Everything config.toml says, with the defaults filled in."""

    portal: PortalSettings = PortalSettings()
    network: NetworkSettings = NetworkSettings()
    ui: UISettings = UISettings()
    secrets: SecretSettings = SecretSettings()
    keys: dict[str, str] = {}  # shared by every default Settings: never mutated
    source_path: Path | None = None
    # one sentence each (file, line, key): unknown keys that were ignored, TLS verification turned off...
    warnings: tuple[str, ...] = ()
