"""The real `allsource-tui` command line, in subprocesses, against the demo portal over HTTPS.

This is the walk-through of issue 2.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import DEMO_PASSWORD, cli_env

pytestmark = pytest.mark.e2e


def run_cli(env: dict, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], input=stdin, env=env, capture_output=True,
                          text=True, timeout=60)


def sign_in(env: dict, username: str, password: str = DEMO_PASSWORD, *extra: str) -> subprocess.CompletedProcess:
    return run_cli(env, "sign-in", "--username", username, "--password-stdin", *extra, stdin=password + "\n")


def test_sign_in_then_status_json_shows_avery_pro_with_advanced(tmp_path, demo_portal):
    env = cli_env(tmp_path, demo_portal)
    signed_in = sign_in(env, "pro_adv", DEMO_PASSWORD, "--portal", demo_portal.url)
    assert signed_in.returncode == 0, signed_in.stderr
    status = run_cli(env, "status", "--json")
    assert status.returncode == 0, status.stderr
    data = json.loads(status.stdout)
    assert data["signed_in"] is True and data["username"] == "pro_adv" and data["full_name"] == "Avery Pro"
    assert data["licensing_portal"] == {"url": demo_portal.url, "kind": "online"}
    assert data["license"]["level"] == "Advanced"
    assert {name for name, on in data["license"]["extensions"].items() if on} == {
        "Spatial Analyst", "3D Analyst", "Image Analyst"}
    assert data["offline"] == {"authorized": False, "machine": None, "workstation_alias": None, "os_user": None,
                               "expires": None}


def test_creator_none_gets_exit_4_and_the_no_license_sentence(tmp_path, demo_portal):
    result = sign_in(cli_env(tmp_path, demo_portal), "creator_none")
    assert result.returncode == 4
    assert "ArcGIS AllSource" in result.stderr and "administrator" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_wrong_password_gets_exit_3_and_invalid_username_or_password(tmp_path, demo_portal):
    result = sign_in(cli_env(tmp_path, demo_portal), "pro_adv", "wrong-password")
    assert result.returncode == 3
    assert result.stderr.strip().startswith("Invalid username or password. ")  # + the next step (test_cli_errors)
    assert "wrong-password" not in result.stdout + result.stderr


def test_fourth_computer_gets_exit_6_until_one_signs_out(tmp_path, demo_portal):
    envs = [cli_env(tmp_path, demo_portal, machine_id=f"computer-{n}") for n in range(4)]
    for env in envs[:3]:
        assert sign_in(env, "pro_adv").returncode == 0
    refused = sign_in(envs[3], "pro_adv")
    assert refused.returncode == 6, refused.stderr
    assert "sign out" in refused.stderr
    assert run_cli(envs[0], "sign-out").returncode == 0
    assert sign_in(envs[3], "pro_adv").returncode == 0


def test_status_without_sign_in_exits_3_and_license_needs_sign_in(tmp_path, demo_portal):
    env = cli_env(tmp_path, demo_portal)
    status = run_cli(env, "status", "--json")
    assert status.returncode == 3
    assert json.loads(status.stdout)["signed_in"] is False
    assert run_cli(env, "license").returncode == 3


def test_bad_portal_url_exits_2_with_a_sentence(tmp_path, demo_portal):
    result = run_cli(cli_env(tmp_path, demo_portal), "sign-in", "--portal", "http://example.com/portal",
                     "--username", "x", "--password-stdin", stdin="pw\n")
    assert result.returncode == 2
    assert "https" in result.stderr


def test_unreachable_portal_exits_5(tmp_path, demo_portal):
    env = cli_env(tmp_path, demo_portal, max_retries=1)  # a retry still happens; 3 waited ~1.75 s on average
    demo_portal.stop()
    result = sign_in(env, "pro_adv")
    assert result.returncode == 5
    assert len(result.stderr.strip().splitlines()) == 1


def test_password_is_never_taken_from_argv_and_no_tty_means_a_clear_error(tmp_path, demo_portal):
    result = run_cli(cli_env(tmp_path, demo_portal), "sign-in", "--username", "pro_adv")
    assert result.returncode == 2
    assert "--password-stdin" in result.stderr
