"""Demo portal, issue 14: generated members, paging, provisionUserEntitlements and the project-defined check-out
list and release — with the real envelopes — plus OrganizationAdmin when a member goes offline mid-action."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.conftest import DEMO_PASSWORD
from tui.core.machine import MachineIdentity
from tui.core.settings import NetworkSettings, PortalSettings, Settings
from tui.demo_portal import create_app, generated
from tui.demo_portal.accounts import SEEDED_CHECKOUTS
from tui.demo_portal.org_admin import CHECK_OUTS, RELEASE
from tui.demo_portal.testing import DemoClient
from tui.service.admin import organization_admin
from tui.service.admin_model import MemberCheckedOut

FIXTURES = Path(__file__).parent / "fixtures" / "arcgis"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def app(tmp_path):
    return create_app(tmp_path / "portal")


def provision(users: list[str], entitlements: list[str]) -> dict:
    return {"userEntitlements": json.dumps({"users": users, "entitlements": entitlements})}


def test_generated_members_are_deterministic_and_enough_for_paging():
    assert generated.member_rows() == generated.member_rows()
    licensed = [row for row in generated.member_rows() if row[4] is not None]
    assert len(licensed) >= 200
    assert len(SEEDED_CHECKOUTS) >= 10 and all(record["workstationAlias"] for record in SEEDED_CHECKOUTS.values())


async def test_org_users_and_user_entitlements_page_with_start_num_next_start(app):
    async with DemoClient(app) as client:
        token = await client.token("org_admin")
        first = await client.get("portals/self/users", token, start=1, num=100)
        last = await client.get("portals/self/users", token, start=201, num=100)
        listing = await client.get(f"{client.listing}/userEntitlements", token, start=201, num=100)
    assert (first["start"], first["num"], first["nextStart"]) == (1, 100, 101)
    assert last["nextStart"] == -1 and last["total"] == 1 + len(generated.member_rows()) + 3
    assert first["users"][0]["userLicenseTypeId"] and first["users"][0]["fullName"]
    assert listing["nextStart"] == -1 and listing["total"] == len(listing["userEntitlements"]) + 200


async def test_provision_assigns_replaces_and_revokes_the_add_on(app):
    async with DemoClient(app) as client:
        admin = await client.token("org_admin")
        ok = await client.post(f"{client.listing}/provisionUserEntitlements", admin,
                               **provision(["creator_none"], ["desktopAdvN", "imageAnalystN"]))
        user = await client.token("creator_none")
        own = await client.get(f"{client.listing}/userEntitlements/creator_none", user)
        listings = await client.get("community/users/creator_none/provisionedListings", user)
        await client.post(f"{client.listing}/provisionUserEntitlements", admin, **provision(["creator_none"], []))
        after = await client.get(f"{client.listing}/userEntitlements/creator_none", admin)
    assert ok == fixture("provisionUserEntitlements-ok.json")
    assert own["userEntitlements"]["entitlements"] == ["desktopAdvN", "imageAnalystN"]
    assert [entry["title"] for entry in listings["provisionedListings"]] == ["ArcGIS Workforce", "ArcGIS AllSource"]
    assert after == {"userEntitlements": {}}


async def test_a_checked_out_member_is_refused_with_the_real_envelope_and_non_admins_get_403(app):
    async with DemoClient(app) as client:
        admin, member = await client.token("org_admin"), await client.token("pro_adv")
        offline = await client.post(f"{client.listing}/provisionUserEntitlements", admin,
                                    **provision(["member017"], ["desktopStdN"]))
        calls = {"provision": await client.post(f"{client.listing}/provisionUserEntitlements", member,
                                                **provision(["creator_none"], ["desktopBasicN"])),
                 "check_outs": await client.get(f"{client.listing}/{CHECK_OUTS}", member),
                 "release": await client.post(f"{client.listing}/{RELEASE}", member, username="member017"),
                 "disconnect": await client.post(f"{client.listing}/setDisconnectSettings", member,
                                                 canDisconnect="false")}
    assert offline == fixture("provisionUserEntitlements-error-user-disconnected.json")
    assert all(answer == fixture("error-403-no-permission.json") for answer in calls.values()), calls


async def test_check_out_list_shows_holders_without_secrets_and_release_survives_a_restart(tmp_path):
    app = create_app(tmp_path / "portal")
    async with DemoClient(app) as client:
        admin = await client.token("org_admin")
        before = await client.get(f"{client.listing}/{CHECK_OUTS}", admin)
        released = await client.post(f"{client.listing}/{RELEASE}", admin, username="member017")
        again = await client.post(f"{client.listing}/{RELEASE}", admin, username="member017")
    holders = {entry["username"]: entry for entry in before["checkOuts"]}
    assert set(holders) == set(SEEDED_CHECKOUTS) and before["nextStart"] == -1
    assert set(holders["member017"]) == {"username", "workstationAlias", "machineId", "osUser", "checkedOutAt",
                                         "expires"}
    assert (released, again) == ({"success": True, "released": True}, {"success": True, "released": False})
    restarted = create_app(tmp_path / "portal")
    async with DemoClient(restarted) as client:
        admin = await client.token("org_admin")
        entry = await client.get(f"{client.listing}/userEntitlements/member017", admin)
    assert entry["userEntitlements"]["disconnected"] is False


class GoesOfflineMeanwhile(httpx.AsyncBaseTransport):
    """The demo portal in-process; just before a provisionUserEntitlements call reaches it, ``username`` checks out
    on another computer — the race the re-read can't close."""

    def __init__(self, app, username: str) -> None:
        self.app, self.username = app, username
        self.asgi = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/provisionUserEntitlements"):
            with self.app.state.demo.store.transaction() as state:
                state["checkouts"][self.username] = {**SEEDED_CHECKOUTS["member017"], "username": self.username}
        return await self.asgi.handle_async_request(request)


