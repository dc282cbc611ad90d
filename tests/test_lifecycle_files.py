"""Issue 16 finding 7, the parts outside the service flows: absurd input never crashes, and nothing secret lingers.

* a deeply nested state.toml is quarantined with one sentence (the TUI starts normally); a deeply nested config.toml
  ends the command with exit 2 and one sentence;
* ``"expires": 1e400`` (JSON infinity) from the portal is an unusable answer, not an OverflowError;
* after sign-out, state.toml.bak no longer holds the session's tokens;
* temp files of the state file (which may hold a device credential) are removed at start, not 10 minutes later.
"""

from __future__ import annotations

import os

import httpx
import pytest

from tests.conftest import screen_text, settle
from tests.faultproxy import FaultProxy
from tests.lifecycle_harness import Cell
from tui.core.errors import PortalError
from tui.portal import PortalClient

DEEP = "a = " + "[" * 5000 + "]" * 5000 + "\n"


def _deep_state(cell: Cell) -> None:
    cell.write_state({})
    cell.state_path.write_text(DEEP, encoding="utf-8")


def test_a_deeply_nested_state_file_is_quarantined_with_one_sentence(tmp_path):
    cell = Cell.__new__(Cell)  # no portal needed: `status` makes no network call
    cell.state_dir, cell.config, cell.machine_id = tmp_path / "state", tmp_path / "none.toml", "machine-a"
    _deep_state(cell)
    outcome = cell.run("status")
    assert outcome.exit_code == 3, outcome.stderr  # not signed in: the state started empty
    assert "nests tables or arrays too deeply" in outcome.stdout
    assert not cell.state_path.exists()
    quarantined = list(cell.state_dir.glob("state.toml.corrupt-*"))
    assert len(quarantined) == 1 and quarantined[0].read_text() == DEEP


def test_a_deeply_nested_config_file_is_exit_2_with_one_sentence(tmp_path):
    cell = Cell.__new__(Cell)
    cell.state_dir, cell.config, cell.machine_id = tmp_path / "state", tmp_path / "config.toml", "machine-a"
    cell.config.write_text(DEEP, encoding="utf-8")
    outcome = cell.run("status")
    assert outcome.exit_code == 2
    assert outcome.stderr.count("\n") == 1 and "nests tables or arrays too deeply" in outcome.stderr


async def test_the_tui_starts_on_a_deeply_nested_state_file(make_local_app, tmp_path):
    state_dir = tmp_path / "local-state" / "machine-a"
    state_dir.mkdir(parents=True, mode=0o700)
    (state_dir / "state.toml").write_text(DEEP, encoding="utf-8")
    app = make_local_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        assert "nests tables or arrays too deeply" in screen_text(app).replace("\n", " ") or any(
            "nests tables" in notice for notice in app.service.notices())
        assert app.is_running
    assert list(state_dir.glob("state.toml.corrupt-*"))


@pytest.mark.parametrize("body", [b'{"token": "t0123456789", "expires": 1e400}',
                                  b'{"error": {"code": 1e400, "message": "no"}}',
                                  b'{"token": "t0123456789", "expires": -1e400}'])
async def test_an_infinite_number_from_the_portal_is_an_unusable_answer(body):
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body,
                                                                   headers={"Content-Type": "application/json"}))
    async with httpx.AsyncClient(transport=transport) as http:
        client = PortalClient("https://portal.example.com", http, referer="r", max_retries=0)
        with pytest.raises(PortalError) as raised:  # an unusable answer or a refusal: never OverflowError
            await client.generate_token("u", "p", expiration_minutes=60)
    assert "portal.example.com" in raised.value.user_message


def test_sign_out_leaves_no_token_in_the_backup(tmp_path, demo_portal):
    with FaultProxy(demo_portal.url, demo_portal.ca_path, tmp_path / "proxy") as proxy:
        cell = Cell(demo_portal, proxy, tmp_path / "a", machine_id="machine-a")
        cell.must(cell.sign_in())
        cell.must(cell.run("alias", "set", "lab-a"))  # the .bak now holds the signed-in state
        token = cell.read_state()["session"]["access_token"]
        assert token in cell.state_path.with_name("state.toml.bak").read_text()
        cell.must(cell.run("sign-out"))
    for path in cell.state_dir.iterdir():
        assert token not in path.read_text(errors="replace"), path.name
    assert "lab-a" in cell.state_path.with_name("state.toml.bak").read_text()  # the rest of the .bak stays


def test_leftover_temp_files_are_removed_at_start_not_ten_minutes_later(tmp_path):
    cell = Cell.__new__(Cell)
    cell.state_dir, cell.config, cell.machine_id = tmp_path / "state", tmp_path / "none.toml", "machine-a"
    cell.write_state({"workstation_alias": "lab"})
    leftover = cell.state_dir / ".state.toml.0123456789abcdef.tmp"  # a crash between writing and replacing
    leftover.write_text('[offline.machine-a]\ndevice_credential = "secret-credential"\n')
    os.chmod(leftover, 0o600)
    other = cell.state_dir / "notes.tmp"  # not ours: never touched
    other.write_text("keep")
    cell.run("status")
    assert not leftover.exists()
    assert other.exists()
