"""The sentences the screens show, built from Status and errors (pure functions: no Textual, easy to test).

Every state is worded so it reads the same without colour (NO_COLOR): "Yes"/"No", "Error:", "Try:", and a key
marker that is a symbol plus a word.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tui.core.errors import (
    AccountLocked,
    AllSourceError,
    InvalidCredentials,
    LicenseRuleError,
    NoLicenseError,
    NotSignedIn,
    PortalTLSError,
    PortalUnreachable,
    UnexpectedResponse,
)
from tui.core.models import LEVELS, LicenseInfo
from tui.service.status import PortalConnection, Status

KEY = "🔑"
KEY_MARK = f"{KEY} licensing portal"
ACTIVE_MARK = "✓ active"
ADMIN_NOTE = ("To change your license level or extensions, contact your organization's administrator; they "
              "assign ArcGIS AllSource licenses.")

# What to try next, from this window, after each kind of sign-in failure (most specific type first).
_TRY_NEXT: tuple[tuple[type[AllSourceError], str], ...] = (
    (InvalidCredentials, "check the username and Caps Lock, then type the password again."),
    (AccountLocked, "wait about 15 minutes (or ask your administrator to unlock the account), then check the "
                    "password before signing in again."),
    (PortalTLSError, "check the licensing portal URL with F2 (a wrong host fails this check too), then start "
                     "allsource-tui again."),
    (PortalUnreachable, "type the password again and press Enter, or F2 to choose another licensing portal."),
    (UnexpectedResponse, "press F2 (Configure your licensing options) and check the licensing portal URL."),
    (LicenseRuleError, "sign out on another computer (Settings, or `allsource-tui sign-out` there), then type "
                       "the password again here and press Enter."),
    (NoLicenseError, "sign in with another account, or press F2 if another portal manages your license."),
    (NotSignedIn, "sign in with another account, or press F2 if another portal manages your license."),
)


TLS_OFF_MARK = "⚠ TLS checks OFF (verify_tls = false)"


def tls_mark(verify_tls: bool) -> str:
    """The suffix of the start page's header line while certificate checks are off ("" when they are on)."""
    return "" if verify_tls else f" · {TLS_OFF_MARK}"


def yes_no(value: bool) -> str:
    return "Yes" if value else "No"


# The password field is cleared after a failure, so no advice says just "press Enter" (issue 17).
BUSY_ADVICE = "Try: the portal is busy or down; in a minute, type the password again and press Enter."


def try_next(error: AllSourceError) -> str:
    """The "Try: …" line under a sign-in error ("" when there is nothing more to say)."""
    code = getattr(error, "code", None) or 0
    if isinstance(error, UnexpectedResponse) and (code == 429 or 500 <= code < 600):
        return BUSY_ADVICE  # a 5xx/429 is the portal's trouble: the URL is right, checking it would mislead
    for kind, advice in _TRY_NEXT:
        if isinstance(error, kind):
            return "Try: " + advice
    return ("Try: type the password again and press Enter; if it keeps failing, run with --debug and look at the "
            "log file.")


def sso_try_next(error: AllSourceError) -> str:
    """The "Try: …" line of the SSO dialog: the code field is cleared after a failure, and a code (or a link older
    than 10 minutes) can't be used twice, so the advice is to paste again or to get a new link, never "press Enter"."""
    code = getattr(error, "code", None) or 0
    if isinstance(error, UnexpectedResponse) and (code == 429 or 500 <= code < 600):
        return "Try: the portal is busy or down; in a minute, open the link again and paste the new code."
    if isinstance(error, PortalUnreachable):
        return "Try: check your network or proxy, then paste the code again and press Enter."
    if isinstance(error, LicenseRuleError):
        return "Try: sign out on another computer, then open the link again and paste the new code."
    return "Try: press Esc, then F3 for a new sign-in link, and paste the code it gives."


def short_date(epoch: float | None) -> str:
    if epoch is None or epoch < 0:
        return "no end date"
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


def until(epoch: float | None) -> str:
    """"until <date>", or "with no end date" (never "until no end date")."""
    date = short_date(epoch)
    return "with no end date" if date == "no end date" else f"until {date}"


def level_line(license_info: LicenseInfo | None) -> str:
    if license_info is None:
        return "License: not read yet (press r in Settings to read it)"
    if license_info.level is None:
        return "License: none — ask your administrator to assign you an ArcGIS AllSource license"
    return f"License: ArcGIS AllSource {license_info.level}"


def extensions_line(license_info: LicenseInfo | None) -> str:
    if license_info is None or license_info.level is None:
        return "Extensions: none"
    licensed = license_info.licensed_extensions
    if not license_info.entitlements_known:
        return f"Extensions: {', '.join(sorted(licensed)) or 'none'} known, the others unknown (not readable)"
    if not licensed:
        return "Extensions: none licensed"
    noun = "extension" if len(licensed) == 1 else "extensions"
    return f"Extensions: {len(licensed)} {noun} licensed ({', '.join(sorted(licensed))})"


def offline_line(status: Status) -> str:
    offline = status.offline
    if offline is None:
        return "Offline: not authorized — ArcGIS AllSource needs the licensing portal"
    return f"Offline: authorized on '{offline.alias}' for {offline.username}, {until(offline.expires_at)}"


def identity_line(status: Status) -> str:
    """The header of the start page: who is signed in, and to which portal."""
    name = status.full_name or status.username or "Not signed in"
    if status.signed_in:
        return f"{name} ({status.username}) · {status.active_portal}"
    if status.offline is not None:
        return f"{name} ({status.username}) · working offline, not signed in"
    return f"Not signed in · {status.active_portal}"


def license_summary(status: Status) -> list[str]:
    info = status.license
    lines = [level_line(info), extensions_line(info), offline_line(status)]
    if info is not None and info.user_type:
        lines.insert(1, f"User type: {info.user_type}")
    return lines + license_notes(info)


def license_notes(license_info: LicenseInfo | None) -> list[str]:
    """Lines to show under the license wherever it appears: disconnected, and entitlements that could not be read."""
    if license_info is None:
        return []
    notes = ["Disconnected: yes — the portal says this license is checked out for offline use"] \
        if license_info.disconnected else []
    return notes + ([license_info.entitlements_notice] if license_info.entitlements_notice else [])


def level_rows(license_info: LicenseInfo | None) -> list[tuple[str, str]]:
    levels = license_info.levels if license_info else {name: False for name in LEVELS}
    return [(name, yes_no(levels[name])) for name in LEVELS]


def extension_rows(license_info: LicenseInfo | None) -> list[tuple[str, str]]:
    if license_info is None:
        return []
    return [(name, {True: "Yes", False: "No", None: "Unknown"}[license_info.extension_state(name)])
            for name in license_info.extensions]


def portal_marks(connection: PortalConnection) -> str:
    marks = [ACTIVE_MARK if connection.active else "", KEY_MARK if connection.licensing else "",
             "signed in" if connection.signed_in else ""]
    return " · ".join(mark for mark in marks if mark) or "not active, not signed in"
