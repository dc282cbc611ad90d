"""Single-flight token renewal across processes (docs/reliability.md, L-5).

A lock file of its own, apart from the state lock, so that a renewal waiting on the network never blocks other
state edits. It is taken without blocking the event loop: a non-blocking flock polled with asyncio.sleep.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from tui.core.errors import StateLockTimeout
from tui.core.paths import make_dirs

_locks: dict[str, asyncio.Lock] = {}


@asynccontextmanager
async def renewal_lock(state_dir: Path, timeout: float = 60.0) -> AsyncIterator[None]:
    path = state_dir / ".renew.lock"
    in_process = _locks.setdefault(str(path), asyncio.Lock())
    async with in_process:
        make_dirs(state_dir)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            await _acquire(fd, timeout)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


async def _acquire(fd: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise StateLockTimeout("Another allsource-tui has been renewing the session for over a minute; "
                                       "try again, or stop the other instance.") from None
            await asyncio.sleep(0.02)
