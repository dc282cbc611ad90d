"""Per-entry tolerance of state.toml (issue 16 finding 3): one unusable entry never costs any other entry.

A wrong-typed value in one ``[offline.<computer>]`` entry used to make the whole ``[offline]`` table "ignored"; the
next unrelated write (``alias set``) then rewrote the table from that reduced view, and every device credential was
gone — from ``state.toml.bak`` too after a second write. Each entry is now judged alone and kept verbatim.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import tomli_w

from tui.cli.main import main
from tui.state.model import AppState

GOOD = {"portal_url": "https://portal.example.com", "username": "avery", "full_name": "Avery",
        "machine_id": "machine-b", "os_user": "tester", "alias": "lab-b",
        "license": {"level": "Professional", "extensions": {"spatial": True}, "checked_at": 1.0,
                    "disconnected": False},
        "expires_at": 2_000_000_000.0, "checked_out_at": 1_700_000_000.0, "device_credential": "cred-of-machine-b",
        "future_field": "kept by older versions"}
BAD = dict(GOOD, machine_id="machine-c", expires_at="soon", device_credential="cred-of-machine-c")


def _state_file(tmp_path: Path) -> Path:
    state_dir = tmp_path / "state"
    state_dir.mkdir(mode=0o700)
    path = state_dir / "state.toml"
    data = {"schema_version": 1, "revision": 3, "workstation_alias": "old",
            "offline": {"machine-b": GOOD, "machine-c": BAD},
            "offline_intent": {"machine-d": {"intent_id": 7, "portal_url": "x"}},
            "listing_ids": {"https://a.example.com": "id-a", "https://b.example.com": 12},
            "someone_elses_table": {"keep": True}}
    path.write_bytes(tomli_w.dumps(data).encode())
    path.chmod(0o600)
    return path


def test_alias_set_twice_keeps_every_credential_and_the_bad_entry_verbatim(tmp_path, monkeypatch, capsys):
    path = _state_file(tmp_path)
    before = tomllib.loads(path.read_text())
    monkeypatch.setenv("ALLSOURCE_TUI_STATE_DIR", str(path.parent))
    monkeypatch.setenv("ALLSOURCE_TUI_MACHINE_ID", "machine-a")

    assert main(["alias", "set", "lab-a"]) == 0
    assert main(["alias", "set", "lab-a2"]) == 0

    for written in (path, path.with_name("state.toml.bak")):
        after = tomllib.loads(written.read_text())
        assert after["offline"] == before["offline"], written.name
        assert after["offline_intent"] == before["offline_intent"]
        assert after["listing_ids"] == before["listing_ids"]
        assert after["someone_elses_table"] == {"keep": True}
    assert tomllib.loads(path.read_text())["workstation_alias"] == "lab-a2"
    assert tomllib.loads(path.with_name("state.toml.bak").read_text())["workstation_alias"] == "lab-a"


def test_the_bad_entries_are_named_once_each_in_the_notices():
    data = {"offline": {"machine-b": GOOD, "machine-c": BAD}, "session": {"username": 3}}
    state = AppState.from_dict(data)
    assert list(state.offline) == ["machine-b"]
    assert state.session is None
    named = [n for n in state.notices if "[offline.machine-c]" in n]
    assert len(named) == 1 and "kept as it is" in named[0]
    assert any("[session]" in n for n in state.notices)
    assert not any("machine-b" in n for n in state.notices)


@pytest.mark.parametrize("key", ["session", "license", "licensing_portal"])
def test_a_bad_single_table_survives_a_write_until_replaced(key):
    data = {key: {"url": 5, "kind": [], "portal_url": 1, "level": 2, "extensions": "x"}, "workstation_alias": "a"}
    state = AppState.from_dict(data)
    state.workstation_alias = "b"
    written = dict(data)
    state.apply_to(written)
    assert written[key] == data[key] and written["workstation_alias"] == "b"


def test_unknown_keys_inside_owned_tables_survive_and_removed_fields_go():
    data = {"offline": {"machine-b": GOOD}}
    state = AppState.from_dict(data)
    entry = state.offline["machine-b"]
    state.offline["machine-b"] = entry._replace(expires_at=None, license=entry.license._replace(extensions={}))
    written = dict(data)
    state.apply_to(written)
    entry = written["offline"]["machine-b"]
    assert entry["future_field"] == "kept by older versions"
    assert entry["license"]["extensions"] == {} and "expires_at" not in entry


def test_an_entry_the_service_removes_is_removed():
    data = {"offline": {"machine-b": GOOD, "machine-c": BAD}}
    state = AppState.from_dict(data)
    del state.offline["machine-b"]
    written = dict(data)
    state.apply_to(written)
    assert written["offline"] == {"machine-c": BAD}


def test_a_half_readable_portals_table_is_kept_verbatim_by_the_next_write(tmp_path: Path) -> None:
    """Found by TP-CORRUPT after the merge: good ``urls`` beside a wrong-typed ``active`` were rewritten."""
    state_dir = tmp_path / "state"
    state_dir.mkdir(mode=0o700)
    path = state_dir / "state.toml"
    portals = {"urls": ["https://a.example.com"], "active": 5}
    path.write_bytes(tomli_w.dumps({"schema_version": 1, "revision": 1, "portals": portals}).encode())
    path.chmod(0o600)
    assert main(["--state-dir", str(state_dir), "alias", "set", "lab"]) == 0
    assert tomllib.loads(path.read_text())["portals"] == portals


def test_a_session_token_of_the_wrong_type_does_not_break_the_next_write(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    state_dir.mkdir(mode=0o700)
    path = state_dir / "state.toml"
    session = {"portal_url": "https://a.example.com", "username": "u", "expires_at": 1.0, "access_token": [1]}
    path.write_bytes(tomli_w.dumps({"schema_version": 1, "revision": 1, "session": session}).encode())
    path.chmod(0o600)
    assert main(["--state-dir", str(state_dir), "alias", "set", "lab"]) == 0
    kept = tomllib.loads(path.read_text())["session"]
    assert {key: value for key, value in kept.items() if key != "token_store"} == session  # + where tokens live
