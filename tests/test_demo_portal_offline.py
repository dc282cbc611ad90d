"""Demo portal: the project-defined offline operations, disconnect settings, releaseLicense and persistence."""

from __future__ import annotations

import json
import secrets

import pytest

from tui.core.clock import FakeClock
from tui.demo_portal import create_app
from tui.demo_portal.testing import DemoClient, message_code


@pytest.fixture
def app(tmp_path):
    return create_app(tmp_path / "portal")


async def test_check_out_records_the_computer_and_check_in_frees_it(app):
    async with DemoClient(app, "machine-a") as client:
        token = await client.token("pro_adv")
        intent = secrets.token_hex(16)
        answer = await client.check_out(token, os_user="avery", alias="build-box-3", intent_id=intent)
        checkout = answer["checkOut"]
        entitlements = await client.get(f"{client.listing}/userEntitlements/pro_adv", token)
        assert await client.check_in(token, checkout["deviceCredential"], os_user="avery") == {"success": True}
        after = await client.get(f"{client.listing}/userEntitlements/pro_adv", token)
    assert {k: checkout[k] for k in ("intentId", "username", "machineId", "osUser", "workstationAlias", "expires")} == \
        {"intentId": intent, "username": "pro_adv", "machineId": "machine-a", "osUser": "avery",
         "workstationAlias": "build-box-3", "expires": -1}
    assert checkout["entitlements"] == ["desktopAdvN", "spatialAnalystN", "3DAnalystN", "imageAnalystN"]
    assert len(checkout["deviceCredential"]) >= 32 and checkout["checkedOutAt"] > 0
    assert entitlements["userEntitlements"]["disconnected"] is True
    assert after["userEntitlements"]["disconnected"] is False


async def test_same_intent_replays_the_same_answer_and_status_finds_it(app, tmp_path):
    async with DemoClient(app) as client:
        token = await client.token("pro_adv")
        intent = secrets.token_hex(16)
        first = await client.check_out(token, intent_id=intent)
        again = await client.check_out(token, intent_id=intent)
        status = await client.check_out_status(token, intent)
        other_intent = await client.check_out_status(token, secrets.token_hex(16))
        second_intent = await client.check_out(token)
    assert first == again == status
    assert other_intent == {"checkOut": None}
    assert message_code(second_intent) == "ASTUI_OFFLINE_HELD"
    state = (tmp_path / "portal" / "state.json").read_text()
    assert first["checkOut"]["deviceCredential"] not in state and intent not in state


async def test_while_offline_other_computers_cannot_sign_in_or_check_out(app):
    async with DemoClient(app, "holder") as holder, DemoClient(app, "other") as other:
        other_token = await other.token("pro_adv")
        token = await holder.token("pro_adv")
        await holder.check_out(token, alias="field-laptop")
        sign_in = await other.sign_in("pro_adv")
        check_out = await other.check_out(other_token)
        holder_again = await holder.sign_in("pro_adv")
    expected = ["field-laptop", "holder"]
    assert sign_in["error"]["messageCode"] == "ASTUI_OFFLINE_HELD" and sign_in["error"]["details"] == expected
    assert check_out["error"]["code"] == 403 and check_out["error"]["details"] == expected
    assert "token" in holder_again


async def test_check_in_refusals(app):
    async with DemoClient(app, "holder") as holder, DemoClient(app, "other") as other:
        token, other_token = await holder.token("pro_adv"), await other.token("pro_adv")
        nothing_out = await holder.check_in(token, "whatever")
        credential = (await holder.check_out(token, alias="desk"))["checkOut"]["deviceCredential"]
        wrong_computer = await other.check_in(other_token, credential)
        wrong_user = await holder.check_in(token, credential, os_user="someone-else")
        wrong_credential = await holder.check_in(token, credential[:-2] + "xx")
        missing_credential = await holder.check_in(token, None)
        no_token = await holder.check_in("", credential)
        still_out = await holder.get(f"{holder.listing}/userEntitlements/pro_adv", token)
    assert nothing_out["error"]["code"] == 400 and message_code(nothing_out) == "ASTUI_NOT_OFFLINE"
    assert message_code(wrong_computer) == "ASTUI_WRONG_COMPUTER" and wrong_computer["error"]["details"] == ["desk"]
    assert message_code(wrong_user) == "ASTUI_WRONG_OS_USER"
    assert message_code(wrong_credential) == message_code(missing_credential) == "ASTUI_BAD_CREDENTIAL"
    assert no_token["error"]["code"] == 499
    assert still_out["userEntitlements"]["disconnected"] is True


