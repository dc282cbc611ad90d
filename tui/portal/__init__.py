"""Async httpx client of the ArcGIS portal REST API (see tui/portal/client.py for the endpoints)."""

from tui.portal import _httpx_cli_blocked  # noqa: F401  (first: before any import of httpx)
from tui.portal.base import Answer
from tui.portal.client import PortalClient
from tui.portal.envelope import INVALID_CREDENTIALS_MESSAGE
from tui.portal.http import RetryPolicy, build_http_client, build_ssl_context
from tui.portal.models import (
                               AppAccess,
                               LicensedApp,
                               Listing,
                               OAuthGrant,
                               PortalSelf,
                               Purchase,
                               TokenGrant,
                               User,
                               UserEntitlements,
                               UserLicenses,
                               UserLicenseType,
)
from tui.portal.oauth import OOB_REDIRECT_URI, PkcePair, authorize_url, clean_authorization_code, new_state
from tui.portal.offline_ops import NOT_OFFERED_MESSAGE, CheckOut

__all__ = [
    "INVALID_CREDENTIALS_MESSAGE", "NOT_OFFERED_MESSAGE", "OOB_REDIRECT_URI", "Answer", "AppAccess", "CheckOut",
    "LicensedApp", "Listing", "OAuthGrant", "PkcePair", "PortalClient", "PortalSelf", "Purchase", "RetryPolicy",
    "TokenGrant", "User", "UserEntitlements", "UserLicenseType", "UserLicenses", "authorize_url",
    "build_http_client", "build_ssl_context", "clean_authorization_code", "new_state",
]
