"""Licensing-portal URL rules (docs/portal-protocol.md, "Licensing portal URLs"), once, below the UI.

``normalize_portal_url`` is the only gate: the CLI, the TUI dialog and config.toml all go through it, and what it
returns is what is shown and stored. Every refusal is a ``PortalUrlError`` with one sentence saying why and what to do.
Error sentences never repeat the URL as typed (it may hold a password or a token); at most they show the host.

Decisions beyond the contract:
- No scheme ("www.arcgis.com") is refused, not guessed: the user sees "start it with https://".
- ``:443`` is dropped (it is https's default); every other port is kept. An empty port (``host:``) is dropped too.
- Internationalised host names are accepted and stored in their ASCII ``xn--`` form (IDNA 2008 with UTS #46 mapping,
  as httpx encodes them), so a look-alike Unicode host is visible as such and the stored URL is plain ASCII.
- Path: repeated ``/`` collapse; ``.``/``..`` segments are refused; escapes of unreserved characters are decoded and
  other escapes upper-cased; everything from a ``sharing`` segment on (the REST API) is cut, and a trailing ``home``
  (optionally followed by one ``*.html`` page, e.g. ``/home/index.html``) is cut.
- An ArcGIS Online URL (arcgis.com or *.arcgis.com) keeps no path: ``https://www.arcgis.com/portal`` is refused.
"""

import ipaddress
import re
from typing import NamedTuple

from tui.core.errors import PortalUrlError
from tui.core.settings import PortalKind

EXAMPLE_ONLINE = "https://www.arcgis.com"
EXAMPLE_ENTERPRISE = "https://gis.example.com/portal"
MAX_URL_LENGTH = 2048
_DEFAULT_HTTPS_PORT = 443
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):(.*)", re.DOTALL)
_HOST_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_\-]{0,61}[a-z0-9_])?")
_SEGMENT = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


class _PortalUrl(NamedTuple):
    """A portal URL split into the parts the rules check."""

    host: str  # lower-case name, dotted IPv4, or IPv6 without brackets
    port: int | None
    path: str  # "" or "/seg/seg", already normalised
    loopback: bool

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = f":{self.port}" if self.port is not None else ""
        return f"https://{host}{port}{self.path}"

    @property
    def netloc(self) -> str:
        return str(self).removeprefix("https://").removesuffix(self.path)

    @property
    def is_arcgis_online(self) -> bool:
        return self.host == "arcgis.com" or self.host.endswith(".arcgis.com")


def _refuse(sentence: str) -> PortalUrlError:
    return PortalUrlError(sentence)


# --- the public API ---------------------------------------------------------------------------------------------------
def normalize_portal_url(url: str, kind: PortalKind) -> str:
    """Return the normalised licensing-portal URL, or raise PortalUrlError with one sentence."""
    parsed = _parse(url, EXAMPLE_ENTERPRISE if kind == "enterprise" else EXAMPLE_ONLINE)
    _check_kind(parsed, kind)
    return str(parsed)


def sharing_root(portal_url: str) -> str:
    """The REST root of a normalised portal URL: ``<url>/sharing/rest``."""
    return portal_url.rstrip("/") + "/sharing/rest"


def guess_kind(url: str) -> PortalKind | None:
    """The kind under which ``url`` is valid, or None when it fits neither (or is malformed).

    arcgis.com hosts are Online; a URL with a web-adaptor path is Enterprise; a loopback URL without a path is
    Online (the demo portal's Online-style org), with a path Enterprise (its ``/portal``).
    """
    try:
        parsed = _parse(url)
    except PortalUrlError:
        return None
    if parsed.is_arcgis_online:
        return "online" if not parsed.path else None
    if parsed.path:
        return "enterprise" if not parsed.host.startswith("www.") else None
    return "online" if parsed.loopback else None


def validate_portal_url_as_you_type(text: str, kind: PortalKind) -> str | None:
    """The error sentence to show under the URL field, or None.

    Nothing is reported while the field is empty or still a prefix of ``https://`` (the user is typing it).
    """
    stripped = text.strip()
    if not stripped or "https://".startswith(stripped.lower()):
        return None
    try:
        normalize_portal_url(stripped, kind)
    except PortalUrlError as error:
        return error.user_message
    return None


# --- parsing ----------------------------------------------------------------------------------------------------------
def _parse(url: str, example: str = EXAMPLE_ONLINE) -> _PortalUrl:
    """``example`` is a URL of the kind the user chose: an Enterprise one is never told "www.arcgis.com"."""
    text = url.strip() if isinstance(url, str) else ""
    if not text:
        raise _refuse(f"Enter the portal URL, for example {example}.")
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        raise _refuse("The portal URL must not contain spaces or control characters; remove them.")
    if len(text) > MAX_URL_LENGTH:
        raise _refuse("The portal URL is too long; enter just https://host[:port][/webadaptor].")
    if "\\" in text:
        raise _refuse("The portal URL must use / rather than \\ between its parts.")
    rest = _strip_scheme(text, example)
    end = _first_index(rest, "/?#")
    authority, tail = rest[:end], rest[end:]
    if "@" in authority:
        raise _refuse("The portal URL must not contain a user name or password (user:password@); "
                      "remove that part and enter your credentials in the sign-in fields.")
    path_end = _first_index(tail, "?#")
    if path_end < len(tail):
        what = "a query (?…)" if tail[path_end] == "?" else "a fragment (#…)"
        raise _refuse(f"The portal URL must not contain {what}; "
                      f"remove everything from the {tail[path_end]} on.")
    host, port, loopback = _parse_authority(authority)
    return _PortalUrl(host=host, port=port, path=_normalize_path(tail), loopback=loopback)


