"""Moves session tokens between state.toml and the OS keyring (docs/state-file.md, "Where tokens live";
docs/reliability.md, K-1..K-5).

The StateStore transaction dict is the meeting point: tokens are filled in from the keyring after a read and taken out
again (into the keyring) before a write, so the workflows never know where tokens live. A keyring that fails or
hangs is remembered as broken for the rest of the process, and the tokens then stay in state.toml (0600) with a
notice — never is a keyring failure taken for "signed out".
"""

from __future__ import annotations

from typing import Any

from tui.core.secret import remember_secret
from tui.core.settings import SecretSettings
from tui.state.secret_store import KeyringUnavailable, KeyringVault, choose_vault, keyring_service

TOKEN_KEYS = ("access_token", "refresh_token")


class TokenVault:
    def __init__(self, settings: SecretSettings) -> None:
        self.settings = settings
        self._chosen = False
        self._keyring: KeyringVault | None = None
        self.notices: list[str] = []
        self._cache: dict[tuple[str, str], str | None] = {}

    def keyring(self) -> KeyringVault | None:
        if not self._chosen:
            self._chosen = True
            self._keyring, notice = choose_vault(self.settings)
            if notice:
                self.notices.append(notice)
        return self._keyring

    def _broken(self, error: KeyringUnavailable) -> None:
        self._keyring = None
        self.notices.append(f"{error.user_message} Session tokens are kept in the state file (mode 0600) instead.")

    def fill(self, data: dict[str, Any]) -> None:
        """Put keyring-held tokens into the session table of ``data`` (when the keyring answers)."""
        session = data.get("session")
        if not isinstance(session, dict) or session.get("token_store") != "keyring":
            return
        if self.settings.credential_store == "file":
            return
        vault = KeyringVault(self.settings.keyring_timeout) if self._keyring is None else self._keyring
        service, user = _names(session)
        for key in TOKEN_KEYS:
            if key in session:
                continue
            try:
                value = self._cached_get(vault, service, f"{user}:{key}")
            except KeyringUnavailable as error:
                self.notices.append(f"{error.user_message} Your session is kept; try again.")
                return
            if value:
                remember_secret(value)
                session[key] = value

    def _cached_get(self, vault: KeyringVault, service: str, user: str) -> str | None:
        if (service, user) not in self._cache:
            self._cache[(service, user)] = vault.get(service, user)
        return self._cache[(service, user)]

    def stash(self, data: dict[str, Any], previous: dict[str, Any] | None) -> None:
        """Before a write: move the session's tokens into the keyring, and drop the keyring entries of a session
        that ended."""
        session = data.get("session")
        if isinstance(previous, dict) and previous.get("token_store") == "keyring" and (
                not isinstance(session, dict) or _names(session) != _names(previous)):
            self._delete(previous)
        if not isinstance(session, dict) or "access_token" not in session:
            return
        if self.settings.credential_store == "auto" and _kept_in_state_file(session, previous):
            session["token_store"] = "state"  # unchanged tokens stay put: no keyring probe (up to keyring_timeout)
            return
        vault = self.keyring()
        if vault is None:
            session["token_store"] = "state"
            return
        service, user = _names(session)
        try:
            for key in TOKEN_KEYS:
                self._cached_set(vault, service, f"{user}:{key}", session.get(key))
        except KeyringUnavailable as error:
            self._broken(error)
            session["token_store"] = "state"
            return
        for key in TOKEN_KEYS:
            session.pop(key, None)
        session["token_store"] = "keyring"

    def _cached_set(self, vault: KeyringVault, service: str, user: str, value: str | None) -> None:
        if self._cache.get((service, user), object()) == value:
            return
        if value is None:
            vault.delete(service, user)
        else:
            vault.set(service, user, value)
        self._cache[(service, user)] = value

    def _delete(self, session: dict[str, Any]) -> None:
        vault = self.keyring()
        if vault is None:
            return
        service, user = _names(session)
        try:
            for key in TOKEN_KEYS:
                self._cached_set(vault, service, f"{user}:{key}", None)
        except KeyringUnavailable as error:
            self.notices.append(f"{error.user_message} Old tokens may remain in the keyring under {service}.")

    def location(self, session_table: Any, state_path) -> str:
        if isinstance(session_table, dict) and session_table.get("token_store") == "keyring":
            return f"system keyring (service {_names(session_table)[0]})"
        if isinstance(session_table, dict):
            return f"state file {state_path} (mode 0600)"
        return f"none stored; new ones go to {self._planned()}"

    def _planned(self) -> str:
        store = self.settings.credential_store
        return {"file": "the state file (mode 0600)", "keyring": "the system keyring"}.get(
            store, "the system keyring if one is usable, else the state file (mode 0600)")


def _kept_in_state_file(session: dict[str, Any], previous: dict[str, Any] | None) -> bool:
    """The state file already holds exactly these tokens (the write is a license check, an alias, a portal...)."""
    return (isinstance(previous, dict) and previous.get("token_store", "state") == "state"
            and _names(previous) == _names(session)
            and all(previous.get(key) == session.get(key) for key in TOKEN_KEYS))


def _names(session: dict[str, Any]) -> tuple[str, str]:
    return keyring_service(str(session.get("portal_url", ""))), str(session.get("username", ""))
