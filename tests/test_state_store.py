"""StateStore API behaviour: transactions, revision, .bak, symlinks (F-4), stale temps (W-5), lock file, errors."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.core.errors import StateFileError, StateWriteError
from tui.state.atomic_write import CRASH_POINTS, STALE_TEMP_SECONDS, enable_crash_hook
from tui.state.store import CURRENT_SCHEMA_VERSION, StateStore


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "cfg" / "allsource-tui"


def test_first_transaction_creates_a_private_folder_and_file(state_dir: Path) -> None:
    store = StateStore(state_dir)
    assert store.load() == {} and store.path == state_dir / "state.toml"
    with store.transaction() as data:
        assert data == {}
        data["workstation_alias"] = "build-box-3"
    assert oct(state_dir.stat().st_mode & 0o777) == "0o700"
    assert oct(store.path.stat().st_mode & 0o777) == "0o600"
    assert store.load() == {"schema_version": CURRENT_SCHEMA_VERSION, "revision": 1, "workstation_alias": "build-box-3"}
    assert store.path.read_text().startswith("schema_version = 1\nrevision = 1\n")


def test_each_saved_change_bumps_revision_and_keeps_the_previous_file_as_bak(state_dir: Path) -> None:
    store = StateStore(state_dir)
    for alias in ("one", "two", "three"):
        previous = store.path.read_bytes() if store.path.exists() else None
        with store.transaction() as data:
            data["alias"] = alias
            data["revision"] = 1000  # callers cannot set the bookkeeping keys
        assert data["revision"] == store.load()["revision"]
        if previous is not None:
            assert store.backup_path.read_bytes() == previous
    assert store.load()["revision"] == 3 and store.load()["alias"] == "three"


def test_an_exception_in_the_block_saves_nothing(state_dir: Path) -> None:
    store = StateStore(state_dir)
    with store.transaction() as data:
        data["alias"] = "kept"
    before = store.path.read_bytes()
    with pytest.raises(ZeroDivisionError), store.transaction() as data:
        data["alias"] = "lost"
        raise ZeroDivisionError("a bug in the middle of a transaction")
    assert store.path.read_bytes() == before and not store.backup_path.exists()


def test_an_unchanged_state_is_not_rewritten(state_dir: Path) -> None:
    store = StateStore(state_dir)
    with store.transaction() as data:
        data["alias"] = "same"
    inode = store.path.stat().st_ino
    with store.transaction() as data:
        data["alias"] = "same"
    assert store.path.stat().st_ino == inode and store.load()["revision"] == 1


def test_yielded_and_loaded_dicts_are_private_copies(state_dir: Path) -> None:
    store = StateStore(state_dir)
    with store.transaction() as data:
        data["session"] = {"username": "pro_adv"}
    loaded = store.load()
    loaded["session"]["username"] = "changed in memory"
    data["session"]["username"] = "changed after the block"
    assert store.load()["session"]["username"] == "pro_adv"


def test_symlinked_state_file_is_refused_and_its_target_untouched(tmp_path: Path, state_dir: Path) -> None:
    """Issue 11: a link is never followed — not to read, not to quarantine its target, not to write through it."""
    real_dir = tmp_path / "dotfiles"
    real_dir.mkdir()
    (real_dir / "bashrc").write_bytes(b"export PATH=/usr/bin\n")  # not TOML: once, this got renamed .corrupt-*
    state_dir.mkdir(parents=True)
    os.symlink(real_dir / "bashrc", state_dir / "state.toml")
    store = StateStore(state_dir)
    with pytest.raises(StateFileError, match="is a symbolic link, which allsource-tui never follows"):
        store.load()
    with pytest.raises(StateFileError, match="symbolic link"), store.transaction() as data:
        data["alias"] = "new"
    assert (real_dir / "bashrc").read_bytes() == b"export PATH=/usr/bin\n"
    assert sorted(p.name for p in real_dir.iterdir()) == ["bashrc"]
    assert (state_dir / "state.toml").is_symlink() and not list(state_dir.glob("state.toml.*"))


def test_only_our_own_temps_are_removed_at_load_fresh_ones_too(state_dir: Path) -> None:
    """A temp of ours may hold tokens or a device credential: with no writer holding the lock, every one of them is
    a crash's leftover and goes at once, not 10 minutes later (issue 16 finding 7)."""
    store = StateStore(state_dir)
    with store.transaction() as data:
        data["alias"] = "x"
    old = time.time() - STALE_TEMP_SECONDS - 5
    names = {"stale": ".state.toml.0123456789abcdef.tmp", "stale_bak": ".state.toml.0123456789abcdef.bak.tmp",
             "fresh": ".state.toml.fedcba9876543210.tmp", "foreign": ".state.toml.mine.tmp",
             "other_app": "notes.tmp", "other_name": ".config.toml.0123456789abcdef.tmp"}
    for key, name in names.items():
        (state_dir / name).write_text(key)
        if key != "fresh":
            os.utime(state_dir / name, (old, old))
    store.load()
    left = {p.name for p in state_dir.iterdir()}
    assert names["stale"] not in left and names["stale_bak"] not in left and names["fresh"] not in left
    assert {names[k] for k in ("foreign", "other_app", "other_name")} <= left


