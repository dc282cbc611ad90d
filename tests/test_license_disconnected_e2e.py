"""`disconnected: true` from userEntitlements reaches `license --json`, `status --json` and the text output (issue 12,
finding 3), through the real CLI against the demo portal over HTTPS (its main() in this process:
tests/cli_in_process.py)."""

from __future__ import annotations

import json

import pytest

from tests import cli_in_process
from tests.cli_in_process import run_cli
from tests.conftest import DEMO_PASSWORD, cli_env

pytestmark = pytest.mark.e2e


def sign_in(env: dict, username: str, password: str = DEMO_PASSWORD):
    return cli_in_process.sign_in(env, username, password)


def test_a_checked_out_license_shows_disconnected_everywhere(tmp_path, demo_portal):
    env = cli_env(tmp_path, demo_portal)
    assert sign_in(env, "pro_adv").returncode == 0
    before = json.loads(run_cli(env, "license", "--json").stdout)
    assert before["license"]["disconnected"] is False
    authorized = run_cli(env, "offline", "authorize", "--connect")
    assert authorized.returncode == 0, authorized.stderr
    license_json = run_cli(env, "license", "--json")
    assert license_json.returncode == 0, license_json.stderr
    assert json.loads(license_json.stdout)["license"]["disconnected"] is True
    assert json.loads(run_cli(env, "status", "--json").stdout)["license"]["disconnected"] is True
    text = run_cli(env, "license")
    assert "Disconnected: yes — the portal says this license is checked out for offline use" in text.stdout
