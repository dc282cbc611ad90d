"""Which actions are possible now, and why not: every such licensing rule, once, computed from ``Status`` alone.

The CLI refuses with ``Availability.reason`` on stderr and exits with ``Availability.exit_code``; the TUI enables its
controls and shows its footer keys from ``allowed`` and puts ``reason`` on the status line. The service raises the
same answer (``refuse_unless``) before it acts, so no front end can skip a rule. Exit codes are those of
docs/architecture.md ("Exit codes"): 2 bad usage, 3 sign-in required, 4 no license, 6 refused by a licensing rule;
0 for a request that is already satisfied (signing out while signed out).
"""

from enum import Enum
from typing import NamedTuple

from tui.core.errors import (
    EXIT_NO_LICENSE,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_SIGN_IN_REQUIRED,
    EXIT_USAGE,
    AllSourceError,
    LicenseRuleError,
    NoLicenseError,
    NotSignedIn,
    UsageError,
)
from tui.service.license_model import NO_LICENSE_ADVICE
from tui.service.status import Status


class Action(Enum):
    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"
    REFRESH_LICENSE = "refresh_license"
    EDIT_ALIAS = "edit_alias"
    AUTHORIZE_OFFLINE = "authorize_offline"
    CHECK_IN = "check_in"
    CHANGE_LICENSING_PORTAL = "change_licensing_portal"
    ADD_PORTAL = "add_portal"
    ACTIVATE_PORTAL = "activate_portal"
    REMOVE_PORTAL = "remove_portal"
    OPEN_SETTINGS = "open_settings"


class Availability(NamedTuple):
    allowed: bool
    reason: str = ""        # one sentence saying what to do; empty when allowed
    exit_code: int = EXIT_OK

    @property
    def needs_sign_in(self) -> bool:
        """Refused only for want of a session: a front end may lead the user to sign in and go on."""
        return not self.allowed and self.exit_code == EXIT_SIGN_IN_REQUIRED

    def error(self) -> AllSourceError:
        kinds: dict[int, type[AllSourceError]] = {EXIT_USAGE: UsageError, EXIT_SIGN_IN_REQUIRED: NotSignedIn,
                                                  EXIT_NO_LICENSE: NoLicenseError, EXIT_REFUSED: LicenseRuleError}
        return kinds.get(self.exit_code, UsageError)(self.reason)


ALLOWED = Availability(True)


def refused(reason: str, exit_code: int) -> Availability:
    return Availability(False, reason, exit_code)


def refuse_unless(status: Status, action: Action, portal_url: str | None = None) -> None:
    """Raise the refusal's error (its sentence and exit code) unless ``action`` is possible now."""
    answer = availability(status, action, portal_url)
    if not answer.allowed and answer.exit_code != EXIT_OK:
        raise answer.error()


def availability(status: Status, action: Action, portal_url: str | None = None) -> Availability:
    """Whether ``action`` is possible in ``status``; ``portal_url`` names the connection for the portal actions."""
    rules = {
        Action.SIGN_IN: _sign_in, Action.SIGN_OUT: _sign_out, Action.REFRESH_LICENSE: _refresh_license,
        Action.AUTHORIZE_OFFLINE: _authorize_offline, Action.CHECK_IN: _check_in,
        Action.CHANGE_LICENSING_PORTAL: _change_licensing_portal, Action.OPEN_SETTINGS: _open_settings,
    }
    if action in (Action.ACTIVATE_PORTAL, Action.REMOVE_PORTAL):
        return _portal_connection(status, action, portal_url or "")
    rule = rules.get(action)
    return rule(status) if rule is not None else ALLOWED  # EDIT_ALIAS, ADD_PORTAL: always (input rules aside)


def sign_in_required(status: Status) -> Availability:
    session = status.session
    if session is not None and not status.signed_in:
        return refused(f"Your session on {session.portal_url} has expired; sign in again.", EXIT_SIGN_IN_REQUIRED)
    return refused("You are not signed in; run `allsource-tui sign-in` (or sign in from the app) first.",
                   EXIT_SIGN_IN_REQUIRED)


def _sign_in(status: Status) -> Availability:
    if status.signed_in and status.session is not None:
        return refused(f"You are already signed in to {status.session.portal_url} as {status.session.username}; "
                       "sign out first to sign in again.", EXIT_USAGE)
    return ALLOWED


def _sign_out(status: Status) -> Availability:
    if status.session is None:
        return refused("You are not signed in; there is nothing to sign out of.", EXIT_OK)
    return ALLOWED


def _refresh_license(status: Status) -> Availability:
    if status.signed_in:
        return ALLOWED
    if status.offline is not None and status.session is None:
        return refused("Working offline: sign in to read the license from the licensing portal.",
                       EXIT_SIGN_IN_REQUIRED)
    return sign_in_required(status)


def _authorize_offline(status: Status) -> Availability:
    if status.offline is not None:
        return refused("ArcGIS AllSource is already authorized to work offline on this computer.", EXIT_REFUSED)
    if not status.signed_in:
        return sign_in_required(status)
    if status.checkout_interrupted:
        return ALLOWED  # the service first asks the portal what became of the interrupted check-out
    license_info = status.license
    if license_info is None or license_info.level is None or not license_info.listing_id:
        return refused(NO_LICENSE_ADVICE, EXIT_NO_LICENSE)
    return ALLOWED


def _check_in(status: Status) -> Availability:
    """Check-in needs this computer, this OS user, the device credential and a session on the license's portal.

    The active portal plays no part: the license goes back to the portal that issued it.
    """
    offline = status.offline
    if offline is None:
        if status.offline_elsewhere is not None:
            return refused(f"This license was authorized to work offline on another computer "
                           f"('{status.offline_elsewhere.alias}'); check it in from that computer.", EXIT_REFUSED)
        return refused("ArcGIS AllSource is not authorized to work offline on this computer; there is nothing to "
                       "check in.", EXIT_REFUSED)
    if status.os_user and offline.os_user != status.os_user:
        return refused("This offline license was authorized by another user account on this computer; sign in to "
                       "the operating system as that user to check it in.", EXIT_REFUSED)
    if offline.device_credential is None:
        return refused("The credential needed to check in this license is lost; ask your organization "
                       "administrator to release your offline license.", EXIT_REFUSED)
    if not status.signed_in_to(offline.portal_url):
        return refused(f"Sign in to your licensing portal {offline.portal_url} as {offline.username} to check in "
                       "the license.", EXIT_SIGN_IN_REQUIRED)
    return ALLOWED


def _change_licensing_portal(status: Status) -> Availability:
    if status.offline is not None:
        return refused("Your license is authorized to work offline; check the license in first, then change the "
                       "licensing portal.", EXIT_REFUSED)
    return ALLOWED


def _open_settings(status: Status) -> Availability:
    if not status.can_start_without_sign_in:
        return refused("Sign in first; Settings show your license.", EXIT_SIGN_IN_REQUIRED)
    return ALLOWED


def _portal_connection(status: Status, action: Action, portal_url: str) -> Availability:
    wanted = portal_url.strip().rstrip("/").lower()
    known = next((c for c in status.connections if c.url.lower() == wanted), None)
    if known is None:
        return refused(f"{portal_url.strip()} is not one of your portal connections; see `allsource-tui portals "
                       "list`.", EXIT_USAGE)
    if action is Action.REMOVE_PORTAL and known.licensing:
        return refused("The licensing portal can't be removed; change the licensing portal first.", EXIT_USAGE)
    return ALLOWED
