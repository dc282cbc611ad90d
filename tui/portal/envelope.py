"""Turn portal answers and httpx failures into tui.core.errors types (docs/portal-protocol.md, "Errors";
docs/reliability.md, N-5, X-2).

Rules: the body decides, whatever the HTTP status or content-type (ArcGIS Online labels JSON text/plain and answers
errors with HTTP 200). Every message is one plain sentence holding no token, no query string and no raw httpx text;
the ArcGIS ``code``/``messageCode``/``details`` stay on the error object.
"""

from __future__ import annotations

import json
import re
from typing import TypedDict

import httpx

from tui.core.errors import (
    AccountLocked,
    Forbidden,
    InvalidCredentials,
    NotFound,
    PortalError,
    PortalRefused,
    PortalTLSError,
    PortalUnreachable,
    TokenExpired,
    TokenRequired,
    UnexpectedResponse,
)
from tui.core.redact import redact
from tui.core.text import clean, clean_tree
from tui.portal.http import is_tls_verification_error, tls_verification_reason

PROJECT_CODE_PREFIX = "ASTUI_"
INVALID_CREDENTIALS_MESSAGE = "Invalid username or password."
_NOT_FOUND_CODES = frozenset({"CONT_0001"})
_MAX_PORTAL_TEXT = 200
_URL = re.compile(r"(?i)\b[a-z][a-z0-9+.\-]*://\S+")


def portal_text(text: object) -> str:
    """A portal-supplied string made safe for a message: one line, redacted, no URLs, bounded length."""
    line = " ".join(clean(str(text or "")).split())
    line = _URL.sub(lambda m: m.group(0).split("?", 1)[0], line)
    line = redact(line)
    return line if len(line) <= _MAX_PORTAL_TEXT else line[: _MAX_PORTAL_TEXT - 1] + "…"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


# --- answers ------------------------------------------------------------------------------------------------------
def parse_answer(response: httpx.Response, host: str) -> dict:
    """The JSON object of a portal answer, or the typed error it carries.

    Every string of the answer is cleaned here (tui/core/text.py), so no terminal control sent by a portal travels
    further. Any top-level ``error`` member means an error, whatever its type: ArcGIS sends an object, OAuth a
    string, and a body that merely holds ``"error": 5`` or a list is no success either.
    """
    if 300 <= response.status_code < 400:
        raise UnexpectedResponse(f"{host} answered with a redirect (HTTP {response.status_code}) instead of an "
                                 "ArcGIS answer; check the portal URL.", code=response.status_code)
    body = clean_tree(_json_object(response, host))
    if isinstance(body.get("error"), dict):
        raise error_from_envelope(body["error"], host)
    if body.get("error") is not None:
        raise error_from_envelope(_error_member(body), host)
    if isinstance(body.get("status"), str) and body["status"].lower() in ("error", "failed"):
        raise error_from_status_envelope(body, host)
    if response.status_code >= 400:
        raise error_from_http_status(response.status_code, host)
    return body


def _error_member(body: dict) -> dict:
    """A non-object ``error`` member as an envelope: an OAuth string keeps its ``error_description``."""
    value = body["error"]
    if isinstance(value, str):
        return {"error": value, "error_description": body.get("error_description") or value,
                "code": body.get("code")}
    return {"message": "the answer holds an error of an unknown shape", "code": body.get("code"),
            "details": value if isinstance(value, list) else [value]}


def _json_object(response: httpx.Response, host: str) -> dict:
    status = response.status_code
    content = response.content
    if not content.strip():
        if status >= 400:
            raise error_from_http_status(status, host)
        raise UnexpectedResponse(f"{host} sent an empty answer; it did not answer like an ArcGIS portal.",
                                 code=status)
    try:
        body = json.loads(content)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: absurdly deep nesting
        body = None
    if isinstance(body, dict):
        return body
    if status >= 400:
        raise error_from_http_status(status, host, had_body=True)
    kind = "an HTML page" if content.lstrip()[:1] == b"<" else "something that is not JSON"
    raise UnexpectedResponse(f"{host} answered with {kind} (HTTP {status}); it did not answer like an ArcGIS portal, "
                             "so check the portal URL.", code=status)


def error_from_http_status(status: int, host: str, *, had_body: bool = False) -> PortalError:
    """An HTTP error status whose body is not an ArcGIS envelope."""
    if status == 404:
        return NotFound(f"{host} has no such resource (HTTP 404); check the portal URL (an ArcGIS Enterprise URL "
                        "ends with its web adaptor, e.g. https://gis.example.com/portal).", code=404)
    if status == 401:  # a web tier (IWA, PKI, a gateway) wants credentials: sign in, never replay anonymously
        return TokenRequired(f"{host} needs you to be signed in for this request (HTTP 401).", code=401)
    if status == 403:
        return Forbidden(f"{host} refused the request (HTTP 403).", code=403)
    if status == 429 or status >= 500:
        what = "an error page" if had_body else "no body"
        return UnexpectedResponse(f"{host} answered with HTTP {status} and {what}; the portal may be busy or down, "
                                  "so try again later.", code=status)
    return UnexpectedResponse(f"{host} answered with HTTP {status}; it did not answer like an ArcGIS portal.",
                              code=status)