def _first_index(text: str, stops: str) -> int:
    hits = [i for i in (text.find(c) for c in stops) if i >= 0]
    return min(hits, default=len(text))


def _strip_scheme(text: str, example: str) -> str:
    match = _SCHEME.fullmatch(text)
    # "localhost:8443/portal" is a host and a port, not a scheme called "localhost"
    if match is None or match.group(2)[:1].isdigit():
        raise _refuse(f"The portal URL must start with https://, for example {example}.")
    scheme, rest = match.group(1).lower(), match.group(2)
    if scheme != "https":
        shown = f'"{scheme}"' if len(scheme) <= 20 else "another scheme"
        raise _refuse(f"The portal URL must use https, not {shown}: use https:// at the start.")
    if not rest.startswith("//"):
        raise _refuse("The portal URL is malformed: write it as https://host[:port][/path].")
    return rest[2:]


def _parse_authority(authority: str) -> tuple[str, int | None, bool]:
    if authority.startswith("["):
        close = authority.find("]")
        raw_host, port_text = authority[1:close], authority[close + 1:]
        if close < 0 or (port_text and not port_text.startswith(":")):
            raise _bad_host()
        host = _ipv6(raw_host)
    else:
        raw_host, _, port_text = authority.partition(":")
        if ":" in port_text:
            raise _refuse("Put an IPv6 address in brackets in the portal URL, e.g. https://[::1]:8443.")
        host = _host_name(raw_host)
        port_text = ":" + port_text
    return host, _port(port_text.removeprefix(":")), _is_loopback(host)


def _bad_host() -> PortalUrlError:
    return _refuse("The host name in the portal URL is not valid; "
                   "use a name like portal.example.com or an IP address.")


def _ipv6(text: str) -> str:
    if "%" in text:  # a zone id (fe80::1%eth0) only means something on this computer
        raise _bad_host()
    try:
        return ipaddress.IPv6Address(text).compressed
    except ValueError:
        raise _bad_host() from None


def _host_name(raw: str) -> str:
    if not raw:
        raise _refuse("The portal URL has no host name: write it as https://host[:port][/path].")
    host = raw
    if not host.isascii():
        import idna

        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except (UnicodeError, ValueError):
            raise _refuse("The host name in the portal URL is not a valid internationalised name; "
                          "enter its xn-- form or check the spelling.") from None
    host = host.lower().removesuffix(".")
    labels = host.split(".")
    if len(host) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise _bad_host()
    if labels[-1].isdigit():  # looks like an IPv4 address, so it must be one (no 127.1, no 0x7f.0.0.1)
        try:
            return str(ipaddress.IPv4Address(host))
        except ValueError:
            raise _bad_host() from None
    return host


def _port(text: str) -> int | None:
    if not text:
        return None
    if len(text) > 5 or not text.isascii() or not text.isdigit() or not 0 < int(text) <= 65535:
        raise _refuse("The port in the portal URL must be a number from 1 to 65535.")
    port = int(text)
    return None if port == _DEFAULT_HTTPS_PORT else port


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _normalize_path(raw: str) -> str:
    segments = [_normalize_segment(s) for s in raw.split("/") if s]
    lowered = [s.lower() for s in segments]
    if "sharing" in lowered:  # /sharing, /sharing/rest, /sharing/rest/portals/self: the API, not the portal
        segments = segments[:lowered.index("sharing")]
    while segments:
        if segments[-1].lower() == "home":
            segments.pop()
        elif len(segments) >= 2 and segments[-2].lower() == "home" and segments[-1].lower().endswith(".html"):
            del segments[-2:]
        else:
            break
    return "".join("/" + s for s in segments)


def _normalize_segment(segment: str) -> str:
    if not _SEGMENT.fullmatch(segment):
        raise _refuse("The path of the portal URL contains a character that is not allowed; "
                      "the web adaptor name uses letters, digits, - . _ and ~.")
    decoded = _ESCAPE.sub(_decode_unreserved, segment)
    if decoded in (".", ".."):
        raise _refuse("The path of the portal URL must not contain . or .. segments; "
                      "write the web adaptor path plainly, e.g. /portal.")
    return decoded


def _decode_unreserved(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else "%" + match.group(1).upper()


# --- the rules of each kind -------------------------------------------------------------------------------------------
def _check_kind(url: _PortalUrl, kind: PortalKind) -> None:
    if kind == "online":
        _check_online(url)
    elif kind == "enterprise":
        _check_enterprise(url)
    else:
        raise _refuse('The licensing portal kind must be "online" (ArcGIS Online) or "enterprise" (ArcGIS Enterprise).')


def _check_online(url: _PortalUrl) -> None:
    if url.loopback:
        return
    if not url.is_arcgis_online:
        raise _refuse("An ArcGIS Online URL must be https://www.arcgis.com or your organization's "
                      "https://<urlKey>.maps.arcgis.com; for any other host choose ArcGIS Enterprise.")
    if url.path:
        raise _refuse(f"An ArcGIS Online URL has no path after the host: use https://{url.netloc}.")


def _check_enterprise(url: _PortalUrl) -> None:
    if url.host.startswith("www.") and url.is_arcgis_online:
        raise _refuse('Do not include "www." in an ArcGIS Enterprise URL; '
                      f"https://{url.netloc} is ArcGIS Online, so choose ArcGIS Online instead.")
    if url.host.startswith("www."):
        suggestion = _PortalUrl(url.host.removeprefix("www."), url.port, url.path or "/portal", False)
        raise _refuse(f'Do not include "www." in an ArcGIS Enterprise URL: use {suggestion}.')
    if not url.path:
        raise _refuse("An ArcGIS Enterprise URL must include the web adaptor name, "
                      f"e.g. https://{url.netloc}/portal.")