async def test_no_license_and_bad_fields_are_refused(app):
    async with DemoClient(app) as client:
        token = await client.token("creator_none")
        no_license = await client.check_out(token)
        bad_intent = await client.check_out(await client.token("pro_adv"), intent_id="not-hex")
        get_instead = await client.http.get(f"{client.listing}/allsourceTuiCheckOut", params={"f": "json"})
        wrong_listing = await client.post(f"{client.root}/content/listings/{'0' * 32}/allsourceTuiCheckOut", token,
                                          machineId="m", osUser="u", intentId=secrets.token_hex(16))
    assert message_code(no_license) == "ASTUI_NO_LICENSE"
    assert message_code(bad_intent) == "GWM_0007"
    assert get_instead.json()["error"]["code"] == 405
    assert wrong_listing["error"]["code"] == 400 and not wrong_listing["error"]["messageCode"].startswith("ASTUI")


async def test_enterprise_prevents_offline_until_the_admin_allows_it(app):
    async with DemoClient(app, enterprise=True) as client:
        user, admin = await client.token("ent_user"), await client.token("ent_admin")
        prevented = await client.check_out(user)
        by_user = await client.post(f"{client.listing}/setDisconnectSettings", user, canDisconnect="true",
                                    maxDisconnectDuration=-1)
        by_admin = await client.post(f"{client.listing}/setDisconnectSettings", admin, canDisconnect="true",
                                     maxDisconnectDuration=-1)
        purchases = await client.get("portals/self/purchases", user)
        allowed = await client.check_out(user)
        await client.post(f"{client.listing}/setDisconnectSettings", admin, canDisconnect="false")
        prevented_for_others = await client.check_out(admin)
        checked_in = await client.check_in(user, allowed["checkOut"]["deviceCredential"])
    assert message_code(prevented) == "ASTUI_OFFLINE_DISABLED"
    assert by_user["error"] == {"code": 403, "messageCode": "GWM_0003", "details": [],
                                "message": "You do not have permissions to access this resource or perform this "
                                           "operation."}
    assert by_admin == {"success": True}
    allsource = next(p for p in purchases["purchases"] if p["listing"]["title"] == "ArcGIS AllSource")
    assert allsource["provision"]["canDisconnect"] is True
    assert "checkOut" in allowed
    assert message_code(prevented_for_others) == "ASTUI_OFFLINE_DISABLED"
    assert checked_in == {"success": True}   # members already offline can still check in


async def test_allow_offline_enterprise_flag(tmp_path):
    app = create_app(tmp_path / "portal", allow_offline_enterprise=True)
    async with DemoClient(app, enterprise=True) as client:
        assert "checkOut" in await client.check_out(await client.token("ent_user"))


async def test_release_license_by_the_enterprise_admin(tmp_path):
    app = create_app(tmp_path / "portal", allow_offline_enterprise=True)
    release = "/portal/portaladmin/license/releaseLicense"
    async with DemoClient(app, "lost-laptop", enterprise=True) as lost, \
            DemoClient(app, "new-laptop", enterprise=True) as new:
        await lost.check_out(await lost.token("ent_user"))
        assert message_code(await new.sign_in("ent_user")) == "ASTUI_OFFLINE_HELD"
        admin = await new.token("ent_admin")
        by_member = await lost.post(release, token=(await lost.token("ent_user")), username="ent_user",
                                    appId="arcgisallsource")
        without_token = await new.post(release, username="ent_user", appId="arcgisallsource")
        released = await new.post(release, token=admin, username="ent_user", appId="arcgisallsource")
        signed_in = await new.sign_in("ent_user")
    assert by_member["status"] == "error" and by_member["code"] == 403
    assert without_token == {"status": "error", "messages": ["Token Required"], "code": 499}
    assert released == {"status": "success"}
    assert "token" in signed_in