def test_lock_file_names_the_holder_while_held(state_dir: Path) -> None:
    store = StateStore(state_dir)
    with store.transaction():
        assert store.lock_path.read_text().strip() == f"{os.getpid()}@{socket.gethostname()}"
    assert store.lock_path.read_text() == "" and store.lock_path.stat().st_mode & 0o777 == 0o600


def test_other_files_get_their_own_lock(state_dir: Path) -> None:
    creds = StateStore(state_dir, filename="credentials.toml")
    with (
        StateStore(state_dir).transaction(),
        creds.transaction() as data,  # would time out if both used <dir>/.lock from one thread
    ):
        data["token_store"] = "file"
    assert creds.lock_path.name == ".credentials.toml.lock" and creds.load()["token_store"] == "file"


def test_crash_hooks_do_nothing_unless_named(state_dir: Path) -> None:
    assert CRASH_POINTS == ("before-write", "half-written", "after-fsync", "after-replace", "before-dir-fsync")
    with pytest.raises(ValueError, match="unknown crash point"):
        enable_crash_hook("some-other-point")
    with StateStore(state_dir).transaction() as data:
        data["alias"] = "written"
    assert StateStore(state_dir).load()["alias"] == "written"


def test_the_environment_cannot_arm_a_crash_hook(tmp_path: Path) -> None:
    """An installed copy ignores ALLSOURCE_TUI_CRASH_AT: a write under it finishes and exits 0."""
    script = ("import sys; from pathlib import Path; from tui.state.store import StateStore\n"
              "with StateStore(Path(sys.argv[1])).transaction() as data:\n    data['alias'] = 'kept'\n")
    for point in CRASH_POINTS:
        env = {**os.environ, "ALLSOURCE_TUI_CRASH_AT": point}
        done = subprocess.run([sys.executable, "-c", script, str(tmp_path / point)], env=env, check=False)
        assert done.returncode == 0, f"the environment armed the crash hook at {point}"
        assert StateStore(tmp_path / point).load()["alias"] == "kept"


def test_state_dir_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "not-a-dir").write_text("")
    with pytest.raises(StateFileError, match="not a folder"):
        StateStore(tmp_path / "not-a-dir").load()
    with (
        pytest.raises(StateWriteError, match="Could not create the folder"),
        StateStore(tmp_path / "not-a-dir").transaction(),
    ):
        pass


def test_backup_without_hard_links_is_a_private_copy(state_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """File systems without hard links (some FUSE/SMB mounts): .bak and .v0 fall back to durable 0600 copies."""
    state_dir.mkdir(parents=True)
    (state_dir / "state.toml").write_bytes(b'alias = "v0"\n')

    def no_links(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    store = StateStore(state_dir)
    with store.transaction() as data:
        data["alias"] = "v1"
    for copy in (store.backup_path, state_dir / "state.toml.v0"):
        assert copy.read_bytes() == b'alias = "v0"\n' and copy.stat().st_mode & 0o777 == 0o600
    assert store.load()["alias"] == "v1" and not list(state_dir.glob(".*.tmp"))
