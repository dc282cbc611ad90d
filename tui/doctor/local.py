"""The checks on this computer alone: config.toml, the state file (mode, lock, schema) and the system keyring."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from tui.core.config import load_settings
from tui.core.errors import EXIT_UNEXPECTED, EXIT_USAGE, ConfigError, StateFileError, StateLockTimeout
from tui.core.settings import Settings
from tui.doctor.model import Check
from tui.state.file import read_state_file
from tui.state.lock import exclusive_lock, read_holder
from tui.state.secret_store import KeyringVault
from tui.state.store import CURRENT_SCHEMA_VERSION, StateStore

LOCK_PROBE_SECONDS = 0.5  # a healthy lock is held for milliseconds


def check_config(path: Path | None, settings: Settings | None = None) -> tuple[Check, Settings]:
    """config.toml parses and every value is valid; the defaults stand in for a file that can't be used.

    With ``settings`` already loaded (an open service) the file is not read again; ``path`` None: there was none.
    """
    if path is None:
        return Check("config", True, "no config file; the defaults are used"), settings or Settings()
    if settings is None:
        try:
            settings = load_settings(path)
        except ConfigError as error:
            return Check("config", False, error.user_message, fix=f"Fix that line in {path}, or move the file "
                         "aside to use the defaults; config.example.toml documents every key.",
                         exit_class=EXIT_USAGE), Settings()
    if settings.source_path is None and not path.exists():
        return Check("config", True, f"no config file at {path}; the defaults are used"), settings
    notes = f" ({len(settings.warnings)} warning{'s' if len(settings.warnings) != 1 else ''}: " \
            f"{settings.warnings[0]})" if settings.warnings else ""
    return Check("config", True, f"{path} is valid{notes}"), settings


def check_state(state_dir: Path) -> Check:
    """state.toml: owned by this user with mode 0600, readable TOML of a schema this version knows, lock free."""
    store = StateStore(state_dir)
    path = store.path
    if not path.exists():
        return Check("state", True, f"no state file yet at {path} (nothing signed in on this computer)")
    mode = stat.S_IMODE(os.stat(path).st_mode)
    try:
        result = read_state_file(path)  # also tightens a too-open mode to 0600, as every read does
    except StateFileError as error:
        return Check("state", False, error.user_message, fix="Point --state-dir (or ALLSOURCE_TUI_STATE_DIR) at a "
                     "folder of your own.", exit_class=EXIT_USAGE)
    if not result.ok:
        return Check("state", False, f"{path} cannot be read ({result.where()})", fix="Run any command (e.g. "
                     "`allsource-tui status`): the file is moved aside and a fresh one started; then sign in again.",
                     exit_class=EXIT_USAGE)
    if result.schema_version > CURRENT_SCHEMA_VERSION:
        return Check("state", False, f"{path} was written by a newer allsource-tui (schema "
                     f"{result.schema_version}; this one knows {CURRENT_SCHEMA_VERSION})",
                     fix="Upgrade allsource-tui on this computer; nothing is saved until then.", exit_class=EXIT_USAGE)
    lock = _lock_problem(store)
    if lock:
        return Check("state", False, lock, fix="Wait for the other allsource-tui to finish (or end that process), "
                     "then try again.", exit_class=EXIT_UNEXPECTED)
    tightened = f"; its mode was {mode:04o} and is now 0600" if mode & 0o077 else ", mode 0600"
    return Check("state", True, f"{path} is readable, schema {result.schema_version}{tightened}, lock free")


def _lock_problem(store: StateStore) -> str:
    try:
        with exclusive_lock(store.lock_path, LOCK_PROBE_SECONDS):
            return ""
    except StateLockTimeout:
        holder = read_holder(store.lock_path) or "another process"
        return f"the state lock {store.lock_path} is held by {holder}"


def check_keyring(settings: Settings, session_in_keyring: bool) -> Check:
    """The system keyring answers within ``[secrets] keyring_timeout``, when tokens are (or would be) kept there."""
    secrets = settings.secrets
    if secrets.credential_store == "file":
        return Check("keyring", True, 'not used ([secrets] credential_store = "file")')
    vault = KeyringVault(secrets.keyring_timeout)
    started = time.monotonic()
    usable = vault.usable()
    took = time.monotonic() - started
    if usable:
        return Check("keyring", True, f"{_backend(vault)} answered in {took:.1f} s")
    missing = f"no usable system keyring answered (waited up to {secrets.keyring_timeout:g} s)"
    if secrets.credential_store == "keyring" or session_in_keyring:
        why = "your session's tokens are kept there" if session_in_keyring else \
            'config.toml sets [secrets] credential_store = "keyring"'
        return Check("keyring", False, f"{missing}, and {why}", fix="Unlock (or install) the system keyring, or set "
                     '[secrets] credential_store = "file" in config.toml and sign in again.', exit_class=EXIT_USAGE)
    return Check("keyring", True, f"{missing}; tokens are kept in the state file (mode 0600) instead")


def _backend(vault: KeyringVault) -> str:
    try:
        return vault.backend_name().rsplit(".", 1)[-1]
    except Exception:
        return "the system keyring"