async def test_release_license_takes_the_admin_token_from_the_post_body(tmp_path):
    app = create_app(tmp_path / "portal", allow_offline_enterprise=True)
    async with DemoClient(app, enterprise=True) as client:
        await client.check_out(await client.token("ent_user"))
        admin = await client.token("ent_admin")
        response = await client.http.post("/portal/portaladmin/license/releaseLicense",
                                          data={"token": admin, "username": "ent_user", "appId": "arcgisallsource",
                                                "f": "json"})
        entitlements = await client.get(f"{client.listing}/userEntitlements/ent_user", admin)
    assert response.json() == {"status": "success"}
    assert entitlements["userEntitlements"]["disconnected"] is False


async def test_check_outs_tokens_and_settings_survive_a_restart(tmp_path):
    data = tmp_path / "portal"
    async with DemoClient(create_app(data), "holder") as before:
        token = await before.token("pro_adv")
        intent = secrets.token_hex(16)
        checkout = (await before.check_out(token, intent_id=intent))["checkOut"]
    async with DemoClient(create_app(data), "holder") as after, DemoClient(create_app(data), "other") as other:
        status = await after.check_out_status(token, intent)
        held = await other.sign_in("pro_adv")
        checked_in = await after.check_in(token, checkout["deviceCredential"])
    assert status == {"checkOut": checkout}
    assert message_code(held) == "ASTUI_OFFLINE_HELD"
    assert checked_in == {"success": True}
    saved = json.loads((data / "state.json").read_text())
    assert token not in json.dumps(saved) and (data.stat().st_mode & 0o777) == 0o700
    assert ((data / "state.json").stat().st_mode & 0o777) == 0o600


async def test_positive_max_disconnect_duration_gives_an_expiry_and_then_ends(tmp_path):
    clock = FakeClock()
    app = create_app(tmp_path / "portal", allow_offline_enterprise=True, clock=clock)
    async with DemoClient(app, enterprise=True) as client:
        admin = await client.token("ent_admin")
        await client.post(f"{client.listing}/setDisconnectSettings", admin, canDisconnect="true",
                          maxDisconnectDuration=2)
        checkout = (await client.check_out(await client.token("ent_user")))["checkOut"]
        clock.advance(2 * 86400 + 1)
        entitlements = await client.get(f"{client.listing}/userEntitlements/ent_user", await client.token("ent_admin"))
    assert checkout["expires"] == checkout["checkedOutAt"] + 2 * 86_400_000
    assert entitlements["userEntitlements"]["disconnected"] is False


async def test_the_online_org_admin_releases_a_license_whose_credential_was_lost(app):
    """Issue 16: a truly lost device credential has a documented way out on Online too (allsourceTuiReleaseLicense)."""
    async with DemoClient(app, "lost-machine") as lost, DemoClient(app, "new-machine") as new:
        holder = await lost.token("pro_adv")
        await lost.check_out(holder)  # the answer (and its credential) is then lost
        refused = await new.sign_in("pro_adv")
        admin = await new.token("org_admin")
        not_allowed = await lost.post(f"{lost.listing}/allsourceTuiReleaseLicense", holder, username="pro_adv")
        unknown = await new.post(f"{new.listing}/allsourceTuiReleaseLicense", admin, username="ent_user")
        released = await new.post(f"{new.listing}/allsourceTuiReleaseLicense", admin, username="pro_adv")
        again = await new.post(f"{new.listing}/allsourceTuiReleaseLicense", admin, username="pro_adv")
        after = await new.check_out(await new.token("pro_adv"))
    assert message_code(refused) == "ASTUI_OFFLINE_HELD"
    assert not_allowed["error"]["code"] == 403 and message_code(not_allowed) == "GWM_0003"
    assert unknown["error"]["code"] == 400 and "does not exist" in unknown["error"]["message"]
    assert released == {"success": True, "released": True} and again == {"success": True, "released": False}
    assert after["checkOut"]["machineId"] == "new-machine"
