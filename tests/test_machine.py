"""Machine identity and OS user (README "Files" and "Identifying this computer")."""

from __future__ import annotations

import hashlib
import stat
import threading
from pathlib import Path

import pytest

import tui.core.machine as machine
from tui.core.machine import MachineIdentity, current_machine, os_user

ID_A = "0123456789abcdef0123456789abcdef"
ID_B = "fedcba9876543210fedcba9876543210"


def _id_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_machine_key_and_referer_follow_the_readme() -> None:
    identity = MachineIdentity(machine_id="abc", os_user="u", hostname="h")
    # README: first 32 hex digits of SHA-256 of "allsource-tui:" + machine id
    assert identity.machine_key == hashlib.sha256(b"allsource-tui:abc").hexdigest()[:32]
    assert len(identity.machine_key) == 32 and int(identity.machine_key, 16) >= 0
    assert identity.referer == "allsource-tui:" + identity.machine_key
    assert MachineIdentity("abd", "u", "h").machine_key != identity.machine_key


def test_repr_shows_the_key_not_the_raw_id() -> None:
    identity = MachineIdentity(machine_id=ID_A, os_user="u", hostname="h")
    assert ID_A not in repr(identity) and identity.machine_key in repr(identity)


def test_source_is_not_part_of_identity() -> None:
    from_env = MachineIdentity(ID_A, "u", "h", source="env")
    from_file = MachineIdentity(ID_A, "u", "h", source="/etc/machine-id")
    assert from_env == from_file and hash(from_env) == hash(from_file)
    assert not from_env != from_file  # noqa: SIM202 (tuple's own != would say they differ)
    assert from_env != MachineIdentity(ID_B, "u", "h", source="env")


def test_env_overrides_everything(tmp_path: Path) -> None:
    files = (_id_file(tmp_path, "machine-id", ID_A),)
    identity = current_machine({"ALLSOURCE_TUI_MACHINE_ID": " computer-2 "}, id_files=files)
    assert identity.machine_id == "computer-2" and identity.source == "ALLSOURCE_TUI_MACHINE_ID"


def test_first_valid_machine_id_file_wins(tmp_path: Path) -> None:
    files = (tmp_path / "missing", _id_file(tmp_path, "etc", ID_A.upper() + "\n"), _id_file(tmp_path, "dbus", ID_B))
    identity = current_machine({}, id_files=files)
    assert identity.machine_id == ID_A and identity.source == str(files[1])


@pytest.mark.parametrize("content", ["", "\n", "uninitialized\n", "not-hex", ID_A[:-1]])
def test_empty_or_uninitialized_file_is_skipped(tmp_path: Path, content: str) -> None:
    files = (_id_file(tmp_path, "etc", content), _id_file(tmp_path, "dbus", ID_B + "\n"))
    assert current_machine({"ALLSOURCE_TUI_MACHINE_ID": "  "}, id_files=files).machine_id == ID_B


def test_fallback_id_is_random_persisted_0600_and_stable(tmp_path: Path) -> None:
    first = current_machine({}, id_files=(), fallback_dir=tmp_path / "state")
    again = current_machine({}, id_files=(), fallback_dir=tmp_path / "state")
    stored = Path(first.source)
    assert first.machine_id == again.machine_id and len(first.machine_id) == 32
    assert stored.parent == tmp_path / "state" and stored.name == f"machine-id.{first.hostname}"
    assert stored.read_text().strip() == first.machine_id
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
    assert [p.name for p in stored.parent.iterdir()] == [stored.name]  # no temp file left behind


def test_fallback_file_is_per_host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A state dir on an NFS home shared by two hosts must not make them one computer."""
    monkeypatch.setattr(machine, "_hostname", lambda: "host-one")
    one = current_machine({}, id_files=(), fallback_dir=tmp_path / "shared")
    monkeypatch.setattr(machine, "_hostname", lambda: "host-two")
    two = current_machine({}, id_files=(), fallback_dir=tmp_path / "shared")
    assert one.machine_id != two.machine_id
    assert sorted(p.name for p in (tmp_path / "shared").iterdir()) == ["machine-id.host-one", "machine-id.host-two"]


def test_concurrent_first_runs_agree_on_one_id(tmp_path: Path) -> None:
    results: list[str] = []
    barrier = threading.Barrier(8)

    def run() -> None:
        barrier.wait()
        results.append(current_machine({}, id_files=(), fallback_dir=tmp_path / "st").machine_id)

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and len(set(results)) == 1


def test_unwritable_fallback_dir_derives_a_stable_id(tmp_path: Path) -> None:
    blocker = _id_file(tmp_path, "not-a-dir", "x")
    first = current_machine({}, id_files=(), fallback_dir=blocker / "state")
    assert first.source == "hostname+mac"
    assert current_machine({}, id_files=(), fallback_dir=None) == first


def test_derived_id_ignores_a_random_mac(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("uuid.getnode", lambda: (1 << 40) | 0x1234)  # multicast bit: invented per run
    first = current_machine({}, id_files=()).machine_id
    monkeypatch.setattr("uuid.getnode", lambda: (1 << 40) | 0x9999)
    assert current_machine({}, id_files=()).machine_id == first


def test_os_user_override_and_fallbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    assert os_user({"ALLSOURCE_TUI_OS_USER": "someone-else"}) == "someone-else"
    import pwd

    expected = pwd.getpwuid(machine.os.getuid()).pw_name
    assert os_user({}) == expected  # no $USER, no TTY needed

    def no_entry(uid: int) -> None:
        raise KeyError(uid)

    monkeypatch.setattr(pwd, "getpwuid", no_entry)  # a container uid with no passwd entry
    assert os_user({"USER": "from-env"}) == "from-env"
    assert os_user({}) == f"uid-{machine.os.getuid()}"


def test_current_machine_fills_every_field(tmp_path: Path) -> None:
    identity = current_machine({"ALLSOURCE_TUI_MACHINE_ID": "m1", "ALLSOURCE_TUI_OS_USER": "ann"})
    assert (identity.machine_id, identity.os_user) == ("m1", "ann") and identity.hostname


def test_hostname_is_what_socket_reports() -> None:
    """current_machine reads the host name without importing socket (uname's node name): the same name."""
    import socket

    assert machine._hostname() == socket.gethostname()
    assert current_machine({"ALLSOURCE_TUI_MACHINE_ID": "x"}).hostname == (socket.gethostname() or "localhost")
