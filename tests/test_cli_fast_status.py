"""The fast `status` path (tui/cli/fast_status.py) answers exactly like the full command line: same output, notices,
errors and exit codes on the same files, and it only takes the command lines argparse would read the same way."""

from __future__ import annotations

import asyncio
import re
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.cli.fast_status import StatusCall, plain_status_call, run_status
from tui.cli.main import build_parser
from tui.cli.main import main as full_main


# --- which command lines the fast path takes -------------------------------------------------------------------
@pytest.mark.parametrize("argv, expected", [
    (["status"], StatusCall(None, None, False)),
    (["status", "--json"], StatusCall(None, None, True)),
    (["--config", "c.toml", "--state-dir", "st", "status"], StatusCall("c.toml", "st", False)),
    (["--state-dir=st", "--demo", "--config=", "status", "--json"], StatusCall("", "st", True)),
    (["--config", "status", "status"], StatusCall("status", None, False)),
])
def test_plain_status_command_lines_take_the_fast_path(argv, expected):
    assert plain_status_call(argv) == expected


@pytest.mark.parametrize("argv", [
    [], ["--help"], ["status", "--help"], ["-h", "status"], ["--version"], ["license"], ["status", "--json", "x"],
    ["--debug", "status"], ["--conf", "c.toml", "status"], ["--config", "a", "--config", "b", "status"],
    ["--config"], ["--config", "-x", "status"], ["--demo=1", "status"], ["status", "--js"], ["--config", "status"],
    ["status", "--json", "--json"], ["--", "status"],
])
def test_everything_else_goes_to_argparse(argv):
    assert plain_status_call(argv) is None


def test_debug_from_the_environment_goes_to_argparse(monkeypatch):
    monkeypatch.setenv("ALLSOURCE_TUI_DEBUG", "1")
    assert plain_status_call(["status"]) is None


WORDS = ["status", "--json", "--config", "--config=c.toml", "--state-dir", "--state-dir=", "st", "--demo", "--debug",
         "-x", "--conf", "--state", "license", "-h", "--", "=", "", "--json=1", "--demo=", "c.toml"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=7))
def test_a_taken_command_line_is_read_as_argparse_reads_it(argv):
    call = plain_status_call(argv)
    if call is None:
        return
    args = build_parser().parse_args(argv)
    assert (args.command, args.config, args.state_dir, args.json, args.debug) == (
        "status", call.config, call.state_dir, call.as_json, False)


# --- same answer as the full command line -----------------------------------------------------------------------
@pytest.fixture
def cli_files(tmp_path: Path, monkeypatch) -> dict[str, Path]:
    monkeypatch.setenv("ALLSOURCE_TUI_MACHINE_ID", "machine-a")
    monkeypatch.setenv("ALLSOURCE_TUI_OS_USER", "tester")
    config = tmp_path / "config.toml"
    config.write_text('[portal]\nlicensing_portal_url = "https://127.0.0.1:8443"\n')
    return {"config": config, "state": tmp_path / "state", "template": tmp_path / "template"}


def run_both(capsys, files: dict[str, Path], *extra: str) -> tuple[tuple, tuple]:
    """(exit code, stdout, stderr) of the full command line, then of the fast path, each on a fresh copy of the
    template state (a status run may quarantine a file or fix a mode, and its notices say so)."""
    argv = ["--config", str(files["config"]), "--state-dir", str(files["state"]), *extra, "status"]
    outcomes = []
    for run in (lambda: full_main(argv), lambda: run_status(plain_status_call(argv))):
        for as_json in (False, True):
            shutil.rmtree(files["state"], ignore_errors=True)
            if files["template"].exists():
                shutil.copytree(files["template"], files["state"], symlinks=True)
            if as_json:
                argv.append("--json")
            code = run()
            if as_json:
                argv.pop()
            out, err = capsys.readouterr()
            outcomes.append((code, _timeless(out), _timeless(err)))
    return tuple(outcomes[:2]), tuple(outcomes[2:])


def _timeless(text: str) -> str:
    return re.sub(r"corrupt-[0-9TZ:\-_.]+", "corrupt-<time>", text)


