"""TP-REDACT / TP-URLTOK helpers: collect every secret a run creates, then scan every sink for it.

``SecretTap`` records each token, refresh token, authorization code, device credential and PKCE verifier the demo
portal (running in this process) mints or receives, so secrets of CLI subprocesses are known too; the in-process
``Secret`` registry and the passwords typed in the test are added. ``Sweep`` collects texts from the sinks (logs,
exception text, CLI output, files, the crash screen) and counts occurrences of a whole secret, or of any 8-character
piece of a random one (docs/reliability.md, TP-REDACT: no secret nor any 8-character piece of one).
"""

from __future__ import annotations

import contextlib
import logging
import re
import stat
import tomllib
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tui.core.redact import configure_logging
from tui.core.secret import live_secret_values
from tui.demo_portal import oauth as demo_oauth
from tui.demo_portal import rules as demo_rules
from tui.demo_portal import tokens as demo_tokens

PIECE = 8
# A secret-bearing field in a query string: token=, access_token=, refresh_token=, password=, code=, … .
URL_SECRET_FIELD = re.compile(r"(?i)(?:^|[?&;])(token|access_token|refresh_token|auth_token|password|code"
                              r"|code_verifier|client_secret|devicecredential)=")
# Fields of state.toml where tokens may live (only when the keyring is not used) and where the device credential lives.
ALLOWED_STATE_FIELDS = {("session", "access_token"), ("session", "refresh_token"), ("offline", "device_credential")}


class SecretTap:
    """Records every secret value the in-process demo portal mints or is sent, by patching its minting points."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, passwords: Iterable[str] = ()) -> None:
        self.minted: set[str] = set()
        self.kinds: dict[str, int] = {}
        self.passwords = set(passwords)
        self._registered_before = set(live_secret_values())  # other tests' values (e.g. "password-123") don't count
        self._patch(monkeypatch)

    def _record(self, kind: str, value: str) -> str:
        if value and value not in self.minted:
            self.minted.add(value)
            self.kinds[kind] = self.kinds.get(kind, 0) + 1
        return value

    def _patch(self, monkeypatch: pytest.MonkeyPatch) -> None:
        new_token, derive = demo_tokens.new_token_value, demo_rules._derive_credential
        exchange, pkce_ok = demo_oauth.PendingSignIns.exchange_state_for_code, demo_oauth._pkce_ok
        monkeypatch.setattr(demo_tokens, "new_token_value", lambda: self._record("token", new_token()))
        monkeypatch.setattr(demo_rules, "_derive_credential",
                            lambda *args: self._record("device credential", derive(*args)))

        def exchange_and_record(pending_sign_ins, *args):
            code = exchange(pending_sign_ins, *args)
            return self._record("authorization code", code) if code else code

        def pkce_and_record(pending, verifier: str) -> bool:
            self._record("PKCE verifier", verifier)
            return pkce_ok(pending, verifier)

        monkeypatch.setattr(demo_oauth.PendingSignIns, "exchange_state_for_code", exchange_and_record)
        monkeypatch.setattr(demo_oauth, "_pkce_ok", pkce_and_record)

    def random_secrets(self) -> set[str]:
        """Values drawn at random (portal-minted, plus Secrets registered in this process since the tap was made):
        any 8-character piece of them counts as a leak."""
        registered = set(live_secret_values()) - self._registered_before
        return (self.minted | registered) - self.passwords

    def summary(self) -> str:
        kinds = ", ".join(f"{n} {kind}s" for kind, n in sorted(self.kinds.items()))
        return f"{len(self.minted)} portal-side secrets ({kinds}) + {len(self.passwords)} passwords"


@dataclass
class Leak:
    sink: str
    what: str  # "whole" or "piece", never the value itself


@dataclass
class Sweep:
    """Texts from every sink, scanned at the end (secrets minted late still count)."""

    tap: SecretTap
    texts: list[tuple[str, str]] = field(default_factory=list)

    def add(self, sink: str, text: str | bytes) -> None:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        self.texts.append((sink, text))

    def add_exception(self, sink: str, error: BaseException) -> None:
        """What any sink could print of an exception: str, repr, the user message and the traceback (no locals)."""
        message = getattr(error, "user_message", "")
        self.add(sink, "\n".join([str(error), repr(error), message, *traceback.format_exception(error)]))

    def add_file(self, sink: str, path: Path) -> None:
        self.add(f"{sink} {path.name}", path.read_bytes())

    def leaks(self) -> list[Leak]:
        whole = self.tap.random_secrets() | self.tap.passwords
        pieces = {s[i:i + PIECE] for s in self.tap.random_secrets() for i in range(len(s) - PIECE + 1)}
        found = []
        for sink, text in self.texts:
            if any(secret in text for secret in whole):
                found.append(Leak(sink, "whole"))
            elif any(text[i:i + PIECE] in pieces for i in range(len(text) - PIECE + 1)):
                found.append(Leak(sink, "piece"))
        return found

    def figure(self, label: str) -> str:
        size = sum(len(text) for _, text in self.texts)
        sinks = len({sink for sink, _ in self.texts})
        return (f"TP-REDACT ({label}): {self.tap.summary()}, {len(self.tap.random_secrets())} random secrets in all; "
                f"{len(self.texts)} texts from {sinks} sinks ({size:,} characters): {len(self.leaks())} occurrences "
                "of a secret or an 8-character piece of one")


def bad_request_urls(request_log, secrets: set[str]) -> list[str]:
    """Request lines carrying a secret field or a secret value (TP-URLTOK); returned without the query."""
    bad = []
    for record in request_log:
        line = f"{record.path}?{record.query}"
        if URL_SECRET_FIELD.search(record.query) or any(secret in line for secret in secrets):
            bad.append(f"{record.method} {record.path}")
    return bad


def secrets_in_headers(request_log, secrets: set[str]) -> int:
    """Secrets in request headers other than the token header (Referer, User-Agent, …)."""
    allowed = {"x-esri-authorization", "authorization"}
    return sum(1 for record in request_log for name, value in record.headers.items()
               if name not in allowed and any(secret in value for secret in secrets))


def state_without_allowed_secrets(path: Path) -> str:
    """A state.toml (or its .bak) as text minus the fields where tokens and the device credential may live."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    session = data.get("session")
    if isinstance(session, dict):
        for _, key in (f for f in ALLOWED_STATE_FIELDS if f[0] == "session"):
            session.pop(key, None)
    for offline in (data.get("offline") or {}).values():
        if isinstance(offline, dict):
            offline.pop("device_credential", None)
    return repr(data)


def file_mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextlib.contextmanager
def debug_log_to(path: Path) -> Iterator[Path]:
    """Root logging at DEBUG through the product's redacting handler into ``path``; restored afterwards."""
    root = logging.getLogger()
    saved = (root.level, {name: logging.getLogger(name).level for name in ("httpx", "httpcore", "uvicorn.access")})
    handler = configure_logging(logging.DEBUG, logging.FileHandler(path, encoding="utf-8"))
    try:
        yield path
    finally:
        handler.close()
        root.removeHandler(handler)
        root.setLevel(saved[0])
        for name, level in saved[1].items():
            logging.getLogger(name).setLevel(level)
