"""`allsource-tui admin …` (issue 14) against the demo portal over real HTTPS, through the CLI's main() in this process
(tests/cli_in_process.py: ~30 CLI calls, each a child process before; tests/test_cli_e2e.py covers the console entry
point in subprocesses)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest

from tests import cli_in_process
from tests.cli_in_process import run_cli
from tests.conftest import DEMO_PASSWORD, cli_env
from tui.demo_portal import accounts, licenses
from tui.demo_portal.store import empty_state

pytestmark = pytest.mark.e2e

MEMBER_KEYS = {"username", "full_name", "user_type", "level", "extensions", "source", "offline"}


def sign_in(env: dict, username: str, password: str = DEMO_PASSWORD, *extra: str):
    return cli_in_process.sign_in(env, username, password, *extra)


OFFLINE_KEYS = {"workstation_alias", "machine", "os_user", "checked_out_at"}


def licensed_in_demo() -> set[str]:
    state = empty_state()
    return {m.username for m in accounts.members(accounts.ONLINE) if licenses.has_license(state, m)}


@pytest.fixture
def admin_env(tmp_path, demo_portal) -> dict:
    env = cli_env(tmp_path, demo_portal, machine_id="admin-desk")
    signed_in = sign_in(env, "org_admin")
    assert signed_in.returncode == 0, signed_in.stderr
    return env


def listed(env: dict) -> dict[str, dict]:
    result = run_cli(env, "admin", "licenses", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["members"]
    return {member["username"]: member for member in data["members"]}


def test_licenses_json_lists_every_licensed_member_across_pages(admin_env, demo_portal):
    members = listed(admin_env)
    assert len(members) >= 200 and set(members) == licensed_in_demo()
    starts = sorted(int(parse_qs(r.query)["start"][0]) for r in demo_portal.request_log
                    if r.path.endswith("/userEntitlements"))
    assert starts == [1, 101, 201]  # followed nextStart page by page until -1
    assert all(set(member) == MEMBER_KEYS for member in members.values())
    assert members["creator_std"] == {"username": "creator_std", "full_name": "Casey Creator", "user_type": "Creator",
                                      "level": "Standard", "extensions": ["Geostatistical Analyst"],
                                      "source": "add-on", "offline": None}
    assert members["pro_adv"]["source"] == "user type" and members["pro_adv"]["level"] == "Advanced"
    offline = members["member017"]["offline"]
    assert set(offline) == OFFLINE_KEYS
    assert offline["workstation_alias"] == "Field tablet 2" and offline["os_user"] == "member017-os"
    assert offline["machine"] == "demo-machine-017" and offline["checked_out_at"].endswith("Z")
    assert sum(1 for m in members.values() if m["offline"]) == len(accounts.SEEDED_CHECKOUTS)


def test_licenses_text_table_and_progress_line_on_a_pipe(admin_env):
    result = run_cli(admin_env, "admin", "licenses")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["USER", "NAME", "USER"]
    assert any(line.startswith("member017 ") and "Field tablet 2" in line for line in lines)
    assert lines[-1] == f"{len(licensed_in_demo())} members hold an ArcGIS AllSource license; " \
                        f"{len(accounts.SEEDED_CHECKOUTS)} of them work offline."
    assert result.stderr == f"Reading {len(licensed_in_demo())} licensed members…\n"  # one line: stderr is no TTY


def test_assign_then_the_members_own_license_json_shows_it(tmp_path, demo_portal, admin_env):
    member_env = cli_env(tmp_path, demo_portal, machine_id="noor-laptop")
    assert sign_in(member_env, "creator_none").returncode == 4  # no license yet
    assigned = run_cli(admin_env, "admin", "assign", "creator_none", "--level", "standard", "--extension",
                       "Spatial Analyst", "--extension", "3DAnalystN", "--yes")
    assert assigned.returncode == 0, assigned.stderr
    assert assigned.stdout.strip() == ("Assigned: creator_none now holds ArcGIS AllSource Standard (add-on) with "
                                       "3D Analyst, Spatial Analyst.")
    assert sign_in(member_env, "creator_none").returncode == 0
    own = run_cli(member_env, "license", "--json")
    assert own.returncode == 0, own.stderr
    license_json = json.loads(own.stdout)["license"]
    assert license_json["level"] == "Standard"
    assert {name for name, on in license_json["extensions"].items() if on} == {"Spatial Analyst", "3D Analyst"}
    unassigned = run_cli(admin_env, "admin", "unassign", "creator_none", "--yes")
    assert unassigned.returncode == 0, unassigned.stderr
    assert "creator_none" not in listed(admin_env)
    assert run_cli(member_env, "license", "--json").returncode == 4


def test_a_checked_out_member_cannot_be_changed_until_released(admin_env):
    refused = run_cli(admin_env, "admin", "assign", "member017", "--level", "Advanced", "--yes")
    assert refused.returncode == 6
    assert refused.stderr.strip() == (
        "member017's ArcGIS AllSource license is checked out to work offline on 'Field tablet 2', and the portal "
        "allows no change while it is out; ask them to check it in, or release it with "
        "`allsource-tui admin release member017`.")
    assert listed(admin_env)["member017"]["level"] == "Basic"  # nothing changed
    released = run_cli(admin_env, "admin", "release", "member017", "--yes")
    assert released.returncode == 0, released.stderr
    assert listed(admin_env)["member017"]["offline"] is None
    again = run_cli(admin_env, "admin", "release", "member017", "--yes")
    assert again.returncode == 0 and "nothing to release" in again.stdout
    assert run_cli(admin_env, "admin", "assign", "member017", "--level", "Advanced", "--yes").returncode == 0
    assert listed(admin_env)["member017"]["level"] == "Advanced"


async def test_release_ends_the_members_check_out_on_the_portal(make_service, admin_env):
    async with make_service("field-laptop", os_user="avery") as member:
        await member.sign_in("pro_adv", DEMO_PASSWORD)
        member.set_alias("Field laptop")
        await member.authorize_offline(connect=True)
        seen = listed(admin_env)["pro_adv"]["offline"]
        assert (seen["workstation_alias"], seen["os_user"]) == ("Field laptop", "avery")
        assert seen["machine"] == member.machine.machine_key
        released = run_cli(admin_env, "admin", "release", "pro_adv", "--yes")
        assert released.returncode == 0, released.stderr
        assert "'Field laptop'" in released.stdout
        # What the member's own client meets at its next contact with the portal: the listing no longer says
        # disconnected, so the portal wins — the stale offline record goes, with a notice (issue 16 finding 8).
        assert (await member.refresh_license()).disconnected is False
        assert member.status().offline is None
        assert "an administrator released it" in " ".join(member.take_reconciled())
    assert listed(admin_env)["pro_adv"]["offline"] is None


def test_offline_prevent_then_allow_end_to_end(tmp_path, demo_portal, admin_env):
    member_env = cli_env(tmp_path, demo_portal, machine_id="casey-laptop")
    assert sign_in(member_env, "creator_std").returncode == 0
    assert run_cli(admin_env, "admin", "offline", "prevent", "--yes").returncode == 0
    refused = run_cli(member_env, "offline", "authorize", "--connect")
    assert refused.returncode == 6 and "prevented" in refused.stderr
    assert run_cli(admin_env, "admin", "offline", "allow", "--yes").returncode == 0
    allowed = run_cli(member_env, "offline", "authorize", "--connect")
    assert allowed.returncode == 0, allowed.stderr
    assert listed(admin_env)["creator_std"]["offline"]["machine"]


@pytest.mark.parametrize("args, action", [
    (("licenses", "--json"), "list who holds ArcGIS AllSource licenses"),
    (("release", "member017", "--yes"), "see members' ArcGIS AllSource licenses"),
    (("offline", "prevent", "--yes"), "allow or prevent offline use"),
])
def test_a_non_administrator_is_refused_with_exit_6_and_one_sentence(tmp_path, demo_portal, args, action):
    env = cli_env(tmp_path, demo_portal)
    assert sign_in(env, "pro_adv").returncode == 0
    result = run_cli(env, "admin", *args)
    assert result.returncode == 6
    assert result.stderr == f"Only an organization administrator can {action}; sign in as one.\n"
    assert result.stdout == ""


def test_actions_need_yes_without_a_terminal_and_bad_input_exits_2(admin_env):
    no_tty = run_cli(admin_env, "admin", "unassign", "creator_std")
    assert no_tty.returncode == 2 and "--yes" in no_tty.stderr
    assert listed(admin_env)["creator_std"]["level"] == "Standard"
    unknown = run_cli(admin_env, "admin", "assign", "nobody", "--level", "Basic", "--yes")
    assert unknown.returncode == 2 and "no member 'nobody'" in unknown.stderr
    bad_level = run_cli(admin_env, "admin", "assign", "creator_std", "--level", "Ultra", "--yes")
    assert bad_level.returncode == 2 and "Basic, Standard or Advanced" in bad_level.stderr
    bad_extension = run_cli(admin_env, "admin", "assign", "creator_std", "--extension", "Flux", "--yes")
    assert bad_extension.returncode == 2 and "not an ArcGIS AllSource extension" in bad_extension.stderr
    user_type = run_cli(admin_env, "admin", "unassign", "pro_adv", "--yes")
    assert user_type.returncode == 6 and "comes with their user type" in user_type.stderr


def test_not_signed_in_exits_3(tmp_path, demo_portal):
    result = run_cli(cli_env(tmp_path, demo_portal), "admin", "licenses")
    assert result.returncode == 3


async def test_enterprise_release_goes_through_portaladmin_with_the_token_in_the_body(tmp_path, demo_portal,
                                                                                     make_service):
    admin_env = cli_env(tmp_path, demo_portal, machine_id="ent-desk", enterprise=True)
    assert sign_in(admin_env, "ent_admin").returncode == 0
    assert run_cli(admin_env, "admin", "offline", "allow", "--yes").returncode == 0
    async with make_service("ent-laptop", enterprise=True) as member:
        await member.sign_in("ent_user", DEMO_PASSWORD)
        member.set_alias("Plant floor")
        await member.authorize_offline(connect=True)
        assert listed(admin_env)["ent_user"]["offline"]["workstation_alias"] == "Plant floor"
        released = run_cli(admin_env, "admin", "release", "ent_user", "--yes")
        assert released.returncode == 0, released.stderr
        assert (await member.refresh_license()).disconnected is False
    calls = [r for r in demo_portal.request_log if r.path == "/portal/portaladmin/license/releaseLicense"]
    assert len(calls) == 1 and "token" not in calls[0].query  # portaladmin wants the token in the POST body
    assert not any(r.path.endswith("allsourceTuiReleaseLicense") for r in demo_portal.request_log)
