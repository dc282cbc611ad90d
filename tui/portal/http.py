"""The one httpx.AsyncClient of the app (docs/reliability.md, N-1..N-4, X-5) and the retry policy of portal calls.

TLS: verification is on unless ``verify_tls=False`` is set explicitly. Trust = OpenSSL's default paths (which honour
``SSL_CERT_FILE``/``SSL_CERT_DIR``) + certifi + ``ca_bundle``. httpx reads those variables only when it builds its own
context, so because we pass our own we load them again explicitly (also covers Python builds whose
``load_default_certs`` skips them). Redirects are never followed, so an auth header can't reach another host.
"""

from __future__ import annotations

import email.utils
import os
import random
import ssl
import sys
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import certifi
import httpx

from tui import __version__
from tui.core.errors import ConfigError
from tui.core.settings import NetworkSettings

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
BACKOFF_CAP_SECONDS = 8.0
RETRY_BUDGET_SECONDS = 30.0

# Raised before a single byte of the request left this computer: safe to retry for any method.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError)
# The request may have reached the portal: retried only for idempotent calls.
_MAYBE_SENT = (httpx.ReadTimeout, httpx.WriteTimeout, httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)


def build_http_client(network: NetworkSettings, *,
                      transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    """The shared AsyncClient: explicit timeouts, verified TLS, proxies from the environment or the config."""
    timeout = httpx.Timeout(connect=network.connect_timeout, read=network.read_timeout,
                            write=network.write_timeout, pool=network.pool_timeout)
    options: dict = {"timeout": timeout, "follow_redirects": False,
                     "headers": {"User-Agent": f"allsource-tui/{__version__}"}}
    if transport is not None:
        # An injected transport (tests, an in-process portal) gets every request and brings its own TLS settings:
        # httpx ignores ``verify`` and proxies then, so don't spend ~0.1 s parsing CA bundles for nothing.
        return httpx.AsyncClient(transport=transport, trust_env=False, **options)
    verify: ssl.SSLContext | bool = build_ssl_context(network) if network.verify_tls else False
    return httpx.AsyncClient(verify=verify, trust_env=True, proxy=network.proxy or None, **options)


def build_ssl_context(network: NetworkSettings) -> ssl.SSLContext:
    """A verifying context trusting ``[network] trust`` (the OS store, certifi or both), SSL_CERT_FILE/SSL_CERT_DIR
    and ``ca_bundle``.

    "certifi" alone is OpenSSL with only the Mozilla list. For the OS store see ``os_store_context``.
    """
    if network.trust == "certifi":
        context = ssl.create_default_context(cafile=certifi.where())
    else:
        context = os_store_context()
        if network.trust == "both":
            context.load_verify_locations(cafile=certifi.where())
    for variable in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        if value := os.environ.get(variable):
            _load_trust(context, Path(value), f"The environment variable {variable}")
    if network.ca_bundle is not None:
        _load_trust(context, Path(network.ca_bundle).expanduser(), "ca_bundle in config.toml")
    return context


def os_store_context() -> ssl.SSLContext:
    """A verifying context on the operating system's trust store.

    macOS and Windows keep it outside OpenSSL (Keychain, the Windows certificate store: where IT installs an internal
    CA), so truststore hands verification to the platform there. Elsewhere the OS store *is* OpenSSL's default paths
    (/etc/ssl/certs…), which ``create_default_context`` loads once — truststore would reload them on every connection.
    """
    if sys.platform in ("darwin", "win32"):
        import truststore

        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return ssl.create_default_context()


def _load_trust(context: ssl.SSLContext, path: Path, origin: str) -> None:
    try:
        if path.is_dir():
            context.load_verify_locations(capath=str(path))
        else:
            context.load_verify_locations(cafile=str(path))
    except (OSError, ssl.SSLError):
        raise ConfigError(f"{origin} names {path}, which is not a readable PEM certificate file or directory; "
                          "fix or remove it.", path=str(path)) from None


@dataclass(frozen=True)
class ProxyChoice:
    """The proxy httpx will use for a URL: ``url`` (None = direct) and where it came from."""

    url: str | None
    origin: str  # "[network] proxy", "HTTPS_PROXY", "ALL_PROXY", or why there is none

    @property
    def shown(self) -> str:
        """The proxy URL without user name or password."""
        if self.url is None:
            return "none"
        parts = httpx.URL(self.url)
        return f"{parts.scheme}://{parts.host}" + (f":{parts.port}" if parts.port else "")


def proxy_for(url: str, network: NetworkSettings) -> ProxyChoice:
    """What build_http_client's client does for ``url``: ``[network] proxy`` wins, else HTTPS_PROXY / ALL_PROXY
    unless NO_PROXY names the host (httpx ``trust_env``)."""
    if network.proxy:
        return ProxyChoice(network.proxy, "[network] proxy")
    host = httpx.URL(url).host
    found = urllib.request.getproxies_environment()
    if urllib.request.proxy_bypass_environment(host, found):  # type: ignore[attr-defined] # (not in typeshed)
        return ProxyChoice(None, "NO_PROXY names the host")
    for key, origin in (("https", "HTTPS_PROXY"), ("all", "ALL_PROXY")):
        if found.get(key):
            return ProxyChoice(found[key], origin)
    return ProxyChoice(None, "no proxy is set")


# --- retries ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RetryPolicy:
    """N-4: bounded retries with exponential backoff and full jitter; Retry-After honoured up to the cap."""

    max_retries: int = 3
    backoff_base: float = 0.5
    cap: float = BACKOFF_CAP_SECONDS
    budget: float = RETRY_BUDGET_SECONDS
    jitter: Callable[[float, float], float] = random.uniform

    def should_retry_exception(self, error: Exception, *, attempt: int, idempotent: bool) -> bool:
        if attempt >= self.max_retries or is_tls_verification_error(error):
            return False
        return isinstance(error, _NOT_SENT) or (idempotent and isinstance(error, _MAYBE_SENT))

    def should_retry_status(self, status: int, *, attempt: int, idempotent: bool) -> bool:
        return idempotent and attempt < self.max_retries and status in RETRY_STATUSES

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``attempt + 1``."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.cap)
        return self.jitter(0.0, min(self.cap, self.backoff_base * (2 ** attempt)))


def retry_after_seconds(response: httpx.Response, now: float) -> float | None:
    """The Retry-After header as seconds from ``now`` (it may be a number or an HTTP date); None if absent/bad."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(when.timestamp() - now, 0.0)


def server_date(response: httpx.Response) -> float | None:
    """The response's Date header as epoch seconds, or None when missing or unreadable."""
    value = response.headers.get("Date")
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when.timestamp() if when is not None and when.tzinfo is not None else None


def is_tls_verification_error(error: BaseException) -> bool:
    """True if the certificate check failed somewhere in the exception chain."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def tls_verification_reason(error: BaseException) -> str:
    """OpenSSL's short reason (e.g. "self-signed certificate in certificate chain"), without any URL."""
    current: BaseException | None = error
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError) and current.verify_message:
            return str(current.verify_message).rstrip(".")
        current = current.__cause__ or current.__context__
    return "certificate verify failed"
