"""The checks that talk to the portal: TLS, the proxy, the clock (Date header), rest/info + portals/self, the token.

The first request (rest/info) is sent with the app's own HTTP client (same trust, proxy and timeouts as sign-in), so
what fails here is what fails at sign-in; it is not retried, to answer quickly.
"""

from __future__ import annotations

import httpx

from tui.core.clock import Clock
from tui.core.errors import EXIT_REFUSED, EXIT_UNREACHABLE, EXIT_USAGE, PortalError, TokenExpired, TokenRequired
from tui.core.models import LicensingPortal, Session
from tui.core.settings import Settings
from tui.doctor.certificates import explain_tls_failure, peer_certificate, verification_error
from tui.doctor.model import Check, skipped
from tui.portal import PortalClient
from tui.portal.envelope import parse_answer, portal_text, short_reason
from tui.portal.http import ProxyChoice, server_date

MAX_SKEW_SECONDS = 300.0


async def remote_checks(portal: LicensingPortal, settings: Settings, session: Session | None, proxy: ProxyChoice,
                        http: httpx.AsyncClient, clock: Clock, referer: str) -> list[Check]:
    """tls, proxy, clock, portal and token, in that order."""
    client = PortalClient(portal.url, http, referer=referer, clock=clock, max_retries=0)
    try:
        response = await http.get(f"{client.root}/info", params={"f": "json"},
                                  headers={"Referer": client.referer, "Accept": "application/json"})
    except httpx.HTTPError as error:
        return await _unreachable(error, client, settings, proxy, clock)
    tls = Check("tls", True, f"the certificate of {client.host} is trusted and names it"
                if settings.network.verify_tls else "NOT verified: [network] verify_tls = false in config.toml")
    checks = [tls, _proxy_ok(proxy), _clock(response, clock)]
    portal_check = await _portal(client, response, portal)
    checks.append(portal_check)
    checks.append(await _token(client, session, portal) if portal_check.ok else
                  skipped("token", "the portal check failed"))
    return checks


async def _unreachable(error: httpx.HTTPError, client: PortalClient, settings: Settings, proxy: ProxyChoice,
                       clock: Clock) -> list[Check]:
    later = [skipped(name, "the portal could not be reached") for name in ("clock", "portal", "token")]
    if isinstance(error, httpx.ProxyError):
        proxy_check = Check("proxy", False, f"the proxy {proxy.shown} ({proxy.origin}) refused to connect to "
                            f"{client.host}: {error}", fix="Check [network] proxy (or HTTPS_PROXY) and ask who runs "
                            "the proxy to allow the portal; add the host to NO_PROXY if it must be reached directly.",
                            exit_class=EXIT_UNREACHABLE)
        return [skipped("tls", "the proxy refused the connection"), proxy_check, *later]
    if verification_error(error) is not None:
        url = httpx.URL(client.portal_url)
        cert = None if proxy.url else await peer_certificate(url.host, url.port or 443,
                                                              settings.network.connect_timeout)
        detail, fix = explain_tls_failure(error, url.host, cert, settings.network, clock.now())
        return [Check("tls", False, detail, fix=fix, exit_class=EXIT_UNREACHABLE), _proxy_ok(proxy), *later]
    return [Check("tls", False, f"no secure (TLS) connection to {client.host}: {short_reason(error)}",
                  fix="Check that the portal URL starts with https:// and its port serves HTTPS; see the tcp check.",
                  exit_class=EXIT_UNREACHABLE), _proxy_ok(proxy), *later]


def _proxy_ok(proxy: ProxyChoice) -> Check:
    if proxy.url is None:
        return Check("proxy", True, f"none: a direct connection ({proxy.origin})")
    return Check("proxy", True, f"{proxy.shown} from {proxy.origin} carried the connection")


def _clock(response: httpx.Response, clock: Clock) -> Check:
    portal_time = server_date(response)
    if portal_time is None:
        return Check("clock", True, "the portal sent no Date header; nothing to compare")
    skew = clock.now() - portal_time
    side = "ahead of" if skew > 0 else "behind"
    said = f"this computer's clock is {_duration(abs(skew))} {side} the portal's"
    if abs(skew) <= MAX_SKEW_SECONDS:
        return Check("clock", True, said if abs(skew) >= 1 else "this computer's clock agrees with the portal's")
    return Check("clock", False, said + " (more than 5 minutes: tokens look expired or not yet valid)",
                 fix="Set this computer's clock right (turn on automatic time / NTP); if it is right, tell the "
                     "portal's administrator that the portal's clock is wrong.", exit_class=EXIT_UNREACHABLE)


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


async def _portal(client: PortalClient, response: httpx.Response, portal: LicensingPortal) -> Check:
    try:
        parse_answer(response, client.host)
        about = await client.portal_self()
    except PortalError as error:
        exit_class = EXIT_UNREACHABLE if error.exit_code == EXIT_UNREACHABLE else EXIT_REFUSED
        return Check("portal", False, error.user_message, fix="Check the licensing portal URL (`allsource-tui portal "
                     "show`): it must be the portal's own address, e.g. https://gis.example.com/portal.",
                     exit_class=exit_class)
    kind = "ArcGIS Enterprise" if about.is_portal else "ArcGIS Online"
    name = portal_text(about.name or about.portal_name) or client.host  # the organization, else the portal
    version = portal_text(about.raw.get("currentVersion")) or "unknown"
    detail = f"rest/info and portals/self answer: {kind} '{name}', API version {version}"
    if (portal.kind == "enterprise") != about.is_portal:
        return Check("portal", False, f"{detail}, but allsource-tui treats it as {portal.kind_label}",
                     fix=f"Run `allsource-tui portal set {'enterprise' if about.is_portal else 'online'} "
                         f"{portal.url}`.", exit_class=EXIT_USAGE)
    return Check("portal", True, detail)


async def _token(client: PortalClient, session: Session | None, portal: LicensingPortal) -> Check:
    if session is None or session.portal_url != portal.url:
        return Check("token", True, "not signed in to this portal; nothing to check")
    if session.access_token is None:
        return skipped("token", "the session's token is in the system keyring, which did not answer")
    try:
        user = await client.community_self(session.access_token)
    except (TokenExpired, TokenRequired) as error:
        return Check("token", False, f"the portal does not accept your session's token ({error.user_message})",
                     fix="Sign in again: `allsource-tui sign-in`.", exit_class=EXIT_REFUSED)
    except PortalError as error:
        exit_class = EXIT_UNREACHABLE if error.exit_code == EXIT_UNREACHABLE else EXIT_REFUSED
        return Check("token", False, error.user_message, fix="Sign in again: `allsource-tui sign-in`.",
                     exit_class=exit_class)
    return Check("token", True, f"the session's token is accepted (signed in as {portal_text(user.username)})")
