"""TP-CORRUPT: every kind of unreadable state file is quarantined byte-identical, .bak is used when valid (S-3)."""

from __future__ import annotations

import errno
import hashlib
import os
import sys
import tomllib
from pathlib import Path

import pytest

import tui.state.file as state_file
from tui.core.errors import StateFileError, StateReadOnlyError
from tui.state.store import StateStore

if str(Path(__file__).parent) not in sys.path:  # forkserver children import state_workers by this path
    sys.path.insert(0, str(Path(__file__).parent))
import state_workers

GOLDEN = """\
schema_version = 1
revision = 7
workstation_alias = "build-box-3"
last_username = "pro_adv"

[licensing_portal]
url = "https://127.0.0.1:8443"
kind = "online"

[portals]
urls = ["https://127.0.0.1:8443", "https://127.0.0.1:8443/portal"]
active = "https://127.0.0.1:8443"

[session]
portal_url = "https://127.0.0.1:8443"
username = "pro_adv"
full_name = "Avery Pro \u2014 \u00dcn\u00efcode"
sign_in_automatically = true
token_expires = 1800003600

[[offline_history]]
machine = "m-1"
when = 2026-01-02T03:04:05Z
""".encode()
BACKUP = b'schema_version = 1\nrevision = 6\nlast_username = "from_backup"\n'


def expected_parse(raw: bytes) -> dict | None:
    """Independent oracle: what a valid file means, or None if it is not a valid state file."""
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    for key in ("schema_version", "revision"):
        if key in data and (type(data[key]) is not int or data[key] < 0):
            return None
    return data


def body(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in ("schema_version", "revision")}


def make_dir(directory: Path, raw: bytes, *, backup: bytes | None = None) -> Path:
    directory.mkdir(mode=0o700, exist_ok=True)
    state = directory / "state.toml"
    state.write_bytes(raw)
    os.chmod(state, 0o600)
    if backup is not None:
        (directory / "state.toml.bak").write_bytes(backup)
        os.chmod(directory / "state.toml.bak", 0o600)
    return state


def quarantined(directory: Path) -> list[Path]:
    return sorted(directory.glob("state.toml.corrupt-*"))


class Tally:
    def __init__(self) -> None:
        self.cases = self.uncaught = self.bad = self.quarantined = self.with_line = self.bak_used = 0

    def check_one(self, directory: Path, raw: bytes, backup: bytes | None) -> None:
        self.cases += 1
        make_dir(directory, raw, backup=backup)
        store = StateStore(directory)
        try:
            data = store.load()
        except Exception:
            self.uncaught += 1
            return
        expected = expected_parse(raw)
        if expected is not None:
            self.bad += body(data) != body(expected) or bool(store.notices) or bool(quarantined(directory))
            return
        self.bad += not self._quarantine_ok(directory, store, raw)
        if backup is None:
            self.bad += data != {} or "sign in again" not in store.notices[0]
        else:
            used = body(data) == body(tomllib.loads(backup.decode())) and "last good copy" in store.notices[0]
            restored = (directory / "state.toml").read_bytes() == backup
            self.bak_used += used and restored

    def _quarantine_ok(self, directory: Path, store: StateStore, raw: bytes) -> bool:
        copies = quarantined(directory)
        error = store.last_error
        if len(copies) != 1 or copies[0].read_bytes() != raw or error is None or len(store.notices) != 1:
            return False
        self.quarantined += 1
        self.with_line += error.line is not None
        return (error.quarantined_to == str(copies[0]) and str(directory / "state.toml") in store.notices[0]
                and str(copies[0]) in store.notices[0])


def test_tp_corrupt_golden_file_truncated_at_every_byte(tmp_path: Path) -> None:
    assert expected_parse(GOLDEN) is not None
    tally = Tally()
    with state_workers.fast_dir(tmp_path) as work_dir:
        for offset in range(len(GOLDEN)):
            tally.check_one(work_dir / f"nobak{offset}", GOLDEN[:offset], None)
            tally.check_one(work_dir / f"bak{offset}", GOLDEN[:offset], BACKUP)
    broken = tally.quarantined
    print(f"TP-CORRUPT: golden file truncated at {len(GOLDEN)} offsets, with and without .bak ({tally.cases} cases): "
          f"{tally.uncaught} uncaught exceptions, {tally.bad} wrong outcomes; {broken} unreadable prefixes all "
          f"quarantined byte-identical with path, {tally.with_line}/{broken} with a line; .bak used "
          f"{tally.bak_used}/{broken // 2}")
    assert tally.uncaught == tally.bad == 0
    assert broken > len(GOLDEN) and tally.with_line == broken and tally.bak_used == broken // 2


