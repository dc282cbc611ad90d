"""Typed errors shared by every layer.

Each error carries the CLI exit code (README "Command line") and a one-sentence ``user_message`` that says what happened
and what to do. Messages never contain a token, a password or a URL with a query string (see tui/core/redact.py).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2
EXIT_SIGN_IN_REQUIRED = 3
EXIT_NO_LICENSE = 4
EXIT_UNREACHABLE = 5
EXIT_REFUSED = 6


class AllSourceError(Exception):
    """Base class: an expected failure with a sentence for the user."""

    exit_code: int = EXIT_UNEXPECTED

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def user_message(self) -> str:
        return self.message


# --- usage, configuration and local files -------------------------------------------------------------------------
class UsageError(AllSourceError):
    """Bad command line or invalid input (e.g. a bad portal URL)."""

    exit_code = EXIT_USAGE


class PortalUrlError(UsageError):
    """A licensing-portal URL broke one of the rules of docs/portal-protocol.md, "Licensing portal URLs"."""


class ConfigError(UsageError):
    """config.toml cannot be used; names the file, line and key."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None, key: str | None = None) -> None:
        super().__init__(message)
        self.path, self.line, self.key = path, line, key


class StateFileError(AllSourceError):
    """state.toml could not be read; it was moved aside (``quarantined_to``) and never overwritten."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *, path: str = "", line: int | None = None,
                 quarantined_to: str | None = None) -> None:
        super().__init__(message)
        self.path, self.line, self.quarantined_to = path, line, quarantined_to


class StateReadOnlyError(AllSourceError):
    """state.toml was written by a newer allsource-tui: it is left untouched and nothing is saved."""

    exit_code = EXIT_USAGE


class StateLockTimeout(AllSourceError):
    """Another allsource-tui held the state lock for too long."""

    exit_code = EXIT_UNEXPECTED


class StateWriteError(AllSourceError):
    """state.toml could not be saved (disk full, quota, permissions...); the previous file is left byte-identical."""

    exit_code = EXIT_UNEXPECTED

    def __init__(self, message: str, *, path: str = "", errno: int | None = None) -> None:
        super().__init__(message)
        self.path, self.errno = path, errno


class StateConflictError(StateWriteError):
    """state.toml changed under us although we held the lock (a lock that does nothing, e.g. NFS ``nolock``)."""


# --- session and license ----------------------------------------------------------------------------------------------
class NotSignedIn(AllSourceError):
    exit_code = EXIT_SIGN_IN_REQUIRED


class NoLicenseError(AllSourceError):
    """Signed in, but the user has no ArcGIS AllSource license."""

    exit_code = EXIT_NO_LICENSE


class LicenseRuleError(AllSourceError):
    """Refused by a licensing rule (offline disabled, too many computers, wrong computer or OS user...)."""

    exit_code = EXIT_REFUSED


# --- the portal -------------------------------------------------------------------------------------------------
class PortalError(AllSourceError):
    """An answer from (or a failure to reach) an ArcGIS portal.

    ``code`` is the ArcGIS error code (498, 499, 400...) or the HTTP status; ``message_code`` e.g. ``GWM_0003``.
    """

    exit_code = EXIT_UNEXPECTED

    def __init__(self, message: str, *, code: int | None = None, message_code: str | None = None,
                 details: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.code, self.message_code, self.details = code, message_code, tuple(details)


class PortalUnreachable(PortalError):
    """Connection refused, DNS failure, timeout, reset: the request got no answer."""

    exit_code = EXIT_UNREACHABLE


class PortalTLSError(PortalUnreachable):
    """The portal's certificate is not trusted (set ca_bundle or SSL_CERT_FILE)."""


class UnexpectedResponse(PortalError):
    """The portal answered, but not as an ArcGIS portal would (HTML, bad JSON, missing fields, 5xx)."""

    exit_code = EXIT_UNREACHABLE


class AuthError(PortalError):
    exit_code = EXIT_SIGN_IN_REQUIRED


class InvalidCredentials(AuthError):
    """Wrong username or password."""


class TokenExpired(AuthError):
    """498: invalid, expired or revoked token."""


class TokenRequired(AuthError):
    """499: the resource needs a token."""


class AccountLocked(PortalError):
    """The portal locked the account after too many invalid sign-in attempts; ``details`` hold its reason."""

    exit_code = EXIT_REFUSED


class Forbidden(PortalError):
    """403: signed in, but not allowed."""

    exit_code = EXIT_REFUSED


class NotFound(PortalError):
    """404 from the portal (no such user, item or operation)."""

    exit_code = EXIT_REFUSED


class PortalRefused(PortalError):
    """A licensing rule enforced by the portal (computer limit, offline held elsewhere, offline disabled...)."""

    exit_code = EXIT_REFUSED


class OfflineNotOffered(PortalRefused):
    """The portal does not implement allsource-tui's offline check-out/check-in operations.

    ``unreadable`` is True when that was concluded from an answer that was not an ArcGIS one (an HTML page, a
    truncated body): then what the request did at the portal is unknown, not refused.
    """

    unreadable: bool = False


def answered_refusal(error: BaseException) -> bool:
    """True when the portal read the request and said no in its own words (an ArcGIS error envelope): nothing was
    done. Anything else after a request was sent (reset, timeout, 5xx, HTML, truncated) leaves the outcome unknown."""
    return isinstance(error, PortalRefused) and not getattr(error, "unreadable", False)
