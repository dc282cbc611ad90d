"""TP-CONC, TP-READ, TP-LOCK: several processes on one state folder; plus L-2 and in-process locking."""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

if str(Path(__file__).parent) not in sys.path:  # forkserver children import state_workers by this path
    sys.path.insert(0, str(Path(__file__).parent))
import state_workers

import tui.state.store as state_module
from tui.core.errors import StateConflictError, StateLockTimeout
from tui.state.store import StateStore

STRESS = os.environ.get("ALLSOURCE_TUI_STRESS") == "1"


@pytest.fixture
def work_dir(tmp_path: Path) -> Iterator[Path]:
    with state_workers.fast_dir(tmp_path) as directory:
        yield directory


def overlapping_sections(log: Path) -> int:
    """Count critical sections that opened while another was still open (bracket log ``<pid`` ... ``>pid``)."""
    open_pid, overlaps = None, 0
    for line in log.read_text().split():
        kind, pid = line[0], line[1:]
        if kind == "<":
            overlaps += open_pid is not None
            open_pid = pid
        else:
            overlaps += open_pid != pid
            open_pid = None
    return overlaps


def test_tp_conc_eight_writers_lose_no_update(work_dir: Path) -> None:
    tmp_path = work_dir
    writers, count = 8, (250 if STRESS else 50)
    log, go = tmp_path / "brackets.log", tmp_path / "go"
    children = [state_workers.start(state_workers.increment_many, str(tmp_path / "state"), count, str(log), str(go))
                for _ in range(writers)]
    started = time.monotonic()
    go.touch()
    for process, conn in children:
        assert conn.poll(120) and conn.recv() == "done"
        process.join(10)
    final = StateStore(tmp_path / "state").load()["counter"]
    overlaps = overlapping_sections(log)
    print(f"TP-CONC: {writers} processes x {count} locked increments in {time.monotonic() - started:.1f} s "
          f"on {state_workers.where(work_dir)}: "
          f"final = {final} ({writers * count - final} lost updates), {overlaps} overlapping critical sections")
    assert final == writers * count and overlaps == 0
    assert len(log.read_text().split()) == 2 * writers * count


def test_tp_read_readers_never_see_a_broken_file(work_dir: Path) -> None:
    state_dir, go, stop = work_dir / "state", work_dir / "go", work_dir / "stop"
    with StateStore(state_dir).transaction() as data:
        state_workers.bump(data)
    writes = 250 if STRESS else 50
    writers = [state_workers.start(state_workers.increment_many, str(state_dir), writes, "", str(go))
               for _ in range(4)]
    readers = [state_workers.start(state_workers.read_many, str(state_dir), 200, str(go), str(stop))
               for _ in range(4)]
    go.touch()
    for process, conn in writers:
        assert conn.poll(120) and conn.recv() == "done"
        process.join(10)
    stop.touch()
    reports = []
    for process, conn in readers:
        assert conn.poll(60)
        reports.append(conn.recv())
        process.join(10)
    total = {key: sum(r[key] for r in reports) for key in ("reads", "errors", "notices", "backwards", "retries")}
    print(f"TP-READ: 4 writers x {writes} writes, 4 readers, on {state_workers.where(work_dir)}: {total['reads']} "
          f"reads: {total['errors']} parse errors "
          f"or exceptions, {total['notices']} notices, {total['backwards']} values going backwards, "
          f"{total['retries']} retries needed")
    assert total["errors"] == total["notices"] == total["backwards"] == 0
    assert total["reads"] >= 800
    assert StateStore(state_dir).load()["counter"] == 1 + 4 * writes


def test_tp_lock_killed_holder_frees_the_lock_at_once(tmp_path: Path) -> None:
    waits, kills = [], 20 if STRESS else 3
    for _ in range(kills):
        process, conn = state_workers.start(state_workers.hold_lock, str(tmp_path), 30.0)
        assert conn.poll(10) and conn.recv() == "locked"
        process.kill()
        killed = time.monotonic()
        with StateStore(tmp_path).transaction() as data:
            waits.append(time.monotonic() - killed)
            state_workers.bump(data)
        process.join(5)
    print(f"TP-LOCK: holder SIGKILLed: re-acquired after {max(waits) * 1000:.0f} ms at worst ({kills} kills)")
    assert max(waits) < 3.0  # the kernel drops the lock with the process; the lock timeout would be 5 s
    assert StateStore(tmp_path).load()["counter"] == kills


def test_tp_lock_sleeping_holder_gives_a_timeout_naming_pid_at_host(tmp_path: Path) -> None:
    with StateStore(tmp_path).transaction() as data:
        data["user"] = "kept"
    before = hashlib.sha256((tmp_path / "state.toml").read_bytes()).hexdigest()
    process, conn = state_workers.start(state_workers.hold_lock, str(tmp_path), 30.0)
    try:
        assert conn.poll(10) and conn.recv() == "locked"
        started = time.monotonic()
        with (
            pytest.raises(StateLockTimeout) as caught,
            StateStore(tmp_path, lock_timeout=1.0).transaction() as data,
        ):
            data["user"] = "lost"
        waited = time.monotonic() - started
    finally:
        process.kill()
        process.join(5)
    after = hashlib.sha256((tmp_path / "state.toml").read_bytes()).hexdigest()
    holder = f"{process.pid}@{socket.gethostname()}"
    print(f"TP-LOCK: blocked instance reported {holder!r} after {waited:.2f} s (timeout 1 s), "
          f"{int(after != before)} writes")
    assert holder in caught.value.user_message and str(tmp_path / ".lock") in caught.value.user_message
    assert 0.9 <= waited < 2.0 and after == before


def test_two_threads_of_one_process_exclude_each_other(tmp_path: Path) -> None:
    entered, release = threading.Event(), threading.Event()

    def hold() -> None:
        with StateStore(tmp_path).transaction() as data:
            data["held"] = True
            entered.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    assert entered.wait(5)
    with (
        pytest.raises(StateLockTimeout, match=f"{os.getpid()}@"),
        StateStore(tmp_path, lock_timeout=0.2).transaction(),
    ):
        pass
    release.set()
    thread.join(5)
    with StateStore(tmp_path, lock_timeout=0.2).transaction() as data:
        assert data["held"] is True


def test_nested_transaction_is_refused_not_deadlocked(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    with store.transaction(), pytest.raises(RuntimeError, match="nested"), store.transaction():
        pass


def test_l2_revision_check_refuses_to_overwrite_when_the_lock_did_nothing(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A lock that silently does nothing (NFS ``nolock``): the revision counter still stops a lost update."""
    monkeypatch.setattr(state_module, "exclusive_lock", lambda path, timeout: contextlib.nullcontext())
    first, second = StateStore(tmp_path), StateStore(tmp_path)
    with first.transaction() as data:
        data["counter"] = 1
    with pytest.raises(StateConflictError, match="changed by another program"), first.transaction() as data:
        data["counter"] = 100
        with second.transaction() as other:  # another process, simulated: writes while "first" holds "the lock"
            other["counter"] = 2
    assert first.load()["counter"] == 2 and first.load()["revision"] == 2
