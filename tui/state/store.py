"""StateStore: the only reader-writer of state.toml (docs/state-file.md).

* ``load()`` takes no lock: files are only ever replaced atomically, so a reader never sees half a file (L-3).
* ``transaction()`` locks ``<dir>/.lock``, re-reads under the lock, yields a copy and, if the copy changed, writes it
  through ``tui.state.atomic_write`` with ``schema_version`` and ``revision + 1`` (W-1, W-4, L-1, L-2).
* A file that cannot be read is moved to ``state.toml.corrupt-<UTC time>`` and ``state.toml.bak`` is used if it is
  valid; otherwise the state starts empty. Either way ``notices`` says so (S-3). A file from a newer schema is used
  read-only and never written (S-2). Migrations ``{n: fn(v_n dict) -> v_{n+1} dict}`` run in memory on every read of an
  older file; the first transaction saves the result (keeping ``state.toml.v<n>`` and ``.bak``) (S-1).
* TOML has no null: None values are dropped, in tables and in arrays, when writing. Only str, int, float, bool,
  date/time, lists and str-keyed dicts can be stored; anything else raises StateWriteError naming the key.
"""

import copy
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from tui.core.errors import StateConflictError, StateFileError, StateLockTimeout, StateReadOnlyError, StateWriteError
from tui.state.atomic_write import (
    describe_os_error,
    has_our_temps,
    keep_copy,
    remove_stale_temps,
    write_atomically,
)
from tui.state.backup import scrub_ended_session
from tui.state.file import META_KEYS, ReadResult, encode_state, quarantine, read_state_file, same_value, storable
from tui.state.folder import existing_dir_usable, not_a_link, prepare_dir
from tui.state.lock import LOCK_FILENAME, exclusive_lock

CURRENT_SCHEMA_VERSION = 1

Migration = Callable[[dict], dict]


class _Snapshot(NamedTuple):
    """The state as read under the lock, plus what the writer must know to write it back safely."""

    data: dict[str, Any]
    target: Path
    exists: bool = False
    revision: int = 0
    disk_version: int = 0
    migrated: bool = False