async def test_a_member_going_offline_between_read_and_action_gets_the_checked_out_sentence(tmp_path):
    from tui.service.licensing import LicensingService
    from tui.state.store import StateStore

    app = create_app(tmp_path / "portal")
    settings = Settings(portal=PortalSettings(licensing_portal_url="https://127.0.0.1:8443"),
                        network=NetworkSettings(max_retries=0))
    machine = MachineIdentity(machine_id="desk", os_user="admin", hostname="desk")
    async with LicensingService(settings, StateStore(tmp_path / "state"), machine,
                                transport=GoesOfflineMeanwhile(app, "creator_std")) as service:
        await service.sign_in("org_admin", DEMO_PASSWORD)
        admin = organization_admin(service)
        assert (await admin.member("creator_std")).offline is None
        with pytest.raises(MemberCheckedOut) as refused:
            await admin.assign("creator_std", level="Advanced")
        assert (await admin.member("creator_std")).level == "Standard"  # the portal changed nothing
    assert refused.value.exit_code == 6
    assert "admin release creator_std" in refused.value.user_message


@pytest.mark.parametrize("username, expected", [("org_admin", True), ("pro_adv", False)])
async def test_the_session_remembers_whether_the_user_manages_licenses(tmp_path, username, expected):
    import tomllib

    from tui.service.licensing import LicensingService
    from tui.state.store import StateStore

    app = create_app(tmp_path / "portal")
    settings = Settings(portal=PortalSettings(licensing_portal_url="https://127.0.0.1:8443"),
                        network=NetworkSettings(max_retries=0))
    machine = MachineIdentity(machine_id="desk", os_user="admin", hostname="desk")
    store = StateStore(tmp_path / "state")
    async with LicensingService(settings, store, machine, transport=httpx.ASGITransport(app=app)) as service:
        await service.sign_in(username, DEMO_PASSWORD)
        assert service.status().session.manages_licenses is expected
        assert await organization_admin(service).is_administrator() is expected
    on_disk = tomllib.loads(store.path.read_text(encoding="utf-8"))["session"]
    assert on_disk.get("manages_licenses", False) is expected
    assert LicensingService(settings, StateStore(tmp_path / "state"), machine).status().session.manages_licenses \
        is expected


async def test_perform_runs_the_actions_the_tui_posts(tmp_path):
    from tui.service.licensing import LicensingService
    from tui.state.store import StateStore

    app = create_app(tmp_path / "portal")
    settings = Settings(portal=PortalSettings(licensing_portal_url="https://127.0.0.1:8443"),
                        network=NetworkSettings(max_retries=0))
    machine = MachineIdentity(machine_id="desk", os_user="admin", hostname="desk")
    async with LicensingService(settings, StateStore(tmp_path / "state"), machine,
                                transport=httpx.ASGITransport(app=app)) as service:
        await service.sign_in("org_admin", DEMO_PASSWORD)
        admin = organization_admin(service)
        released = await admin.perform("release", "member051")
        assigned = await admin.perform("assign", "member051", level="Advanced", extensions=("Spatial Analyst",))
        unassigned = await admin.perform("unassign", "member051")
        assert await admin.perform("prevent_offline") is None
        offline_allowed = await admin.offline_allowed()
    assert released.offline is None
    assert (assigned.level, assigned.extensions, assigned.source) == ("Advanced", ("Spatial Analyst",), "add-on")
    assert unassigned.holds_license is False and offline_allowed is False
