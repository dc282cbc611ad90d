"""Where session tokens live: the OS keyring when one is usable, else state.toml (0600) — docs/state-file.md, "Where
tokens live".

Every keyring call runs in a daemon thread bounded by ``keyring_timeout`` (3 s by default), because a locked or absent
Secret Service can hang for minutes. A keyring that fails or times out is "unavailable", never "signed out": callers
keep their state and say where the secrets are.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from tui.core.errors import AllSourceError, ConfigError
from tui.core.settings import SecretSettings

T = TypeVar("T")
SERVICE_PREFIX = "allsource-tui"
_NOT_A_KEYRING = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


class KeyringUnavailable(AllSourceError):
    """The keyring did not answer in time or failed."""


def run_bounded(call: Callable[[], T], timeout: float) -> T:
    """Run ``call`` in a daemon thread; raise KeyringUnavailable if it fails or takes longer than ``timeout``."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = call()
        except Exception as error:  # any backend failure means "unavailable"
            outcome["error"] = error

    worker = threading.Thread(target=target, name="keyring-call", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise KeyringUnavailable(f"The system keyring did not answer within {timeout:g} s.")
    if "error" in outcome:
        raise KeyringUnavailable(f"The system keyring failed ({type(outcome['error']).__name__}).")
    return outcome["value"]  # type: ignore[return-value]


class KeyringVault:
    """Tokens in the OS keyring, keyed service=allsource-tui:<portal host>, user=<username>:<kind> (K-5)."""

    def __init__(self, timeout: float = 3.0) -> None:
        self.timeout = timeout

    @staticmethod
    def backend_name() -> str:
        import keyring  # optional dependency, imported only when secrets are touched

        backend = keyring.get_keyring()
        return f"{type(backend).__module__}.{type(backend).__name__}"

    def usable(self) -> bool:
        try:
            name = run_bounded(self.backend_name, self.timeout)
        except KeyringUnavailable:
            return False
        except ImportError:
            return False
        if name.startswith(_NOT_A_KEYRING):
            return False
        if "chainer" in name.lower():
            return self._chain_has_backend()
        return True

    def _chain_has_backend(self) -> bool:
        try:
            import keyring

            backends = getattr(keyring.get_keyring(), "backends", [])
        except ImportError:
            return False
        return any(not f"{type(b).__module__}".startswith(_NOT_A_KEYRING) for b in backends)

    def get(self, service: str, user: str) -> str | None:
        import keyring

        return run_bounded(lambda: keyring.get_password(service, user), self.timeout)

    def set(self, service: str, user: str, value: str) -> None:
        import keyring

        run_bounded(lambda: keyring.set_password(service, user, value), self.timeout)

    def delete(self, service: str, user: str) -> None:
        import keyring
        from keyring.errors import PasswordDeleteError

        def delete_if_present() -> None:
            try:
                keyring.delete_password(service, user)
            except PasswordDeleteError:
                pass

        run_bounded(delete_if_present, self.timeout)


def keyring_service(portal_url: str) -> str:
    host = portal_url.split("://", 1)[-1].split("/", 1)[0]
    return f"{SERVICE_PREFIX}:{host}"


def choose_vault(settings: SecretSettings) -> tuple[KeyringVault | None, str | None]:
    """The vault to use and, for an automatic fallback, the sentence to tell the user once."""
    if settings.credential_store == "file":
        return None, None
    vault = KeyringVault(settings.keyring_timeout)
    if vault.usable():
        return vault, None
    if settings.credential_store == "keyring":
        raise ConfigError("config.toml sets [secrets] credential_store = \"keyring\", but no usable system keyring "
                          "answered; install and unlock one, or set credential_store = \"auto\" or \"file\".")
    return None, ("No usable system keyring was found, so session tokens are kept in the state file (mode 0600); "
                  "`allsource-tui status` always shows where they are.")
