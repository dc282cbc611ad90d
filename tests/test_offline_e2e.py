"""Offline authorization and check-in, end to end: LicensingService against the demo portal over HTTPS."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import DEMO_PASSWORD
from tui.core.errors import LicenseRuleError, NotSignedIn, PortalUnreachable

pytestmark = pytest.mark.e2e


async def disconnected_flag(service) -> bool:
    license_info = await service.refresh_license()
    return license_info.disconnected


async def test_authorize_with_connect_keeps_the_session_and_marks_the_user_disconnected(make_service):
    async with make_service() as service:
        await service.sign_in("pro_adv", DEMO_PASSWORD)
        service.set_alias("build-box-3")
        offline = await service.authorize_offline(connect=True)
        assert offline.alias == "build-box-3" and offline.license.level == "Advanced"
        assert offline.device_credential is not None
        status = service.status().to_json()
        assert status["signed_in"] is True
        assert status["offline"]["authorized"] is True and status["offline"]["os_user"] == "tester"
        assert await disconnected_flag(service) is True


async def test_authorize_without_connect_ends_the_session_but_the_license_works_offline(make_service, demo_portal):
    async with make_service() as service:
        await service.sign_in("pro_adv", DEMO_PASSWORD)
        await service.authorize_offline(connect=False)
        demo_portal.stop()
        status = service.status()
    assert status.signed_in is False
    assert status.can_start_without_sign_in is True
    assert status.license.level == "Advanced" and status.full_name == "Avery Pro"
    assert status.to_json()["offline"]["machine"] == service.machine.machine_key


async def test_a_second_computer_cannot_sign_in_while_the_license_is_out_and_sees_the_alias(make_service):
    async with make_service("machine-a") as first, make_service("machine-b") as second:
        await first.sign_in("pro_adv", DEMO_PASSWORD)
        first.set_alias("field-laptop")
        await first.authorize_offline(connect=False)
        with pytest.raises(LicenseRuleError) as refused:
            await second.sign_in("pro_adv", DEMO_PASSWORD)
    assert "field-laptop" in refused.value.user_message
    assert refused.value.exit_code == 6


async def test_check_in_needs_sign_in_then_returns_the_license(make_service):
    async with make_service() as service:
        await service.sign_in("pro_adv", DEMO_PASSWORD)
        await service.authorize_offline(connect=False)
        with pytest.raises(NotSignedIn) as needs_sign_in:
            await service.check_in()
        assert "Sign in to your licensing portal" in needs_sign_in.value.user_message
        await service.sign_in("pro_adv", DEMO_PASSWORD)
        license_info = await service.check_in()
        assert license_info.disconnected is False
        assert service.status().offline is None
        assert "device_credential" not in service.store.path.read_text()


async def test_check_in_from_another_os_user_is_refused(make_service, tmp_path):
    shared_state = tmp_path / "shared-state"
    async with make_service(os_user="alice", state_dir=shared_state) as alice:
        await alice.sign_in("pro_adv", DEMO_PASSWORD)
        await alice.authorize_offline(connect=True)
    async with make_service(os_user="bob", state_dir=shared_state) as bob:
        with pytest.raises(LicenseRuleError) as refused:
            await bob.check_in()
    assert "another user account" in refused.value.user_message


async def test_check_in_from_another_computer_is_refused_by_the_portal(make_service, tmp_path):
    shared_home = tmp_path / "nfs-home"
    async with make_service("machine-a", state_dir=shared_home) as first:
        await first.sign_in("pro_adv", DEMO_PASSWORD)
        first.set_alias("desk-1")
        await first.authorize_offline(connect=True)
    async with make_service("machine-b", state_dir=shared_home) as second:
        with pytest.raises(LicenseRuleError) as refused:
            await second.check_in()
    assert "another computer ('desk-1')" in refused.value.user_message


async def test_prevented_offline_org_refuses_and_stores_nothing(make_service):
    async with make_service(enterprise=True) as service:
        await service.sign_in("ent_user", DEMO_PASSWORD)
        with pytest.raises(LicenseRuleError) as refused:
            await service.authorize_offline(connect=True)
        assert "prevented" in refused.value.user_message
        state = service.read_state()
        assert state.offline == {} and state.intents == {}


async def test_admin_allows_offline_then_releases_a_lost_license(make_service, demo_portal):
    async with make_service("admin-pc", enterprise=True) as admin, make_service("user-pc", enterprise=True) as user:
        await admin.sign_in("ent_admin", DEMO_PASSWORD)
        listing = admin.read_state().license.listing_id
        await admin.call_with_token(lambda c, t: c.set_disconnect_settings(listing, t, True))
        await user.sign_in("ent_user", DEMO_PASSWORD)
        await user.authorize_offline(connect=True)
        with user.edit_state() as state:  # the state holding the device credential is lost
            state.offline.clear()
        with pytest.raises(LicenseRuleError) as stranded:
            await user.authorize_offline(connect=True)
        assert "administrator" in stranded.value.user_message and "release" in stranded.value.user_message
        await admin.call_with_token(lambda c, t: c.release_license("ent_user", t))
        offline = await user.authorize_offline(connect=True)
        assert offline.license.level == "Standard"


async def test_unreachable_portal_during_checkout_leaves_an_intent_that_is_resolved_later(make_service, demo_portal):
    async with make_service() as service:
        await service.sign_in("pro_adv", DEMO_PASSWORD)
        demo_portal.faults.set("*allsourceTuiCheckOut", reset=True, times=1)
        with pytest.raises(PortalUnreachable):
            await service.authorize_offline(connect=True)
        assert [i.machine_id for i in service.read_state().intents.values()] == [service.machine.machine_key]
        recovered = await service.recover_checkout()
        state = service.read_state()
    assert state.intents == {}
    # a reset before the portal handled it means nothing was checked out; either way there is never a double checkout
    assert recovered is None or recovered.device_credential is not None


CRASH_AFTER_CHECKOUT = textwrap.dedent("""
    import asyncio, os, sys
    from tui.service.licensing import LicensingService
    from tui.core.machine import MachineIdentity
    from tui.core.settings import NetworkSettings, PortalSettings, Settings
    from tui.state.store import StateStore
    from pathlib import Path

    url, ca, state_dir = sys.argv[1:4]
    settings = Settings(portal=PortalSettings(licensing_portal_url=url),
                        network=NetworkSettings(ca_bundle=Path(ca)))
    service = LicensingService(settings, StateStore(Path(state_dir)),
                               MachineIdentity(machine_id="machine-a", os_user="tester", hostname="h"))

    def crash(*args, **kwargs):
        os._exit(9)  # dies after the portal answered, before the offline license is written
    service.offline._store_checkout = crash

    async def main():
        await service.sign_in("pro_adv", "allsource-demo")
        await service.authorize_offline(connect=True)
    asyncio.run(main())
