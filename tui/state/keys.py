"""Keys of the per-computer tables of state.toml (``[offline.*]``, ``[offline_intent.*]``): portal, user and computer.

A home folder may be shared by computers (NFS) and a computer by portal users (one signs out, another signs in), so an
entry is keyed by all three (docs/state-file.md; issue 16 finding 5): user B's check-out never touches user A's
pending intent. Files written before this keep an entry under the bare machine key; entries are matched by the
fields they hold, not by their key, so those are still found and are re-keyed by the next write that replaces them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, TypeVar


class Keyed(Protocol):
    @property
    def portal_url(self) -> str: ...
    @property
    def username(self) -> str: ...
    @property
    def machine_id(self) -> str: ...


E = TypeVar("E", bound=Keyed)


def entry_key(portal_url: str, username: str, machine_id: str) -> str:
    return f"{machine_id} {username} {portal_url}"


def key_of(entry: Keyed) -> str:
    return entry_key(entry.portal_url, entry.username, entry.machine_id)


def on_machine(table: Mapping[str, E], machine_key: str) -> list[tuple[str, E]]:
    """The entries of this computer, in file order."""
    return [(key, entry) for key, entry in table.items() if entry.machine_id == machine_key]


def find(table: Mapping[str, E], machine_key: str, portal_url: str, username: str) -> tuple[str, E] | None:
    """This computer's entry of that portal user (under its key, or an older file's bare machine key)."""
    return next(((key, entry) for key, entry in on_machine(table, machine_key)
                 if (entry.portal_url, entry.username) == (portal_url, username)), None)


def preferred(table: Mapping[str, E], machine_key: str, portal_url: str | None, username: str | None) -> E | None:
    """This computer's entry to show: the given user's when there is one, else the first of this computer."""
    mine = on_machine(table, machine_key)
    exact = [entry for _key, entry in mine if (entry.portal_url, entry.username) == (portal_url, username)]
    named = [entry for _key, entry in mine if entry.username == username]
    return next(iter(exact or named or [entry for _key, entry in mine]), None)


def put(table: dict[str, E], entry: E) -> None:
    """Store ``entry`` under its key, replacing that user's older entry of this computer (whatever its key)."""
    found = find(table, entry.machine_id, entry.portal_url, entry.username)
    if found is not None:
        table.pop(found[0])
    table[key_of(entry)] = entry


def remove(table: dict[str, E], entry: E) -> E | None:
    found = find(table, entry.machine_id, entry.portal_url, entry.username)
    return table.pop(found[0]) if found is not None else None
