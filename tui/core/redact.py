"""One redaction layer for every sink: logs, error text, the crash screen, CLI output (docs/reliability.md, X-2).

Two nets: the registry of live secret values (tui/core/secret.py) and patterns for token-looking fields, so a secret
that was never registered (e.g. from another process) is still masked when it appears as ``token=…``.
"""

from __future__ import annotations

import functools
import logging
import re

from tui.core.secret import live_secret_values

MASK = "***"


@functools.cache
def _field_patterns() -> tuple[re.Pattern[str], ...]:
    """Compiled on first use, not at import: the TUI imports this module before its first frame (~1.5 ms)."""
    return (
        # token=…, access_token=…, refresh_token=…, password=…, code=… in query strings, form bodies and free text
        re.compile(r"(?i)\b((?:access_|refresh_|auth_|device_)?token|password|code|code_verifier|client_secret"
                   r"|devicecredential|device_credential)(\s*[=:]\s*[\"']?)([^\s&\"',;]+)"),
        # JSON fields: "token": "…"
        re.compile(r"(?i)(\"(?:access_token|refresh_token|token|password|deviceCredential|device_credential)\"\s*:"
                   r"\s*\")([^\"]+)(\")"),
        # headers
        re.compile(r"(?i)\b(x-esri-authorization|authorization|proxy-authorization)(\s*[:=]\s*(?:bearer\s+)?)"
                   r"([^\s,'\"]+)"),
        # user info in URLs: https://user:pw@host
        re.compile(r"(?i)(https?://[^/\s:@]+:)([^@\s/]+)(@)"),
    )


def redact(text: str) -> str:
    """Mask every live secret and every token-like field in ``text``."""
    if not text:
        return text
    for value in live_secret_values():
        if value in text:
            text = text.replace(value, MASK)
    for pattern in _field_patterns():
        text = pattern.sub(_mask_match, text)
    return text


def _mask_match(match: re.Match[str]) -> str:
    groups = match.groups()
    if len(groups) == 3 and groups[2] in ('"', "@"):
        return f"{groups[0]}{MASK}{groups[2]}"
    return f"{groups[0]}{groups[1]}{MASK}"


class RedactingFilter(logging.Filter):
    """Rewrites each record's final message through ``redact`` (attach to every handler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact(message)
        record.args = None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def configure_logging(level: int = logging.WARNING, handler: logging.Handler | None = None) -> logging.Handler:
    """Install one redacting handler on the root logger; httpx/httpcore stay at WARNING unless debugging."""
    handler = handler or logging.StreamHandler()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    noisy_level = logging.DEBUG if level <= logging.DEBUG else logging.WARNING
    for name in ("httpx", "httpcore", "uvicorn.access"):
        logging.getLogger(name).setLevel(noisy_level)
    return handler
