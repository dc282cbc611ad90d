"""Hostile files (issue 11 item 4): links are never followed, a read-only folder is respected, modes ignore the umask,
and a valid state is read on a read-only file system."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import pytest
import tomli_w

from tui.cli.main import main
from tui.core.errors import StateWriteError
from tui.state.store import StateStore
from tui.ui.launcher import log_to_file


def valid_state() -> bytes:
    session = {"portal_url": "https://127.0.0.1:8443", "username": "pro_adv", "full_name": "Avery Pro",
               "auto_sign_in": True, "method": "password", "access_token": "token-abcdef0123456789",
               "expires_at": time.time() + 86_400, "signed_in_at": 1.0}
    return tomli_w.dumps({"schema_version": 1, "revision": 3, "last_username": "pro_adv", "session": session,
                          "workstation_alias": "Lab PC"}).encode()


def cli(capsys, state_dir: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--state-dir", str(state_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_status_refuses_a_symlinked_state_file_and_renames_nothing(tmp_path: Path, capsys) -> None:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (home / ".bashrc").write_bytes(b"alias ll='ls -l'\n")
    state_dir = tmp_path / "state"
    state_dir.mkdir(mode=0o700)
    os.symlink(home / ".bashrc", state_dir / "state.toml")
    code, out, err = cli(capsys, state_dir, "status")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "is a symbolic link, which allsource-tui never follows" in err
    assert (home / ".bashrc").read_bytes() == b"alias ll='ls -l'\n"
    assert sorted(p.name for p in home.iterdir()) == [".bashrc"]  # no .bashrc.corrupt-*
    assert (state_dir / "state.toml").is_symlink() and sorted(p.name for p in state_dir.iterdir()) == ["state.toml"]


def test_a_read_only_state_dir_is_used_read_only_and_never_chmod_ed(tmp_path: Path, capsys) -> None:
    state_dir = tmp_path / "state"
    state_dir.mkdir(mode=0o700)
    (state_dir / "state.toml").write_bytes(valid_state())
    (state_dir / "state.toml").chmod(0o600)
    state_dir.chmod(0o500)
    try:
        code, out, err = cli(capsys, state_dir, "status")
        assert code == 0 and "Signed in as Avery Pro (pro_adv)" in out
        assert "Note: Read-only mode: nothing is saved because the state folder" in out and "(mode 0500)" in out
        assert (state_dir.stat().st_mode & 0o777) == 0o500
        code, out, err = cli(capsys, state_dir, "alias", "set", "Other PC")
        assert code == 2 and err.startswith("Nothing was saved: the state folder") and "chmod u+w" in err
        assert (state_dir.stat().st_mode & 0o777) == 0o500
        assert sorted(p.name for p in state_dir.iterdir()) == ["state.toml"]  # no lock, no temp, no .bak
    finally:
        state_dir.chmod(0o700)


def test_a_valid_state_is_read_on_a_read_only_file_system(tmp_path: Path, capsys, monkeypatch) -> None:
    """A read-only mount: the folder and file keep their modes (0555, 0644) and every chmod fails with EROFS."""
    state_dir = tmp_path / "state"
    state_dir.mkdir(mode=0o700)
    (state_dir / "state.toml").write_bytes(valid_state())
    (state_dir / "state.toml").chmod(0o644)
    state_dir.chmod(0o555)

    def read_only_fs(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "chmod", read_only_fs)
    monkeypatch.setattr(os, "fchmod", read_only_fs)
    try:
        code, out, err = cli(capsys, state_dir, "status")
        assert (code, err) == (0, "") and "Signed in as Avery Pro (pro_adv)" in out
    finally:
        monkeypatch.undo()
        state_dir.chmod(0o700)


def test_a_loose_file_on_a_read_only_file_system_in_a_writable_looking_folder(tmp_path: Path, monkeypatch) -> None:
    """Same as above with a 0755 folder: making it private fails, which must not stop a read."""
    state_dir = tmp_path / "state"
    state_dir.mkdir(mode=0o755)
    state_dir.chmod(0o755)
    (state_dir / "state.toml").write_bytes(valid_state())
    (state_dir / "state.toml").chmod(0o644)

    def read_only_fs(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "chmod", read_only_fs)
    monkeypatch.setattr(os, "fchmod", read_only_fs)
    store = StateStore(state_dir)
    assert store.load()["session"]["username"] == "pro_adv"
    assert any("could not be made private" in notice for notice in store.notices)


def test_folders_get_0700_whatever_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        with StateStore(tmp_path / "base" / "allsource-tui" / "demo").transaction() as data:
            data["alias"] = "x"
        log_to_file(tmp_path / "logs" / "deep" / "state")
    finally:
        os.umask(previous)
    for folder in ("base", "base/allsource-tui", "base/allsource-tui/demo", "logs", "logs/deep", "logs/deep/state"):
        assert ((tmp_path / folder).stat().st_mode & 0o777) == 0o700, folder
    assert ((tmp_path / "logs/deep/state/allsource-tui.log").stat().st_mode & 0o777) == 0o600


def test_the_debug_log_never_follows_a_link(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious\n")
    victim.chmod(0o644)
    state_dir = tmp_path / "state"
    state_dir.mkdir(mode=0o700)
    os.symlink(victim, state_dir / "allsource-tui.log")
    with pytest.raises(StateWriteError, match="symbolic link, which is never followed"):
        log_to_file(state_dir)
    assert victim.read_bytes() == b"precious\n" and (victim.stat().st_mode & 0o777) == 0o644
