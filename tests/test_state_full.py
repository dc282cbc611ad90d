"""TP-FULL: disk full, quota, file-size limit, I/O errors: the old file stays byte-identical and no temp is left."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

if str(Path(__file__).parent) not in sys.path:  # forkserver children import state_workers by this path
    sys.path.insert(0, str(Path(__file__).parent))
import state_workers

from tui.core.errors import StateWriteError
from tui.state.store import StateStore

BIG = ["w" * 60 + f"{i:04d}" for i in range(60)]  # the new state is ~4.5 KB


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def seeded_store(directory: Path) -> StateStore:
    store = StateStore(directory)
    for user in ("first", "second"):  # two writes, so a .bak exists too
        with store.transaction() as data:
            data["user"] = user
    return store


def temps(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.endswith(".tmp")]


def failing_write(budget: int, code: int):
    real_write = os.write
    remaining = [budget]

    def write(fd: int, data: bytes) -> int:
        if remaining[0] <= 0:
            raise OSError(code, os.strerror(code))
        chunk = bytes(data[: remaining[0]])
        remaining[0] -= len(chunk)
        return real_write(fd, chunk)

    return write


def test_tp_full_enospc_at_every_64th_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = seeded_store(tmp_path / "s")
    before, backup_before = digest(store.path), digest(store.backup_path)
    scratch = seeded_store(tmp_path / "scratch")
    with scratch.transaction() as data:
        data["big"] = BIG
    offsets = range(0, scratch.path.stat().st_size, 64)  # every 64th byte of the new file, first to last
    unchanged = no_temps = named = 0
    for offset in offsets:
        with monkeypatch.context() as patch:
            patch.setattr(os, "write", failing_write(offset, errno.ENOSPC))
            with pytest.raises(StateWriteError) as caught, store.transaction() as data:
                data["big"] = BIG
        unchanged += digest(store.path) == before and digest(store.backup_path) == backup_before
        no_temps += not temps(store.state_dir)
        message = caught.value.user_message
        named += str(store.path) in message and "disk is full" in message and caught.value.errno == errno.ENOSPC
    n = len(offsets)
    print(f"TP-FULL: {n} ENOSPC offsets: original sha256 unchanged {unchanged}/{n}, temp files left {n - no_temps}, "
          f"error names path {named}/{n}")
    assert unchanged == no_temps == named == n
    assert "(ENOSPC)" in message and "unchanged" in message


@pytest.mark.parametrize(("code", "words"), [(errno.EDQUOT, "quota"), (errno.EFBIG, "file-size limit"),
                                             (errno.EIO, "input/output error"), (errno.EROFS, "read-only")])
def test_tp_full_other_write_errors_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int,
                                              words: str) -> None:
    store = seeded_store(tmp_path)
    before = digest(store.path)
    monkeypatch.setattr(os, "write", failing_write(1000, code))
    with pytest.raises(StateWriteError, match=words), store.transaction() as data:
        data["big"] = BIG
    assert digest(store.path) == before and not temps(tmp_path)


@pytest.mark.parametrize("step", ["fsync", "link", "replace"])
def test_tp_full_failure_after_the_write_still_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              step: str) -> None:
    store = seeded_store(tmp_path)
    before, backup_before = digest(store.path), digest(store.backup_path)

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, step, broken)
    with pytest.raises(StateWriteError, match="disk is full"), store.transaction() as data:
        data["big"] = BIG
    monkeypatch.undo()
    assert digest(store.path) == before and digest(store.backup_path) == backup_before
    assert not temps(tmp_path)
    assert store.load()["user"] == "second"


def test_tp_full_keyboard_interrupt_mid_write_removes_the_temp(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    store = seeded_store(tmp_path)
    before = digest(store.path)

    def interrupted(fd: int, data: bytes) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "write", interrupted)
    with pytest.raises(KeyboardInterrupt), store.transaction() as data:
        data["big"] = BIG
    assert digest(store.path) == before and not temps(tmp_path)


def test_tp_full_rlimit_fsize_gives_efbig_not_a_dead_process(tmp_path: Path) -> None:
    store = seeded_store(tmp_path)
    before = digest(store.path)
    process, conn = state_workers.start(state_workers.write_under_fsize_limit, str(tmp_path), 2048)
    assert conn.poll(20)
    outcome = conn.recv()
    process.join(10)
    print(f"TP-FULL: RLIMIT_FSIZE=2048: {outcome['error']} errno={outcome['errno']}, "
          f"original unchanged {digest(store.path) == before}, temps left {len(temps(tmp_path))}")
    assert outcome["error"] == "StateWriteError" and outcome["errno"] == errno.EFBIG
    assert str(store.path) in outcome["message"]
    assert digest(store.path) == before and not temps(tmp_path)


def _can_mount_tmpfs() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True, timeout=10)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="needs root and mount namespaces to create a 64 KB tmpfs")
def test_tp_full_real_64k_tmpfs(tmp_path: Path) -> None:
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    worker = Path(state_workers.__file__)
    results = []
    for free_pages in range(0, 12, 2):  # the new file needs ~7 pages (4 KB) while the old one still exists
        script = (f"mount -t tmpfs -o size=64k tmpfs {mount_point} && "
                  f"{sys.executable} {worker} fill-disk {mount_point / 'state'} {free_pages}")
        done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    failed = [r for r in results if r["error"]]
    good = sum(r["unchanged"] and not r["leftovers"] and "disk is full" in r["message"] for r in failed)
    print(f"TP-FULL: 64k tmpfs, {len(results)} fill levels: {len(failed)} hit ENOSPC, original unchanged and 0 temps "
          f"in {good}/{len(failed)}")
    assert failed and good == len(failed)
    assert all(r["leftovers"] == [] for r in results)