""")


async def test_crash_between_checkout_and_state_write_is_recovered_without_a_second_checkout(
        make_service, demo_portal, tmp_path):
    state_dir = tmp_path / "state" / "machine-a-tester"
    child = subprocess.run([sys.executable, "-c", CRASH_AFTER_CHECKOUT, demo_portal.url, str(demo_portal.ca_path),
                            str(state_dir)], capture_output=True, text=True, timeout=60, env=dict(os.environ))
    assert child.returncode == 9, child.stderr
    checkouts_before = sum(r.path.rsplit("/", 1)[-1] == "allsourceTuiCheckOut" for r in demo_portal.request_log)
    async with make_service("machine-a", state_dir=state_dir) as service:
        assert service.read_state().intents, "the intent record must survive the crash"
        recovered = await service.recover_checkout()
        assert recovered is not None and recovered.device_credential is not None
        assert service.status().offline is not None
        checkouts_after = sum(r.path.rsplit("/", 1)[-1] == "allsourceTuiCheckOut" for r in demo_portal.request_log)
        assert checkouts_after == checkouts_before == 1
        await service.check_in()


async def test_a_portal_without_the_offline_operations_is_named_plainly(make_service, demo_portal):
    async with make_service() as service:
        await service.sign_in("pro_adv", DEMO_PASSWORD)
        demo_portal.faults.set("*allsourceTuiCheckOut", status=404)
        with pytest.raises(LicenseRuleError) as refused:
            await service.authorize_offline(connect=True)
        assert refused.value.user_message == "This portal does not offer offline authorization to allsource-tui."
        assert service.read_state().offline == {}


async def test_authorizing_again_after_an_interrupted_checkout_asks_the_portal_first(make_service, demo_portal):
    async with make_service() as service:
        await service.sign_in("pro_adv", DEMO_PASSWORD)
        demo_portal.faults.set("*allsourceTuiCheckOut", latency=2.0, times=1)
        service_short = make_service(read_timeout=0.5)  # the same computer and state, an impatient client
        with pytest.raises(PortalUnreachable):  # the portal still handles the request after the client gave up
            await service_short.authorize_offline(connect=True)
        await service_short.aclose()
        assert "interrupted" in " ".join(service.status().notices)
        await _until_checked_out(demo_portal, "pro_adv")  # the portal finishes the abandoned check-out
        offline = await service.authorize_offline(connect=True)
        checkouts = [r for r in demo_portal.request_log if r.path.endswith("/allsourceTuiCheckOut")]
    assert offline.device_credential is not None
    assert len(checkouts) == 1, "recovered through the intent, not checked out a second time"


async def _until_checked_out(portal, username: str, timeout: float = 30.0) -> None:
    """Wait (without a fixed sleep) until the portal's own records show ``username``'s license checked out."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not _checked_out(portal, username):
        assert asyncio.get_running_loop().time() < deadline, "the portal never finished the check-out"
        await asyncio.sleep(0.02)


def _checked_out(portal, username: str) -> bool:
    with portal.demo.store.reading() as state:
        return username in json.dumps(state["checkouts"])
