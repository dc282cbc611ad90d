"""CLI: alias, offline authorize/check-in and the licensing portal commands, against the demo portal.

Through the CLI's main() in this process (tests/cli_in_process.py: ~30 CLI calls, each a child process before);
tests/test_cli_e2e.py covers the console entry point in subprocesses."""

from __future__ import annotations

import json

import pytest

from tests import cli_in_process
from tests.cli_in_process import run_cli
from tests.conftest import DEMO_PASSWORD, cli_env

pytestmark = pytest.mark.e2e


def sign_in(env: dict, username: str, password: str = DEMO_PASSWORD):
    return cli_in_process.sign_in(env, username, password)


def test_alias_set_show_and_refusals(tmp_path, demo_portal):
    env = cli_env(tmp_path, demo_portal)
    assert run_cli(env, "alias", "set", "build-box-3").returncode == 0
    assert "build-box-3" in run_cli(env, "alias", "show").stdout
    too_long = run_cli(env, "alias", "set", "x" * 65)
    assert too_long.returncode == 2 and "at most 64" in too_long.stderr
    blank = run_cli(env, "alias", "set", "   ")
    assert blank.returncode == 2 and "empty" in blank.stderr


def test_offline_authorize_needs_a_flag_without_a_tty_then_status_and_check_in(tmp_path, demo_portal):
    env = cli_env(tmp_path, demo_portal)
    assert sign_in(env, "pro_adv").returncode == 0
    no_flag = run_cli(env, "offline", "authorize")
    assert no_flag.returncode == 2 and "--connect" in no_flag.stderr
    assert run_cli(env, "alias", "set", "field-laptop").returncode == 0
    authorized = run_cli(env, "offline", "authorize", "--no-connect")
    assert authorized.returncode == 0, authorized.stderr
    status = json.loads(run_cli(env, "status", "--json").stdout)
    assert status["signed_in"] is False
    assert status["offline"]["authorized"] is True and status["offline"]["workstation_alias"] == "field-laptop"
    assert status["offline"]["os_user"] and status["license"]["level"] == "Advanced"
    other = cli_env(tmp_path, demo_portal, machine_id="other-computer")
    refused = sign_in(other, "pro_adv")
    assert refused.returncode == 6 and "field-laptop" in refused.stderr
    needs_sign_in = run_cli(env, "offline", "check-in")
    assert needs_sign_in.returncode == 3 and "Sign in" in needs_sign_in.stderr
    assert sign_in(env, "pro_adv").returncode == 0
    checked_in = run_cli(env, "offline", "check-in")
    assert checked_in.returncode == 0, checked_in.stderr
    assert json.loads(run_cli(env, "status", "--json").stdout)["offline"]["authorized"] is False


def test_portal_set_switches_to_enterprise_and_refuses_a_kind_mismatch(tmp_path, demo_portal):
    env = cli_env(tmp_path, demo_portal)
    mismatch = run_cli(env, "portal", "set", "online", demo_portal.enterprise_url)
    assert mismatch.returncode == 2 and "ArcGIS Enterprise" in mismatch.stderr
    changed = run_cli(env, "portal", "set", "enterprise", demo_portal.enterprise_url + "/sharing/rest/")
    assert changed.returncode == 0, changed.stderr
    assert "next time" in changed.stdout
    shown = json.loads(run_cli(env, "portal", "show", "--json").stdout)
    assert shown == {"url": demo_portal.enterprise_url, "kind": "enterprise"}
    assert sign_in(env, "ent_user").returncode == 0
    status = json.loads(run_cli(env, "status", "--json").stdout)
    assert status["license"]["level"] == "Standard"
    listed = json.loads(run_cli(env, "portals", "list", "--json").stdout)["portals"]
    assert {"url": demo_portal.enterprise_url, "active": True, "licensing": True, "signed_in": True} in listed


def test_portal_set_refuses_while_offline_and_bad_urls(tmp_path, demo_portal):
    env = cli_env(tmp_path, demo_portal)
    bad = run_cli(env, "portal", "set", "enterprise", "https://www.example.com/portal")
    assert bad.returncode == 2 and "www." in bad.stderr
    assert sign_in(env, "pro_adv").returncode == 0
    assert run_cli(env, "offline", "authorize", "--connect").returncode == 0
    refused = run_cli(env, "portal", "set", "enterprise", demo_portal.enterprise_url)
    assert refused.returncode == 6 and "check the license in first" in refused.stderr


def test_portal_set_when_unreachable_needs_force(tmp_path, demo_portal):
    env = cli_env(tmp_path, demo_portal, max_retries=1)  # a retry still happens; 3 waited ~1.75 s per call
    demo_portal.stop()
    refused = run_cli(env, "portal", "set", "enterprise", "https://127.0.0.1:9/portal")
    assert refused.returncode == 5 and "anyway" in refused.stderr
    forced = run_cli(env, "portal", "set", "enterprise", "https://127.0.0.1:9/portal", "--force")
    assert forced.returncode == 0
    assert json.loads(run_cli(env, "portal", "show", "--json").stdout)["url"] == "https://127.0.0.1:9/portal"


def test_portals_add_activate_remove(tmp_path, demo_portal):
    env = cli_env(tmp_path, demo_portal)
    assert run_cli(env, "portals", "add", demo_portal.enterprise_url).returncode == 0
    assert run_cli(env, "portals", "activate", demo_portal.enterprise_url).returncode == 0
    listed = {p["url"]: p for p in json.loads(run_cli(env, "portals", "list", "--json").stdout)["portals"]}
    assert listed[demo_portal.enterprise_url]["active"] and listed[demo_portal.url]["licensing"]
    keep = run_cli(env, "portals", "remove", demo_portal.url)
    assert keep.returncode == 2 and "licensing portal" in keep.stderr
    assert run_cli(env, "portals", "remove", demo_portal.enterprise_url).returncode == 0
