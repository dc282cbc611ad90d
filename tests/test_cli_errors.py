"""Every CLI error is one sentence that says what happened and what to do next (issue 17, item 9), and the help of
every command with actions lists them. Real subprocesses; the portal is the demo portal over HTTPS on 127.0.0.1.
"""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from tests.conftest import cli_env
from tests.test_cli_e2e import run_cli, sign_in

pytestmark = pytest.mark.e2e


def one_line(result: subprocess.CompletedProcess) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_wrong_password_says_what_to_do(tmp_path, demo_portal):
    result = sign_in(cli_env(tmp_path, demo_portal), "pro_adv", "wrong-password")
    assert result.returncode == 3
    assert one_line(result) == ("Invalid username or password. Check the username and Caps Lock, then run "
                                "`allsource-tui sign-in` again.")


def test_http_404_says_to_check_the_portal_url(tmp_path, demo_portal):
    env = cli_env(tmp_path, demo_portal)
    result = run_cli(env, "sign-in", "--portal", demo_portal.url + "/no-such-portal", "--username", "pro_adv",
                     "--password-stdin", stdin="x\n")
    assert result.returncode != 0
    line = one_line(result)
    assert "HTTP 404" in line and "check the portal URL" in line, line


def test_unreachable_portal_set_names_the_force_command_and_has_no_dot_semicolon(tmp_path, demo_portal):
    env = cli_env(tmp_path, demo_portal, max_retries=1)  # a retry still happens; 3 waited ~1.75 s on average
    demo_portal.stop()
    refused = run_cli(env, "portal", "set", "enterprise", "https://127.0.0.1:9/portal")
    assert refused.returncode == 5
    line = one_line(refused)
    assert line.endswith("To save it anyway, run `allsource-tui portal set enterprise https://127.0.0.1:9/portal "
                         "--force`.")
    assert ".;" not in line and "Could not reach 127.0.0.1:9" in line


def test_demo_portal_on_a_port_in_use_is_one_sentence_and_exit_2_before_any_banner(tmp_path):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        result = run_cli({**_env(tmp_path)}, "demo-portal", "--port", str(port), "--data", str(tmp_path / "d"))
    assert result.returncode == 2
    assert result.stdout == ""  # no banner announcing a portal that never listened
    assert one_line(result) == (f"The demo portal cannot listen on 127.0.0.1 port {port}: the port is already in "
                                "use; choose another port with --port (--port 0 picks a free one).")


@pytest.mark.parametrize("port", ["99999", "-1", "eighty"])
def test_demo_portal_refuses_an_impossible_port(tmp_path, port):
    result = run_cli(_env(tmp_path), "demo-portal", "--port", port, "--data", str(tmp_path / "d"))
    assert result.returncode == 2 and result.stdout == ""
    line = one_line(result)
    assert line.startswith("allsource-tui: argument --port: must be ") and "0 to 65535" in line


@pytest.mark.parametrize(("command", "actions"), [
    ("alias", ["show", "set"]),
    ("portals", ["list", "add", "remove", "activate"]),
    ("portal", ["show", "set"]),
])
def test_help_of_a_command_lists_each_action_with_what_it_does(tmp_path, command, actions):
    result = run_cli(_env(tmp_path), command, "--help")
    assert result.returncode == 0
    listed = {line.split()[0]: line.split(maxsplit=1)[1:] for line in result.stdout.splitlines()
              if line.startswith("    ") and line.strip()}
    for action in actions:
        assert listed.get(action), f"`{command} --help` does not describe {action}:\n{result.stdout}"


def _env(tmp_path: Path) -> dict[str, str]:
    import os

    return {**os.environ, "ALLSOURCE_TUI_STATE_DIR": str(tmp_path / "state"),
            "ALLSOURCE_TUI_CONFIG": str(tmp_path / "none.toml")}


