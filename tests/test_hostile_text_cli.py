"""Hostile text never reaches the terminal from the CLI (issue 11, item 1): a property test over generated strings.

Every string field `status` shows is read from a state.toml full of terminal controls; every portal field the CLI
shows (names, user type, workstation alias, error messages and details, refusal sentences) comes from a portal that
sends them. Whatever the string, stdout and stderr hold no C0/C1 control, ESC or bidi override: the text is cleaned
where it is parsed (tui/core/text.py) and shown visibly escaped.
"""

from __future__ import annotations

import io
import itertools
import json
import sys
import time
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, Phase, given, settings

from tests.hostile_support import HostilePortal, hostile_strings, strings_in, unsafe_in
from tui.cli.main import main
from tui.core.machine import MachineIdentity
from tui.core.text import clean

MACHINE_ID = "machine-hostile"
STATE_FIELDS = ("last_username", "workstation_alias", "licensing_portal.url", "portals.urls", "portals.active",
                "session.portal_url", "session.username", "session.full_name", "license.level", "license.user_type",
                "license.extensions", "offline.alias", "offline.username", "offline.full_name", "offline.os_user",
                "offline.portal_url")
CLI_RUNS: dict[str, int] = {"strings": 0, "fields": 0}
EXAMPLE_NUMBERS = itertools.count()
STATUS_LINES_OF_PLAIN_TEXT = ("Signed in as", "Session expires", "Licensing portal", "License",
                              "Extensions", "Workstation alias", "Offline", "Secrets", "TLS certificate checks")


def hostile_state(text: str) -> dict:
    """A state.toml that is valid in every way except that each displayed string is ``text``."""
    later = time.time() + 86_400
    license_table = {"level": text, "user_type": text, "extensions": {text: True}, "checked_at": 1.0}
    machine_key = MachineIdentity(machine_id=MACHINE_ID, os_user="tester", hostname="h").machine_key
    return {
        "schema_version": 1, "revision": 1, "last_username": text, "workstation_alias": text,
        "licensing_portal": {"url": text, "kind": "online"},
        "portals": {"urls": [text, "https://127.0.0.1:8443"], "active": text},
        "session": {"portal_url": text, "username": text, "full_name": text, "auto_sign_in": True,
                    "method": "password", "access_token": "token-abcdef0123456789", "expires_at": later,
                    "signed_in_at": 1.0},
        "license": license_table,
        "offline": {machine_key: {"portal_url": text, "username": text, "full_name": text,
                                  "machine_id": machine_key, "os_user": text, "alias": text,
                                  "license": license_table, "expires_at": later, "checked_out_at": 1.0}},
    }


def run_cli(capsys, argv: list[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("ALLSOURCE_TUI_MACHINE_ID", MACHINE_ID)
    monkeypatch.setenv("ALLSOURCE_TUI_OS_USER", "tester")
    config = tmp_path / "config.toml"
    config.write_text('[portal]\nlicensing_portal_url = "https://127.0.0.1:8443"\n[network]\nmax_retries = 0\n'
                      "verify_tls = false\n\"\\u001b]0;owned\\u0007\" = 1\n")
    return tmp_path / "state", config


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile_strings)
def test_status_shows_no_control_character_from_a_hostile_state_file(text: str, cli_dirs, capsys) -> None:
    state_dir, config = cli_dirs
    state_dir.mkdir(mode=0o700, exist_ok=True)
    (state_dir / "state.toml").write_bytes(tomli_w.dumps(hostile_state(text)).encode())
    (state_dir / "state.toml").chmod(0o600)
    base = ["--config", str(config), "--state-dir", str(state_dir), "status"]
    code, out, err = run_cli(capsys, base)
    assert unsafe_in(out + err) == [], (text, out, err)
    # no line was added by a hostile newline (the active portal is the licensing portal, so it has no line)
    lines = out.splitlines()
    assert len(lines) == len(STATUS_LINES_OF_PLAIN_TEXT), out
    assert all(line.startswith(start) for line, start in zip(lines, STATUS_LINES_OF_PLAIN_TEXT, strict=True)), out
    assert clean(text) in out  # shown, visibly escaped, not dropped
    json_code, json_out, json_err = run_cli(capsys, [*base, "--json"])
    assert unsafe_in(json_out + json_err) == []
    assert all(unsafe_in(s) == [] for s in strings_in(json.loads(json_out)))  # JSON escaping is not the defence
    assert (code, json_code) == (0, 0)
    CLI_RUNS["strings"] += 1
    CLI_RUNS["fields"] += len(STATE_FIELDS)


def test_zz_state_figure() -> None:
    """The figure line for README › Figures (visible with -s)."""
    if CLI_RUNS["strings"]:
        print(f"\nHOSTILE-TEXT CLI (state.toml): {CLI_RUNS['strings']} strings x {len(STATE_FIELDS)} fields = "
              f"{CLI_RUNS['fields']} field renderings through `status` and `status --json`, 0 control bytes out")


PORTAL_FIELDS = ("fullName (sign-in, status)", "user type (status --json)", "workstationAlias (authorize, status)",
                 "error message", "error details", "refusal alias (ASTUI_OFFLINE_HELD)")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # an example takes ~1 s: no shrinking
@given(text=hostile_strings)
def test_portal_text_reaches_the_terminal_escaped(text: str, cli_dirs, capsys, monkeypatch, tmp_path) -> None:
    from tui.cli import commands
    from tui.demo_portal import create_app
    from tui.service.licensing import open_service

    state_dir, config = cli_dirs
    run = next(EXAMPLE_NUMBERS)  # tmp_path is shared by the examples: each gets its own portal and state
    portal = HostilePortal(create_app(tmp_path / f"portal-{run}"), text)
    monkeypatch.setattr(commands, "open_service", lambda locations: open_service(locations, transport=portal))
    base = ["--config", str(config), "--state-dir", str(state_dir / f"run-{run}")]
    outputs = []
    monkeypatch.setattr(sys, "stdin", io.StringIO("allsource-demo\n"))
    outputs.append(run_cli(capsys, [*base, "sign-in", "--username", "pro_adv", "--password-stdin"]))
    outputs.append(run_cli(capsys, [*base, "license", "--json"]))
    outputs.append(run_cli(capsys, [*base, "offline", "authorize", "--connect"]))
    outputs.append(run_cli(capsys, [*base, "status"]))
    portal.mode = "error"
    outputs.append(run_cli(capsys, [*base, "license"]))
    portal.mode = "refusal"
    outputs.append(run_cli(capsys, [*base, "offline", "check-in"]))
    for _code, out, err in outputs:
        assert unsafe_in(out + err) == [], (text, out, err)
    assert [code for code, _, _ in outputs] == [0, 0, 0, 0, 1, 6], outputs
    assert clean(text).strip() in outputs[0][1] and clean(text).strip() in outputs[3][1]
    assert "refused the request" in outputs[4][2] and "another computer" in outputs[5][2]
    CLI_RUNS["portal_strings"] = CLI_RUNS.get("portal_strings", 0) + 1


def test_zz_portal_figure() -> None:
    runs = CLI_RUNS.get("portal_strings", 0)
    if runs:
        print(f"\nHOSTILE-TEXT CLI (portal): {runs} strings x {len(PORTAL_FIELDS)} fields = "
              f"{runs * len(PORTAL_FIELDS)} field renderings through sign-in, license, offline, status and error "
              "sentences, 0 control bytes out")