BAD_FILES = {
    "empty-but-NUL": b"\x00",
    "NUL in a string": GOLDEN.replace(b"build-box-3", b"build\x00box"),
    "bad UTF-8": GOLDEN.replace(b"build-box-3", b"build\xff\xfebox"),
    "duplicate key": b"schema_version = 1\nuser = 'a'\nuser = 'b'\n",
    "duplicate table": b"[session]\nuser = 'a'\n[session]\nuser = 'b'\n",
    "schema_version is a string": b'schema_version = "1"\n',
    "schema_version is a bool": b"schema_version = true\n",
    "schema_version is negative": b"schema_version = -1\n",
    "schema_version is a table": b"[schema_version]\nx = 1\n",
    "revision is a float": b"schema_version = 1\nrevision = 1.5\n",
    "HTML instead of TOML": b"<html><body>502 Bad Gateway</body></html>\n",
    "JSON instead of TOML": b'{"schema_version": 1}\n',
    "CRLF with a bare CR": b"schema_version = 1\r\nuser = 'a'\rx = 1\n",
}


@pytest.mark.parametrize("backup", [None, BACKUP], ids=["no-bak", "bak"])
def test_tp_corrupt_bad_files(tmp_path: Path, backup: bytes | None) -> None:
    tally = Tally()
    for number, (name, raw) in enumerate(BAD_FILES.items()):
        assert expected_parse(raw) is None, name
        tally.check_one(tmp_path / f"case{number}", raw, backup)
    print(f"TP-CORRUPT: {len(BAD_FILES)} bad files ({'with' if backup else 'without'} .bak): {tally.uncaught} "
          f"uncaught, {tally.bad} wrong outcomes, {tally.quarantined} quarantined byte-identical, "
          f"{tally.with_line} naming a line, .bak used {tally.bak_used}")
    assert tally.uncaught == tally.bad == 0 and tally.quarantined == len(BAD_FILES)
    assert tally.bak_used == (len(BAD_FILES) if backup else 0)
    assert tally.with_line == len(BAD_FILES)


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    make_dir(tmp_path / "bom", b"\xef\xbb\xbf" + GOLDEN)
    make_dir(tmp_path / "crlf", GOLDEN.replace(b"\n", b"\r\n"))
    for name in ("bom", "crlf"):
        store = StateStore(tmp_path / name)
        assert store.load() == tomllib.loads(GOLDEN.decode()) and store.notices == []


def test_notice_names_the_line_of_the_problem(tmp_path: Path) -> None:
    make_dir(tmp_path, b'schema_version = 1\nuser = "a"\nport = 84 43\n')
    store = StateStore(tmp_path)
    assert store.load() == {}
    assert "line 3" in store.notices[0] and store.last_error is not None and store.last_error.line == 3
    make_dir(tmp_path / "utf", b'schema_version = 1\n\nuser = "\xc3\x28"\n')
    store = StateStore(tmp_path / "utf")
    store.load()
    assert "line 3, column 9" in store.notices[0] and "UTF-8" in store.notices[0]


def test_huge_file_is_quarantined_without_being_parsed(tmp_path: Path) -> None:
    state = make_dir(tmp_path, b"")
    os.truncate(state, 50 * 1024 * 1024)  # 50 MB of NUL bytes, sparse
    store = StateStore(tmp_path)
    assert store.load() == {}
    copy = quarantined(tmp_path)[0]
    assert copy.stat().st_size == 50 * 1024 * 1024 and "bytes" in store.notices[0]
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == hashlib.sha256(bytes(50 * 1024 * 1024)).hexdigest()


def test_directory_and_fifo_in_place_of_the_file(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "state.toml").mkdir()
    (tmp_path / "d" / "state.toml" / "inside").write_text("kept")
    store = StateStore(tmp_path / "d")
    assert store.load() == {} and "folder" in store.notices[0]
    assert (quarantined(tmp_path / "d")[0] / "inside").read_text() == "kept"
    (tmp_path / "f").mkdir()
    os.mkfifo(tmp_path / "f" / "state.toml")
    store = StateStore(tmp_path / "f")
    assert store.load() == {} and len(quarantined(tmp_path / "f")) == 1
    with store.transaction() as data:  # after quarantine, saving works again
        data["user"] = "a"
    assert StateStore(tmp_path / "f").load()["user"] == "a"