def _as_int(value: object) -> int | None:
    """An ArcGIS ``code`` as an int; JSON may carry it as a number or a string (or as junk: then None)."""
    if not isinstance(value, (int, float, str)):
        return None
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):  # "abc", NaN, Infinity, 1e400
        return None


def _details(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(portal_text(item) for item in value if item is not None)
    return (portal_text(value),) if value else ()


def error_from_envelope(error: dict, host: str) -> PortalError:
    """``{"error": {...}}`` → the matching PortalError subclass (oauth2 ``error`` key kept as message_code)."""
    code = _as_int(error.get("code"))
    oauth_error = error.get("error") if isinstance(error.get("error"), str) else None
    message_code = error.get("messageCode") if isinstance(error.get("messageCode"), str) else oauth_error
    details = _details(error.get("details"))
    text = portal_text(error.get("message") or error.get("error_description") or "")
    return classify(code, message_code, details, text, host)


def error_from_status_envelope(body: dict, host: str) -> PortalError:
    """Admin APIs: ``{"status": "error", "messages": [...], "code": 499}``."""
    messages = _details(body.get("messages"))
    text = portal_text(messages[0] if messages else body.get("message") or "")
    message_code = body.get("messageCode") if isinstance(body.get("messageCode"), str) else None
    return classify(_as_int(body.get("code")), message_code, messages, text, host)


class _ErrorFields(TypedDict):
    """What every PortalError built from an ArcGIS answer keeps of it (the keyword arguments of PortalError)."""

    code: int | None
    message_code: str | None
    details: tuple[str, ...]


def classify(code: int | None, message_code: str | None, details: tuple[str, ...], text: str,
             host: str) -> PortalError:
    """Pick the error type from the ArcGIS code and messageCode (project codes first)."""
    keep: _ErrorFields = {"code": code, "message_code": message_code, "details": details}
    said = f": {_sentence(text)}" if text else "."
    if message_code and message_code.startswith(PROJECT_CODE_PREFIX):
        return PortalRefused(_sentence(text or f"{host} refused the request ({message_code})"), **keep)
    if locked := _lockout_reason(text, details):
        return AccountLocked(f"{host} has locked your account for now ({locked}); wait about 15 minutes or ask your "
                             "organization administrator to unlock it, and check the password before you try again.",
                             **keep)
    if code == 400 and _mentions_bad_credentials(text, details):
        return InvalidCredentials(INVALID_CREDENTIALS_MESSAGE, **keep)
    if code == 498:
        return TokenExpired(f"{host} did not accept the sign-in token (invalid, expired or revoked).", **keep)
    if code in (401, 499):
        return TokenRequired(f"{host} needs you to be signed in for this request.", **keep)
    if code == 403:
        return Forbidden(f"{host} says you do not have permission to do this{said}", **keep)
    if code == 404 or message_code in _NOT_FOUND_CODES or "does not exist or is inaccessible" in text:
        return NotFound(f"{host} could not find it{said}", **keep)
    return PortalError(f"{host} refused the request{said}", **keep)


def _lockout_reason(text: str, details: tuple[str, ...]) -> str | None:
    """The portal's own words when it refuses a sign-in because of too many invalid attempts (reason in details)."""
    for item in (*details, text):
        if "too many invalid attempts" in item.lower():
            return portal_text(item).rstrip(". ")
    return None


def _mentions_bad_credentials(text: str, details: tuple[str, ...]) -> bool:
    return any("invalid username or password" in item.lower() for item in (text, *details))


# --- transport failures -----------------------------------------------------------------------------------------------
def error_from_transport(error: httpx.HTTPError, host: str) -> PortalUnreachable:
    """An httpx exception → PortalTLSError / PortalUnreachable with a short reason and no URL."""
    if is_tls_verification_error(error):
        reason = tls_verification_reason(error)
        return PortalTLSError(f"The certificate of {host} is not trusted ({reason}); if your organization uses its "
                              "own certificate authority, set ca_bundle in config.toml or SSL_CERT_FILE.")
    return PortalUnreachable(f"Could not reach {host}: {short_reason(error)}. Check the URL and your network or "
                             "proxy.")


def short_reason(error: httpx.HTTPError) -> str:
    text = str(error).lower()
    if isinstance(error, httpx.ConnectTimeout):
        return "the connection timed out"
    if isinstance(error, httpx.ReadTimeout):
        return "the portal did not answer in time"
    if isinstance(error, httpx.WriteTimeout):
        return "sending the request timed out"
    if isinstance(error, httpx.PoolTimeout):
        return "too many requests were waiting for a connection"
    if isinstance(error, httpx.ProxyError):
        return "the proxy refused the connection"
    if isinstance(error, httpx.RemoteProtocolError):
        return "the connection was closed before a complete answer"
    if isinstance(error, (httpx.ReadError, httpx.WriteError)):
        return "the connection was reset"
    for needle, reason in (("refused", "connection refused"), ("name or service not known", "host name not found"),
                           ("nodename nor servname", "host name not found"),
                           ("name resolution", "host name not found"), ("getaddrinfo", "host name not found"),
                           ("unreachable", "network unreachable"), ("timed out", "the connection timed out"),
                           ("ssl", "the secure (TLS) connection could not be set up")):
        if needle in text:
            return reason
    return "the connection failed"
