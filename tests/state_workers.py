"""Child-process bodies for the StateStore reliability tests (TP-KILL, TP-CRASHPT, TP-FULL, TP-CONC, TP-READ, TP-LOCK).

They run in ``multiprocessing`` "forkserver" children (see ``start``), so a child costs a fork, not a Python start-up,
and the parent's threads are never forked. Every function takes plain arguments and reports through a Connection.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.spawn
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from tui.core.errors import AllSourceError
from tui.state.atomic_write import enable_crash_hook
from tui.state.file import READ_STATS
from tui.state.store import StateStore

PAD = [f"entry {i:03d} " + "x" * 40 for i in range(40)]  # makes each file ~2.5 KB, so "half written" is a real half


def context() -> multiprocessing.context.BaseContext:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["tui.state.store", "state_workers"])
    return ctx


def _preparation_without_main(name: str) -> dict[str, Any]:
    """Our targets live in this module, so a child need not re-run the main script (pytest: ~0.2 s per child)."""
    data = _ORIGINAL_PREPARATION(name)
    data.pop("init_main_from_path", None)
    data.pop("init_main_from_name", None)
    return data


_ORIGINAL_PREPARATION = multiprocessing.spawn.get_preparation_data


def start(target: Any, *args: Any) -> tuple[multiprocessing.Process, Connection]:
    """Start ``target(conn, *args)`` in a child; returns the process and the parent's receiving end."""
    ctx = context()
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=target, args=(sender, *args), daemon=True)
    multiprocessing.spawn.get_preparation_data = _preparation_without_main
    try:
        process.start()
    finally:
        multiprocessing.spawn.get_preparation_data = _ORIGINAL_PREPARATION
    sender.close()
    return process, receiver


@contextmanager
def fast_dir(fallback: Path) -> Iterator[Path]:
    """A scratch folder on tmpfs (/dev/shm) when there is one, else ``fallback``.

    Kills, locks and atomic replace behave the same there; only fsync is free, so the heavy tests' run time does not
    depend on how busy the disk is. ALLSOURCE_TUI_TEST_ON_DISK=1 runs them on ``fallback`` (the real disk) instead.
    """
    shm = Path("/dev/shm")
    if os.environ.get("ALLSOURCE_TUI_TEST_ON_DISK") == "1" or not shm.is_dir() or not os.access(shm, os.W_OK):
        yield fallback
        return
    directory = Path(tempfile.mkdtemp(prefix="allsource-tui-test-", dir=shm))
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def where(directory: Path) -> str:
    return "tmpfs" if str(directory).startswith("/dev/shm/") else "disk"


def drain(conn: Connection) -> list[Any]:
    """Every whole message the child sent before it died (a message cut by SIGKILL is dropped)."""
    messages = []
    while True:
        try:
            if not conn.poll(0):
                break
            messages.append(conn.recv())
        except (EOFError, OSError, ValueError):
            break
        except Exception:  # a message cut in half by the kill cannot be unpickled
            break
    return messages


def bump(data: dict, key: str = "counter") -> int:
    data[key] = data.get(key, 0) + 1
    data.setdefault("pad", PAD)
    return data[key]


def kill_loop(conn: Connection, state_dir: str) -> None:
    """TP-KILL: increment forever, acknowledging each value only after its transaction returned."""
    store = StateStore(Path(state_dir))
    conn.send("ready")
    while True:
        with store.transaction() as data:
            value = bump(data)
        conn.send(value)


def crash_once(conn: Connection, state_dir: str, point: str) -> None:
    """TP-CRASHPT: one transaction that should end the process at ``point``."""
    enable_crash_hook(point)  # in-process only: the environment cannot arm the hook
    with StateStore(Path(state_dir)).transaction() as data:
        bump(data)
    conn.send("survived")


def increment_many(conn: Connection, state_dir: str, count: int, bracket_log: str, go_file: str) -> None:
    """TP-CONC / TP-READ writer: ``count`` locked increments, bracketing each critical section in a shared log."""
    store = StateStore(Path(state_dir), lock_timeout=30.0)
    log = os.open(bracket_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600) if bracket_log else -1
    _wait_for(go_file)
    pid = os.getpid()
    for _ in range(count):
        with store.transaction() as data:
            if log >= 0:
                os.write(log, f"<{pid}\n".encode())
            bump(data)
            if log >= 0:
                os.write(log, f">{pid}\n".encode())
    conn.send("done")


def read_many(conn: Connection, state_dir: str, minimum: int, go_file: str, stop_file: str) -> None:
    """TP-READ reader: unlocked loads until ``stop_file`` appears (at least ``minimum``); reports what went wrong."""
    store = StateStore(Path(state_dir))
    _wait_for(go_file)
    reads, errors, backwards, last = 0, 0, 0, -1
    while reads < minimum or not os.path.exists(stop_file):
        reads += 1
        try:
            value = store.load().get("counter", 0)
        except Exception:
            errors += 1
            continue
        backwards += value < last
        last = max(last, value)
    conn.send({"reads": reads, "errors": errors, "notices": len(store.notices), "backwards": backwards,
               "retries": READ_STATS["open_retries"], "last": last})


def hold_lock(conn: Connection, state_dir: str, seconds: float) -> None:
    """TP-LOCK: take the lock (inside a transaction) and sit on it."""
    with StateStore(Path(state_dir)).transaction() as data:
        conn.send("locked")
        time.sleep(seconds)
        bump(data)


def write_under_fsize_limit(conn: Connection, state_dir: str, limit: int) -> None:
    """TP-FULL: a write that exceeds RLIMIT_FSIZE must fail cleanly (EFBIG), not kill the process with SIGXFSZ."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        with StateStore(Path(state_dir)).transaction() as data:
            data["big"] = ["y" * 100] * 100
        conn.send({"error": None})
    except AllSourceError as exc:
        conn.send({"error": type(exc).__name__, "message": exc.user_message, "errno": getattr(exc, "errno", None)})


def _wait_for(go_file: str) -> None:
    deadline = time.monotonic() + 30
    while go_file and not os.path.exists(go_file) and time.monotonic() < deadline:
        time.sleep(0.001)


def fill_disk_scenario(state_dir: str, free_pages: int) -> dict[str, Any]:
    """TP-FULL on a real small file system: fill it, leave ``free_pages`` pages free, try a bigger write."""
    store = StateStore(Path(state_dir))
    with store.transaction() as data:
        data["user"] = "pro_adv"
    before = Path(store.path).read_bytes()
    filler = Path(state_dir).parent / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"f" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    os.truncate(filler, max(0, filler.stat().st_size - free_pages * 4096))
    outcome: dict[str, Any] = {"error": None}
    try:
        with store.transaction() as data:
            data["big"] = ["z" * 1000] * 24
    except AllSourceError as exc:
        outcome = {"error": type(exc).__name__, "message": exc.user_message, "errno": getattr(exc, "errno", None)}
    outcome["unchanged"] = Path(store.path).read_bytes() == before
    outcome["leftovers"] = sorted(p.name for p in Path(state_dir).iterdir() if p.name.endswith(".tmp"))
    return outcome


if __name__ == "__main__":
    # python state_workers.py fill-disk <state_dir> <free_pages>: run inside a private tmpfs (see test_state_full.py)
    import json

    if sys.argv[1:2] != ["fill-disk"]:
        sys.exit("usage: state_workers.py fill-disk STATE_DIR FREE_PAGES")
    print(json.dumps(fill_disk_scenario(sys.argv[2], int(sys.argv[3]))))
