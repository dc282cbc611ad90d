"""Domain objects shared by the service layer, the CLI and the TUI (no IO, no Textual)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from tui.core.secret import Secret
from tui.core.settings import PortalKind

LEVELS: tuple[str, ...] = ("Basic", "Standard", "Advanced")
SignInMethod = Literal["password", "oauth"]


@dataclass(frozen=True)
class LicensingPortal:
    """The portal that grants the license: ArcGIS Online or an ArcGIS Enterprise portal."""

    url: str
    kind: PortalKind

    @property
    def kind_label(self) -> str:
        return "ArcGIS Online" if self.kind == "online" else "ArcGIS Enterprise"


@dataclass(frozen=True)
class LicenseInfo:
    """The user's ArcGIS AllSource license as last read from the licensing portal."""

    level: str | None
    extensions: dict[str, bool] = field(default_factory=dict)
    user_type: str | None = None
    listing_id: str | None = None
    checked_at: float = 0.0
    disconnected: bool = False

    @property
    def levels(self) -> dict[str, bool]:
        return {name: name == self.level for name in LEVELS}

    @property
    def licensed_extensions(self) -> list[str]:
        return [name for name, licensed in self.extensions.items() if licensed]

    def to_json(self) -> dict:
        return {"product": "ArcGIS AllSource", "level": self.level, "levels": self.levels,
                "extensions": dict(self.extensions), "user_type": self.user_type}


@dataclass(frozen=True)
class Session:
    """A signed-in session with the licensing portal (its tokens are Secrets)."""

    portal_url: str
    username: str
    full_name: str
    auto_sign_in: bool
    method: SignInMethod
    access_token: Secret | None  # None only while the keyring holding it can't be reached
    expires_at: float
    signed_in_at: float
    refresh_token: Secret | None = None
    refresh_expires_at: float | None = None
    token_store: Literal["state", "keyring"] = "state"

    def is_valid(self, now: float, margin: float = 60.0) -> bool:
        if self.expires_at - margin > now:
            return True
        return self.refresh_token is not None and (self.refresh_expires_at or 0) - margin > now


@dataclass(frozen=True)
class OfflineLicense:
    """A license checked out to one computer and OS user; ``device_credential`` is needed to check it in."""

    portal_url: str
    username: str
    full_name: str
    machine_id: str
    os_user: str
    alias: str
    license: LicenseInfo
    expires_at: float | None
    checked_out_at: float
    device_credential: Secret | None


@dataclass(frozen=True)
class OfflineIntent:
    """Written before a check-out so a crash between the portal's answer and the state write is recoverable."""

    intent_id: str
    portal_url: str
    username: str
    machine_id: str
    listing_id: str
    started_at: float