async def _signed_in_template(make_local_app, template: Path, *, offline: bool) -> None:
    service = make_local_app("machine-a", app=False)
    await service.sign_in("pro_adv", "allsource-demo")
    if offline:
        service.set_alias("desk-7")
        await service.authorize_offline(connect=False)
    await service.aclose()
    shutil.copytree(service.store.state_dir, template)


def test_no_state_same_answer_and_exit_3(capsys, cli_files):
    full, fast = run_both(capsys, cli_files)
    assert full == fast
    assert full[0][0] == 3 and "You are not signed in" in full[0][2]


@pytest.mark.parametrize("offline", [False, True], ids=["signed-in", "offline"])
def test_signed_in_and_offline_same_answer(capsys, cli_files, make_local_app, offline):
    # A sync test: the full command line runs its own event loop (asyncio.run).
    asyncio.run(_signed_in_template(make_local_app, cli_files["template"], offline=offline))
    full, fast = run_both(capsys, cli_files)
    assert full == fast
    assert full[0][0] == 0 and '"username": "pro_adv"' in full[1][1]
    assert ('"authorized": true' in full[1][1]) is offline


@pytest.mark.parametrize("damage", ["garbage", "newer-schema", "open-folder", "keyring-session", "wrong-types"])
def test_damaged_state_same_notices(capsys, cli_files, damage):
    template = cli_files["template"]
    template.mkdir(mode=0o700)
    state = template / "state.toml"
    if damage == "garbage":
        state.write_bytes(b"\x00 not toml [[[")
    elif damage == "newer-schema":
        state.write_text('schema_version = 99\nrevision = 1\nworkstation_alias = "desk"\n')
    elif damage == "open-folder":
        template.chmod(0o755)
        state.write_text('schema_version = 1\nrevision = 1\nlast_username = "someone"\n')
    elif damage == "keyring-session":
        state.write_text('schema_version = 1\nrevision = 1\n[session]\nportal_url = "https://127.0.0.1:8443"\n'
                         'username = "u"\nfull_name = "U"\nauto_sign_in = true\nmethod = "password"\n'
                         f'token_store = "keyring"\nexpires_at = {2**33}\nsigned_in_at = 1\n')
    else:
        state.write_text('schema_version = 1\nrevision = 1\nlicense = "not a table"\nworkstation_alias = 7\n')
    state.chmod(0o600)
    full, fast = run_both(capsys, cli_files)
    assert full == fast
    assert "Note:" in full[0][1] or damage == "keyring-session"


@pytest.mark.parametrize("config_text", ['[portal]\nlicensing_portal_url = "http://x"\n', "[portal\n",
                                         '[ui]\nunknown_key = 1\n'])
def test_config_errors_and_warnings_same_answer(capsys, cli_files, config_text):
    cli_files["config"].write_text(config_text)
    full, fast = run_both(capsys, cli_files)
    assert full == fast


def test_unexpected_errors_end_the_same_way(capsys, cli_files, monkeypatch):
    # The last net of both paths: one redacted sentence (the token-looking field is masked), exit 1.
    def broken(*args, **kwargs):
        raise RuntimeError("disk said token=abcdefgh12345678")

    monkeypatch.setattr("tui.core.machine.current_machine", broken)
    monkeypatch.setattr("tui.service.licensing.current_machine", broken)
    full, fast = run_both(capsys, cli_files)
    assert full == fast
    assert full[0][0] == 1 and "abcdefgh12345678" not in full[0][2] and "Unexpected error (RuntimeError" in full[0][2]


def test_the_entry_point_uses_the_fast_path(monkeypatch, cli_files, capsys):
    import tui.__main__

    monkeypatch.setattr(sys, "argv", ["allsource-tui", "--state-dir", str(cli_files["state"]), "status", "--json"])
    monkeypatch.setitem(sys.modules, "tui.cli.main", None)  # importing the full command line would fail
    with pytest.raises(SystemExit) as ended:
        tui.__main__.main()
    assert ended.value.code == 3 and '"signed_in": false' in capsys.readouterr().out
