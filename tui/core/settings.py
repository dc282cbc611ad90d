"""The settings read from config.toml (the user's file; the app never writes it).

tui/core/config.py loads and validates the file into these frozen dataclasses; every default here is documented in
config.example.toml, and a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

PortalKind = Literal["online", "enterprise"]
CredentialStore = Literal["auto", "keyring", "file"]
TrustSource = Literal["system", "certifi", "both"]

DEFAULT_LICENSING_PORTAL = "https://www.arcgis.com"


@dataclass(frozen=True)
class PortalSettings:
    """[portal]: the licensing portal used until one is chosen in the app."""

    licensing_portal_url: str = DEFAULT_LICENSING_PORTAL
    licensing_portal_kind: PortalKind = "online"
    client_id: str = "allsource-tui"
    token_expiration_minutes: int = 20160


@dataclass(frozen=True)
class NetworkSettings:
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


@dataclass(frozen=True)
class UISettings:
    """[ui]: how the TUI looks and reacts."""

    theme: str = "textual-dark"
    cursor_blink: bool = True
    mouse: bool = True


@dataclass(frozen=True)
class SecretSettings:
    """[secrets]: where session tokens are kept."""

    credential_store: CredentialStore = "auto"
    keyring_timeout: float = 3.0


@dataclass(frozen=True)
class Settings:
    """Everything config.toml says, with the defaults filled in."""

    portal: PortalSettings = field(default_factory=PortalSettings)
    network: NetworkSettings = field(default_factory=NetworkSettings)
    ui: UISettings = field(default_factory=UISettings)
    secrets: SecretSettings = field(default_factory=SecretSettings)
    keys: dict[str, str] = field(default_factory=dict)
    source_path: Path | None = None
    # one sentence each (file, line, key): unknown keys that were ignored, TLS verification turned off...
    warnings: tuple[str, ...] = ()
