"""Domain objects shared by the service layer, the CLI and the TUI (no IO, no Textual)."""

from typing import Literal, NamedTuple

from tui.core.secret import Secret
from tui.core.settings import PortalKind

LEVELS: tuple[str, ...] = ("Basic", "Standard", "Advanced")
SignInMethod = Literal["password", "oauth"]


class LicensingPortal(NamedTuple):
    """The portal that grants the license: ArcGIS Online or an ArcGIS Enterprise portal."""

    url: str
    kind: PortalKind

    @property
    def kind_label(self) -> str:
        return "ArcGIS Online" if self.kind == "online" else "ArcGIS Enterprise"


class LicenseInfo(NamedTuple):
    """The user's ArcGIS AllSource license as last read from the licensing portal."""

    level: str | None
    extensions: dict[str, bool] = {}  # shared by every instance that has no extensions: never mutated
    user_type: str | None = None
    listing_id: str | None = None
    checked_at: float = 0.0
    disconnected: bool = False  # the license is checked out (taken offline) at the portal
    # False when the portal refused to show the user's own add-on entitlements (403/404): an extension that is not
    # licensed by the user type is then unknown, not "No"; ``entitlements_notice`` says why, in one sentence.
    entitlements_known: bool = True
    entitlements_notice: str = ""

    @property
    def levels(self) -> dict[str, bool]:
        return {name: name == self.level for name in LEVELS}

    @property
    def licensed_extensions(self) -> list[str]:
        return [name for name, licensed in self.extensions.items() if licensed]

    def extension_state(self, name: str) -> bool | None:
        """True/False for a known answer, None when the portal would not say (entitlements unreadable)."""
        licensed = self.extensions.get(name, False)
        return True if licensed else (False if self.entitlements_known else None)

    def to_json(self) -> dict:
        return {"product": "ArcGIS AllSource", "level": self.level, "levels": self.levels,
                "extensions": {name: self.extension_state(name) for name in self.extensions},
                "user_type": self.user_type, "disconnected": self.disconnected,
                "entitlements_known": self.entitlements_known}


VALIDITY_MARGIN = 60.0  # seconds: clock skew and the time a request takes


class Session(NamedTuple):
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
    # True when community/self said, at sign-in, that this user administers the organization's licenses (role
    # org_admin or the portal:admin:manageLicenses privilege): the TUI then offers Settings › Organization.
    manages_licenses: bool = False

    def is_valid(self, now: float, margin: float | None = None) -> bool:
        if margin is None:
            margin = self.validity_margin()
        if self.expires_at - margin > now:
            return True
        return self.refresh_token is not None and (self.refresh_expires_at or 0) - margin > now

    def validity_margin(self) -> float:
        """Seconds before expiry from which the token counts as expired: 60, or a tenth of a shorter token's life,
        so that even ``token_expiration_minutes = 1`` gives a usable session (issue 16 finding 9)."""
        lifetime = self.expires_at - self.signed_in_at
        return VALIDITY_MARGIN if lifetime <= 0 else min(VALIDITY_MARGIN, lifetime / 10)


class OfflineLicense(NamedTuple):
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


class OfflineIntent(NamedTuple):
    """Written before a check-out so a crash between the portal's answer and the state write is recoverable."""

    intent_id: str
    portal_url: str
    username: str
    machine_id: str
    listing_id: str
    started_at: float