class StateStore:
    """The state file of one folder. Attributes besides the constructor's:

    ``path`` (``<state_dir>/<filename>``), ``backup_path``, ``lock_path`` (``<state_dir>/.lock``; other filenames get
    ``.<filename>.lock``), ``read_only`` (sticky: True once a newer-schema file was seen), ``notices`` (one sentence per
    thing the user must be told, each once), ``last_error`` (the StateFileError of the last quarantine, with ``path``,
    ``line`` and ``quarantined_to``). Thread-safe: every transaction takes an in-process and an inter-process lock.
    """

    def __init__(self, state_dir: Path, *, filename: str = "state.toml", schema_version: int = CURRENT_SCHEMA_VERSION,
                 migrations: Mapping[int, Migration] | None = None, lock_timeout: float = 5.0) -> None:
        self.state_dir = Path(state_dir).absolute()  # notices must name the file unambiguously
        self.path = self.state_dir / filename
        self.schema_version = schema_version
        self.migrations: dict[int, Migration] = dict(migrations or {})
        self.lock_timeout = lock_timeout
        self.read_only = False
        self._newest_schema_seen = 0
        self.notices: list[str] = []
        self.last_error: StateFileError | None = None
        lock_name = LOCK_FILENAME if filename == "state.toml" else f".{filename}.lock"
        self.lock_path = self.state_dir / lock_name
        self._thread = threading.local()

    @property
    def backup_path(self) -> Path:
        """``state.toml.bak`` next to state.toml."""
        return self.path.with_name(self.path.name + ".bak")

    # --- reading ------------------------------------------------------------------------------------------------
    def load(self) -> dict:
        """The current state ({} when there is none), migrated in memory. An unreadable file is quarantined (notice).

        Raises StateFileError only when nothing safe can be done: the file or folder belongs to another user, the
        unreadable file cannot be moved aside, or a migration fails; StateLockTimeout only while quarantining.
        """
        if not existing_dir_usable(self.state_dir, self._notice):
            return {}
        target = self._target_for_read()
        if not getattr(self._thread, "locked", False) and has_our_temps(target.parent, target.name):
            self._remove_leftover_temps()
        result = read_state_file(target)
        if result.missing:
            return {}
        if not result.ok:
            if getattr(self._thread, "locked", False):
                return self._recover(result).data
            with self._locked():
                return self._read_locked().data
        return self._interpret(result).data

    @contextmanager
    def transaction(self) -> Iterator[dict]:
        """Read-modify-write under the lock; saved on normal exit if changed, nothing saved on an exception.

        A migrated file counts as changed. Raises StateReadOnlyError (newer schema), StateLockTimeout, StateFileError
        (see ``load``; also a state file that is a symbolic link), StateWriteError (disk full, a value TOML cannot
        hold...) and its subclass StateConflictError (the file moved under the lock: the lock does not work on this
        file system).
        """
        if getattr(self._thread, "locked", False):
            raise RuntimeError("StateStore.transaction() cannot be nested")
        prepare_dir(self.state_dir, self._notice, for_write=True)
        with self._locked():
            snapshot = self._read_locked()
            if self.read_only:
                raise StateReadOnlyError(f"Nothing was saved: {self.path} was written by a newer allsource-tui "
                                         f"(schema {self._newest_schema_seen}). Upgrade allsource-tui to change it.")
            data = copy.deepcopy(snapshot.data)
            yield data
            if snapshot.migrated or not self._same_content(data, snapshot.data):
                self._commit(snapshot, data)

    # --- internals: reading -------------------------------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[None]:
        with exclusive_lock(self.lock_path, self.lock_timeout):
            self._thread.locked = True
            try:
                yield
            finally:
                self._thread.locked = False

    def _read_locked(self) -> _Snapshot:
        target = self._target_for_read()
        # A temp left by a crash may hold tokens or a device credential: under the lock no write is in flight, so
        # every temp of ours is a leftover and goes now, not 10 minutes later (issue 16 finding 7).
        remove_stale_temps(target.parent, target.name, max_age=0)
        result = read_state_file(target)
        if result.missing:
            return _Snapshot({}, target)
        if not result.ok:
            return self._recover(result)
        return self._interpret(result)

    def _interpret(self, result: ReadResult) -> _Snapshot:
        """Turn a readable file into a snapshot: permission notice, newer-schema check, migrations."""
        assert result.data is not None
        if result.fixed_mode is not None:
            self._notice(f"The state file {result.path} could be read by other users (mode {result.fixed_mode:04o}); "
                         "its mode was changed to 0600.")
        version = result.schema_version
        snapshot = _Snapshot(result.data, result.path, True, result.revision, version)
        if version > self.schema_version:
            self.read_only = True
            self._newest_schema_seen = max(self._newest_schema_seen, version)
            self._notice(f"The state file {result.path} was written by a newer allsource-tui (schema {version}; this "
                         f"version knows {self.schema_version}); it is used read-only and nothing will be saved.")
        elif version < self.schema_version:
            snapshot = snapshot._replace(data=self._migrate(result.data, version, result.path), migrated=True)
        return snapshot

    def _migrate(self, data: dict[str, Any], version: int, path: Path) -> dict[str, Any]:
        for step in range(version, self.schema_version):
            migration = self.migrations.get(step)
            if migration is None:
                continue  # a step without a function only bumps schema_version
            try:
                data = migration(copy.deepcopy(data))
            except Exception as exc:
                raise StateFileError(f"The state file {path} (schema {step}) could not be upgraded to schema "
                                     f"{step + 1} ({type(exc).__name__}); it was left untouched.",
                                     path=str(path)) from exc
            if not isinstance(data, dict):
                raise StateFileError(f"The upgrade of {path} from schema {step} returned no table; the file was left "
                                     "untouched.", path=str(path))
        data["schema_version"] = self.schema_version
        return data

    def _recover(self, result: ReadResult) -> _Snapshot:
        """S-3: quarantine the unreadable file, then fall back to a valid ``.bak`` or to an empty state."""
        path = result.path
        try:
            moved = quarantine(path)
        except OSError as exc:
            raise StateFileError(f"The state file {path} cannot be read ({result.where()}) and could not be moved "
                                 f"aside ({describe_os_error(exc)}); it was left as it is. Move or delete it, then "
                                 "try again.", path=str(path), line=result.line) from exc
        backup = self._usable_backup(path)
        if backup is None:
            sentence = ("Nothing else could be recovered, so you must sign in again and set the workstation alias "
                        "and licensing portal again if you had changed them.")
        else:
            sentence = f"The last good copy {backup.path} was used instead."
        message = f"The state file {path} could not be read ({result.where()}); it was moved to {moved}. {sentence}"
        self._notice(message)
        self.last_error = StateFileError(message, path=str(path), line=result.line, quarantined_to=str(moved))
        if backup is None:
            return _Snapshot({}, path)
        exists = self._restore(backup, path)
        return self._interpret(backup)._replace(target=path, exists=exists)

    def _usable_backup(self, path: Path) -> ReadResult | None:
        try:
            backup = read_state_file(path.with_name(path.name + ".bak"))
        except StateFileError:
            return None
        if not backup.ok or backup.schema_version > self.schema_version:
            return None
        return backup

    def _restore(self, backup: ReadResult, path: Path) -> bool:
        """Put the .bak bytes back as the state file, so the next start sees them too."""
        try:
            write_atomically(path, backup.raw)
            return True
        except StateWriteError as exc:
            self._notice(f"The last good copy could not be put back in place: {exc.user_message}")
            return False

    def _remove_leftover_temps(self) -> None:
        """At start (the first read), take the lock briefly to delete leftover temps; a busy lock means a writer is
        at work, and the next transaction deletes them instead."""
        try:
            with self._locked():
                target = self._target_for_read()
                remove_stale_temps(target.parent, target.name, max_age=0)
        except StateLockTimeout:
            pass

    # --- internals: writing -------------------------------------------------------------------------------------
    def _commit(self, snapshot: _Snapshot, data: dict[str, Any]) -> None:
        body = {key: value for key, value in data.items() if key not in META_KEYS}
        record = {"schema_version": self.schema_version, "revision": snapshot.revision + 1, **body}
        payload = encode_state(record, snapshot.target)
        self._check_unchanged(snapshot)
        target = snapshot.target
        if snapshot.migrated and snapshot.exists:
            self._keep_pre_migration_copy(target, snapshot.disk_version)
        backup = target.with_name(target.name + ".bak")
        write_atomically(target, payload, backup=backup)
        data["schema_version"], data["revision"] = self.schema_version, snapshot.revision + 1
        scrub_ended_session(snapshot.data, record, backup, self._notice)

    def _check_unchanged(self, snapshot: _Snapshot) -> None:
        """L-2: under a working lock the file cannot have moved; if it did, the lock is a no-op (NFS ``nolock``)."""
        current = read_state_file(snapshot.target)
        if current.missing and not snapshot.exists:
            return
        if (current.ok and snapshot.exists and current.revision == snapshot.revision
                and current.schema_version == snapshot.disk_version):
            return
        raise StateConflictError(f"Nothing was saved: {snapshot.target} was changed by another program while this "
                                 "one held the lock (file locking may not work on this file system). Try again.",
                                 path=str(snapshot.target))

    def _keep_pre_migration_copy(self, target: Path, version: int) -> None:
        try:
            keep_copy(target, target.with_name(f"{target.name}.v{version}"), overwrite=False)
        except OSError as exc:
            raise StateWriteError(f"Nothing was saved: a copy of {target} could not be kept before upgrading it "
                                  f"({describe_os_error(exc)}).", path=str(target), errno=exc.errno) from exc

    def _same_content(self, data: dict[str, Any], before: dict[str, Any]) -> bool:
        def body(value: dict[str, Any]) -> dict[str, Any]:
            return storable({k: v for k, v in value.items() if k not in META_KEYS}, self.path)

        return same_value(body(data), body(before))

    # --- internals: paths, folder, notices ----------------------------------------------------------------------
    def _target_for_read(self) -> Path:
        return not_a_link(self.path)

    def _notice(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)

