"""Keeping ``state.toml.bak`` free of a session that ended (issue 16 finding 7).

The .bak is the last good copy (W-4 in docs/reliability.md), not a place for tokens the user meant to end: after a
sign-out, or when a new session replaces the old one, the old session's tokens are removed from the .bak too. Its other
contents stay as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.core.errors import StateWriteError
from tui.state.atomic_write import write_atomically
from tui.state.file import encode_state, read_state_file

SESSION_TOKEN_KEYS = ("access_token", "refresh_token")


def scrub_ended_session(before: dict[str, Any], after: dict[str, Any], backup: Path,
                        notice: Callable[[str], None]) -> None:
    """After a write from ``before`` to ``after``: drop the session that ended from ``backup``; a failure is a
    notice (the write itself succeeded)."""
    ended = ended_session_tokens(before, after)
    if not ended:
        return
    try:
        scrub_backup(backup, ended)
    except StateWriteError as exc:
        notice(f"The backup {backup} still holds the tokens of a session that ended and could not be cleaned "
               f"({exc.user_message}); delete it by hand.")


def scrub_backup(backup: Path, ended: set[str]) -> None:
    """Rewrite ``backup`` without the tables holding any of the ``ended`` tokens; raises StateWriteError."""
    result = read_state_file(backup)
    if not result.ok or not holds_any(result.data, ended):
        return
    assert result.data is not None
    kept = {key: value for key, value in result.data.items() if not holds_any(value, ended)}
    write_atomically(backup, encode_state(kept, backup))


def ended_session_tokens(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    """The session tokens ``before`` held that ``after`` no longer holds (a sign-out, or a new session)."""
    old, new = before.get("session"), after.get("session")
    if not isinstance(old, dict):
        return set()
    if not isinstance(new, dict):
        new = {}
    kept = {value for key in SESSION_TOKEN_KEYS if isinstance(value := new.get(key), str)}
    return {value for key in SESSION_TOKEN_KEYS if isinstance(value := old.get(key), str) and value not in kept}


def holds_any(value: Any, secrets: set[str]) -> bool:
    if isinstance(value, dict):
        return any(holds_any(item, secrets) for item in value.values())
    if isinstance(value, list):
        return any(holds_any(item, secrets) for item in value)
    return isinstance(value, str) and value in secrets
