"""The inter-process lock around every read-modify-write of the state (docs/reliability.md, L-1).

``flock`` on ``<dir>/.lock``: the kernel drops it when the holder dies (even by SIGKILL), so there are no stale locks.
flock belongs to the open file description, so two opens in one process (two threads, two StateStores) also exclude
each other, and closing an unrelated descriptor never releases it (both are traps of POSIX ``lockf``). On NFS, Linux
emulates flock with POSIX locks, so threads of one process are additionally serialised by an in-process lock per path.
The holder writes ``pid@host`` into the file so that a waiter that gives up can say who is in the way.
"""

from __future__ import annotations

import errno
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tui.core.errors import StateLockTimeout, StateWriteError
from tui.state.atomic_write import FILE_MODE, describe_os_error

LOCK_FILENAME = ".lock"
_FIRST_POLL_SECONDS = 0.001
_MAX_POLL_SECONDS = 0.025
_THREAD_LOCKS: dict[str, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


def holder_tag() -> str:
    """``pid@host`` of this process, as written into the lock file."""
    import socket

    return f"{os.getpid()}@{socket.gethostname()}"


@contextmanager
def exclusive_lock(lock_path: Path, timeout: float) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_path`` for the ``with`` block; wait at most ``timeout`` seconds.

    Raises StateLockTimeout naming the holder (``pid@host``) when the wait runs out.
    """
    started = time.monotonic()
    in_process = _thread_lock(lock_path)
    if not in_process.acquire(timeout=max(timeout, 0.0)):
        raise StateLockTimeout(_timeout_message(lock_path, timeout, holder_tag()))
    try:
        fd = _open_lock_file(lock_path)
        try:
            _acquire(fd, lock_path, timeout - (time.monotonic() - started), timeout)
            try:
                _write_holder(fd)
                yield
            finally:
                _clear_holder(fd)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
    finally:
        in_process.release()


def read_holder(lock_path: Path) -> str:
    """The ``pid@host`` last written by a holder, or "" if unknown."""
    try:
        with open(lock_path, "rb") as handle:
            return handle.read(256).decode("utf-8", "replace").strip()
    except OSError:
        return ""


def _thread_lock(lock_path: Path) -> threading.Lock:
    key = os.path.abspath(lock_path)
    with _THREAD_LOCKS_GUARD:
        return _THREAD_LOCKS.setdefault(key, threading.Lock())


def _open_lock_file(lock_path: Path) -> int:
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(lock_path, flags, FILE_MODE)
    except OSError as exc:
        raise StateWriteError(f"Could not open the lock file {lock_path}: {describe_os_error(exc)}.",
                              path=str(lock_path), errno=exc.errno) from exc
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, FILE_MODE)
    except OSError:
        pass  # another user's lock file: locking still works, the mode is theirs to fix
    return fd


def _acquire(fd: int, lock_path: Path, budget: float, timeout: float) -> None:
    deadline = time.monotonic() + max(budget, 0.0)
    pause = _FIRST_POLL_SECONDS
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES, errno.EINTR):
                raise StateWriteError(f"Could not lock {lock_path}: {describe_os_error(exc)}.",
                                      path=str(lock_path), errno=exc.errno) from exc
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise StateLockTimeout(_timeout_message(lock_path, timeout, read_holder(lock_path)))
        time.sleep(min(pause, remaining))
        pause = min(pause * 2, _MAX_POLL_SECONDS)


def _timeout_message(lock_path: Path, timeout: float, holder: str) -> str:
    who = f"another allsource-tui (process {holder})" if holder else "another allsource-tui process"
    return (f"The state is locked by {who}; waited {timeout:g} s for {lock_path}. "
            "Finish or close that program, then try again.")


def _write_holder(fd: int) -> None:
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, (holder_tag() + "\n").encode(), 0)
    except OSError:
        pass  # the tag is only a courtesy for the error message; the lock itself is held


def _clear_holder(fd: int) -> None:
    try:
        os.ftruncate(fd, 0)
    except OSError:
        pass
