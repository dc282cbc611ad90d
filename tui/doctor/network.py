"""DNS and TCP checks: can this computer find the portal's host and open a connection (to it, or to the proxy)."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket

from tui.core.errors import EXIT_UNREACHABLE
from tui.doctor.model import Check
from tui.portal.http import ProxyChoice


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


async def check_dns(host: str, port: int, proxy: ProxyChoice, timeout: float) -> Check:
    if _is_ip(host):
        return Check("dns", True, f"{host} is an IP address; no lookup needed")
    try:
        infos = await asyncio.wait_for(asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM),
                                       timeout)
    except (TimeoutError, OSError) as error:
        reason = "the lookup timed out" if isinstance(error, asyncio.TimeoutError) else \
            (getattr(error, "strerror", None) or "not found")
        if proxy.url is not None:
            return Check("dns", True, f"{host} is not known here ({reason}); the proxy {proxy.shown} looks it up")
        return Check("dns", False, f"the host name {host} could not be found ({reason})",
                     fix="Check the portal URL for a typo (`allsource-tui portal show`), and that this computer is on "
                         "the right network or VPN to see that host.", exit_class=EXIT_UNREACHABLE)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    return Check("dns", True, f"{host} is {', '.join(addresses[:3])}")


async def check_tcp(host: str, port: int, proxy: ProxyChoice, timeout: float) -> Check:
    """A TCP connection to the portal, or to the proxy when one is in use (the proxy opens the rest)."""
    target_host, target_port = host.strip("[]"), port
    if proxy.url is not None:
        from httpx import URL

        parsed = URL(proxy.url)
        target_host, target_port = parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80)
    where = f"{target_host}:{target_port}" + (f" (the proxy {proxy.shown})" if proxy.url else "")
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(target_host, target_port), timeout)
    except (TimeoutError, OSError) as error:
        reason = "no answer within the connect timeout" if isinstance(error, asyncio.TimeoutError) else \
            _socket_reason(error)
        fix = ("Check [network] proxy in config.toml (or HTTPS_PROXY) and that the proxy is running." if proxy.url
               else "Check that the portal is running and the port in its URL is right; a firewall may block it.")
        return Check("tcp", False, f"could not connect to {where}: {reason}", fix=fix, exit_class=EXIT_UNREACHABLE)
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return Check("tcp", True, f"connected to {where}")


def _socket_reason(error: OSError) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "connection refused (nothing listens on that port)"
    return (error.strerror or str(error) or type(error).__name__).lower()
