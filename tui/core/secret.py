"""Secrets (tokens, device credentials) that can't leak by accident (docs/reliability.md, X-2, X-3).

A ``Secret`` prints as a short fingerprint; the raw value is only reachable through ``reveal()``, which the HTTP
layer calls when it builds a request header or form body. Every Secret's value is registered with the redaction
layer, so even a value that escapes through ``reveal()`` is masked in logs, error text and the crash screen.
"""

from __future__ import annotations

import threading

_live_values: set[str] = set()
_lock = threading.Lock()
MIN_REDACTED_LENGTH = 8


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str) or not value:
            raise ValueError("a Secret needs a non-empty string")
        self._value = value
        remember_secret(value)

    def reveal(self) -> str:
        return self._value

    @property
    def fingerprint(self) -> str:
        import hashlib

        return hashlib.sha256(self._value.encode()).hexdigest()[:8]

    def __repr__(self) -> str:
        return f"Secret(sha256:{self.fingerprint}…)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self):  # pickling would copy the raw value somewhere we can't see
        raise TypeError("Secret values cannot be pickled")


def remember_secret(value: str) -> None:
    """Register a raw secret value (e.g. a password in flight) so the redaction layer masks it."""
    if value and len(value) >= MIN_REDACTED_LENGTH:
        with _lock:
            _live_values.add(value)


def forget_secret(value: str) -> None:
    with _lock:
        _live_values.discard(value)


def live_secret_values() -> list[str]:
    with _lock:
        return sorted(_live_values, key=len, reverse=True)
