"""TP-PERM (0600 files, 0700 folder whatever the umask, F-1/F-2) and TP-MIGRATE (S-1, S-2)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.core.errors import StateFileError, StateReadOnlyError
from tui.state.store import StateStore

V0_FILE = b'portal_url = "https://127.0.0.1:8443"\nusername = "pro_adv"\nalias = "build-box-3"\n'


@pytest.fixture
def umask_guard() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def loose_entries(directory: Path) -> list[str]:
    """Everything in the state folder (and the folder) with group/other bits, or a folder that is not 0700."""
    bad = [f"{directory} {stat.S_IMODE(directory.stat().st_mode):04o}"] if stat.S_IMODE(
        directory.stat().st_mode) != 0o700 else []
    for entry in directory.iterdir():
        mode = stat.S_IMODE(entry.lstat().st_mode)
        if mode & 0o077:
            bad.append(f"{entry.name} {mode:04o}")
    return bad


def create(directory: Path) -> None:
    with StateStore(directory).transaction() as data:
        data["user"] = "a"


def update(directory: Path) -> None:
    create(directory)
    with StateStore(directory).transaction() as data:
        data["user"] = "b"  # makes state.toml.bak


def migrate(directory: Path) -> None:
    directory.mkdir(parents=True)
    (directory / "state.toml").write_bytes(V0_FILE)  # written under the umask being tested
    with StateStore(directory).transaction():
        pass


def quarantine(directory: Path) -> None:
    update(directory)
    (directory / "state.toml").unlink()
    (directory / "state.toml").write_bytes(b"broken = ")
    StateStore(directory).load()


def restore_from_bak(directory: Path) -> None:
    quarantine(directory)
    (directory / "state.toml").write_bytes(b"broken = ")
    StateStore(directory).load()  # quarantines again and writes the .bak bytes back as state.toml


SCENARIOS = {"create": create, "update/.bak": update, "migrate/.v0": migrate, "quarantine": quarantine,
             "restore .bak": restore_from_bak}


def test_tp_perm_modes_under_every_umask(tmp_path: Path, umask_guard: None) -> None:
    combos, offenders = 0, []
    for umask in (0o000, 0o022, 0o077):
        for name, scenario in SCENARIOS.items():
            os.umask(umask)
            directory = tmp_path / f"{umask:03o}-{name.replace('/', '_').replace(' ', '_')}"
            scenario(directory)
            os.umask(0o022)
            combos += 1
            offenders += [f"umask {umask:03o} {name}: {entry}" for entry in loose_entries(directory)]
    print(f"TP-PERM: {combos} combos (umask 000/022/077 x create/update/migrate/quarantine/restore): "
          f"{len(offenders)} files with group/other bits or folder not 0700")
    assert offenders == []
    assert combos == 15


def test_loose_modes_are_fixed_once_with_a_notice(tmp_path: Path) -> None:
    tmp_path = tmp_path / "state"
    create(tmp_path)
    os.chmod(tmp_path, 0o755)
    os.chmod(tmp_path / "state.toml", 0o644)
    store = StateStore(tmp_path)
    assert store.load()["user"] == "a"
    store.load()
    assert len(store.notices) == 2 and "0644" in store.notices[1] and "0600" in store.notices[1]
    assert "0700" in store.notices[0] and loose_entries(tmp_path) == []


def test_load_of_a_missing_folder_creates_nothing(tmp_path: Path) -> None:
    assert StateStore(tmp_path / "absent").load() == {}
    assert not (tmp_path / "absent").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to hand the folder to another user")
def test_folder_of_another_user_is_refused(tmp_path: Path) -> None:
    create(tmp_path / "s")
    os.chown(tmp_path / "s", 65534, 65534)
    with pytest.raises(StateFileError, match="another user"):
        StateStore(tmp_path / "s").load()


# --- TP-MIGRATE -------------------------------------------------------------------------------------------------------
def v0_to_v1(data: dict) -> dict:
    """Example migration: flat keys become a [session] table; unknown keys are kept (S-4)."""
    CALLS.append(dict(data))
    session = {"portal_url": data.pop("portal_url"), "username": data.pop("username")}
    return {**data, "session": session}


CALLS: list[dict] = []


def test_tp_migrate_v0_file_is_migrated_once_and_idempotent(tmp_path: Path) -> None:
    CALLS.clear()
    (tmp_path / "state.toml").write_bytes(V0_FILE)
    os.chmod(tmp_path / "state.toml", 0o600)
    store = StateStore(tmp_path, migrations={0: v0_to_v1})
    loaded = store.load()
    expected = {"alias": "build-box-3", "session": {"portal_url": "https://127.0.0.1:8443", "username": "pro_adv"}}
    assert {k: v for k, v in loaded.items() if k != "schema_version"} == expected
    assert (tmp_path / "state.toml").read_bytes() == V0_FILE, "load alone never writes"
    with store.transaction():
        pass  # no change by the caller: the migration alone is saved
    migrated = (tmp_path / "state.toml").read_bytes()
    calls_after_first_save = len(CALLS)
    for _ in range(2):
        with StateStore(tmp_path, migrations={0: v0_to_v1}).transaction():
            pass
        assert StateStore(tmp_path, migrations={0: v0_to_v1}).load()["session"]["username"] == "pro_adv"
    on_disk = StateStore(tmp_path).load()
    fixtures_ok = {k: v for k, v in on_disk.items() if k not in ("schema_version", "revision")} == expected
    print(f"TP-MIGRATE: v0 fixture == expected: {fixtures_ok}; migration calls after the save: "
          f"{len(CALLS) - calls_after_first_save}; file unchanged by later sessions: "
          f"{(tmp_path / 'state.toml').read_bytes() == migrated}; .bak and state.toml.v0 hold the v0 bytes: "
          f"{(tmp_path / 'state.toml.bak').read_bytes() == V0_FILE == (tmp_path / 'state.toml.v0').read_bytes()}")
    assert fixtures_ok and on_disk["schema_version"] == 1 and on_disk["revision"] == 1
    assert len(CALLS) - calls_after_first_save == 0
    assert (tmp_path / "state.toml").read_bytes() == migrated
    assert (tmp_path / "state.toml.bak").read_bytes() == V0_FILE == (tmp_path / "state.toml.v0").read_bytes()


def test_migrations_chain_and_skipped_steps_only_bump_the_version(tmp_path: Path) -> None:
    (tmp_path / "state.toml").write_bytes(b"schema_version = 1\nrevision = 5\na = 1\n")
    chain = {1: lambda d: {**d, "b": d["a"] + 1}, 3: lambda d: {**d, "c": d["b"] + 1}}
    with StateStore(tmp_path, schema_version=4, migrations=chain).transaction() as data:
        assert (data["a"], data["b"], data["c"], data["schema_version"]) == (1, 2, 3, 4)
    saved = StateStore(tmp_path, schema_version=4).load()
    assert saved["schema_version"] == 4 and saved["revision"] == 6 and saved["c"] == 3
    assert (tmp_path / "state.toml.v1").exists()


def test_a_failing_migration_leaves_the_file_untouched(tmp_path: Path) -> None:
    (tmp_path / "state.toml").write_bytes(V0_FILE)

    def broken(data: dict) -> dict:
        raise KeyError("session")

    with (
        pytest.raises(StateFileError, match="could not be upgraded"),
        StateStore(tmp_path, migrations={0: broken}).transaction(),
    ):
        pass
    assert (tmp_path / "state.toml").read_bytes() == V0_FILE and not (tmp_path / "state.toml.bak").exists()


def test_newer_file_survives_a_whole_session_byte_identical(tmp_path: Path) -> None:
    tmp_path = tmp_path / "state"
    tmp_path.mkdir()
    raw = b"schema_version = 2\nrevision = 9\nnew_table = { x = 1 }\n"
    (tmp_path / "state.toml").write_bytes(raw)
    store = StateStore(tmp_path, migrations={0: v0_to_v1})
    assert store.load()["new_table"] == {"x": 1} and store.read_only
    for _ in range(3):
        with (
            pytest.raises(StateReadOnlyError, match="written by a newer allsource-tui"),
            store.transaction() as data,
        ):
            data["x"] = 1
    assert (tmp_path / "state.toml").read_bytes() == raw
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lock", "state.toml"]