def test_unreadable_mode_000(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state = make_dir(tmp_path, GOLDEN, backup=BACKUP)
    os.chmod(state, 0o000)
    if os.geteuid() == 0:  # root reads anything: make the open fail the way it does for everyone else
        real_open = os.open

        def open_denied(path: object, flags: int, *args: object) -> int:
            if Path(str(path)) == state and flags & os.O_NOFOLLOW and not flags & os.O_CREAT:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_open(path, flags, *args)

        monkeypatch.setattr(os, "open", open_denied)
    store = StateStore(tmp_path)
    data = store.load()
    monkeypatch.undo()
    assert data["last_username"] == "from_backup" and "permission was denied" in store.notices[0]
    copy = quarantined(tmp_path)[0]
    assert copy.read_bytes() == GOLDEN and copy.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("target", ["state.toml", "elsewhere/state.toml"])
def test_a_looping_or_dangling_symlink_is_refused_and_kept(tmp_path: Path, target: str) -> None:
    os.symlink(target, tmp_path / "state.toml")
    store = StateStore(tmp_path)
    with pytest.raises(StateFileError, match="symbolic link"):
        store.load()
    with pytest.raises(StateFileError, match="symbolic link"), store.transaction() as data:
        data["user"] = "a"
    assert os.readlink(tmp_path / "state.toml") == target and not quarantined(tmp_path)


def test_newer_schema_is_read_only_and_byte_identical(tmp_path: Path) -> None:
    raw = b'schema_version = 999\nrevision = 3\nfuture_thing = { x = 1 }\nlast_username = "pro_adv"\n'
    state = make_dir(tmp_path, raw)
    store = StateStore(tmp_path)
    data = store.load()
    assert data["last_username"] == "pro_adv" and store.read_only and "newer allsource-tui" in store.notices[0]
    with pytest.raises(StateReadOnlyError, match="newer allsource-tui"), store.transaction() as data:
        data["last_username"] = "other"
    assert state.read_bytes() == raw and not (tmp_path / "state.toml.bak").exists()
    fresh = StateStore(tmp_path)
    with pytest.raises(StateReadOnlyError), fresh.transaction():
        pass
    assert state.read_bytes() == raw


def test_bak_that_is_corrupt_or_newer_is_not_used(tmp_path: Path) -> None:
    for name, backup in (("corrupt", b"x = [\n"), ("newer", b"schema_version = 5\nuser = 'a'\n")):
        make_dir(tmp_path / name, b"x = ", backup=backup)
        store = StateStore(tmp_path / name)
        assert store.load() == {} and "sign in again" in store.notices[0]
        assert (tmp_path / name / "state.toml.bak").read_bytes() == backup


def test_quarantine_that_cannot_move_the_file_is_a_hard_error(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    state = make_dir(tmp_path, b"x = ")

    def refuse(*args: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(state_file.os, "rename", refuse)
    with pytest.raises(StateFileError, match="could not be moved aside") as caught:
        StateStore(tmp_path).load()
    assert caught.value.path == str(state) and caught.value.line == 1
    with pytest.raises(StateFileError), StateStore(tmp_path).transaction() as data:
        data["user"] = "never written over the unreadable file"
    assert state.read_bytes() == b"x = "


def test_two_quarantines_in_one_second_keep_both_copies(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    make_dir(tmp_path, b"first = ")
    store.load()
    (tmp_path / "state.toml").write_bytes(b"second = ")
    store.load()
    copies = {p.read_bytes() for p in quarantined(tmp_path)}
    assert copies == {b"first = ", b"second = "}


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to create a file owned by another user")
def test_file_of_another_user_is_refused_untouched(tmp_path: Path) -> None:
    state = make_dir(tmp_path, GOLDEN)
    os.chown(state, 65534, 65534)
    os.chmod(state, 0o644)
    with pytest.raises(StateFileError, match="another user"):
        StateStore(tmp_path).load()
    assert state.read_bytes() == GOLDEN and state.stat().st_mode & 0o777 == 0o644 and not quarantined(tmp_path)
