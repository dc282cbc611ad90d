"""The demo portal's persistent state: one JSON file in the data dir, rewritten atomically under a lock.

Holds tokens (as sha256 hashes only), check-outs, the organisations' disconnect settings, last logins, the
administrators' license assignments and the released seeded check-outs, so every change survives a restart. Every
rule check runs inside ``transaction()``: the lock covers the read, the check and the write,
so concurrent requests (50 computers at once) can never break a rule.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

SCHEMA_VERSION = 1
STATE_FILE = "state.json"


def empty_state() -> dict:
    return {"schema_version": SCHEMA_VERSION, "tokens": {}, "checkouts": {}, "settings": {}, "last_login": {},
            "assignments": {}, "released_seeds": []}


class DemoStore:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        ensure_private_dir(self.data_dir)
        self.path = self.data_dir / STATE_FILE
        self._lock = threading.RLock()
        self._state = self._load()
        self._listeners: list[Callable[[dict], None]] = []

    def _load(self) -> dict:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return empty_state()
        try:
            loaded = json.loads(raw)
        except json.JSONDecodeError as error:  # never overwrite a file we could not read
            raise RuntimeError(f"demo portal state {self.path} is not valid JSON ({error}); move it aside") from None
        state = empty_state()
        state.update({key: value for key, value in loaded.items() if key in state})
        return state

    @contextlib.contextmanager
    def transaction(self) -> Iterator[dict]:
        """Exclusive read-modify-write: changes to the yielded dict are saved when the block ends without error."""
        with self._lock:
            working = copy.deepcopy(self._state)
            yield working
            if working != self._state:
                self._write(working)
                self._state = working
                for listener in self._listeners:
                    listener(working)

    @contextlib.contextmanager
    def reading(self) -> Iterator[dict]:
        """The live state under the lock, for reads only (never change it here: use ``transaction``)."""
        with self._lock:
            yield self._state

    def snapshot(self) -> dict:
        """A copy of the state, for reads that change nothing."""
        with self._lock:
            return copy.deepcopy(self._state)

    def add_commit_listener(self, listener: Callable[[dict], None]) -> None:
        """Call ``listener(state)`` after every saved change, still under the lock (tests check invariants)."""
        self._listeners.append(listener)

    def _write(self, state: dict) -> None:
        data = json.dumps(state, indent=1, sort_keys=True).encode("utf-8")
        atomic_write(self.path, data)


def ensure_private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Temp file in the same dir, write, fsync, os.replace, fsync(dir): the old file survives any failure."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some filesystems refuse fsync on a directory
        pass
    finally:
        os.close(fd)
