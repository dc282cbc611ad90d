"""LicensingService end to end against the demo portal over real HTTPS on 127.0.0.1."""

from __future__ import annotations

import tomllib

import pytest

from tests.conftest import DEMO_PASSWORD
from tui.core.errors import InvalidCredentials, LicenseRuleError, NoLicenseError, NotSignedIn, PortalUnreachable

pytestmark = pytest.mark.e2e


async def test_pro_adv_signs_in_and_sees_advanced_with_extensions(make_service):
    async with make_service() as service:
        license_info = await service.sign_in("pro_adv", DEMO_PASSWORD)
        assert license_info.level == "Advanced"
        assert set(license_info.licensed_extensions) == {"Spatial Analyst", "3D Analyst", "Image Analyst"}
        status = service.status().to_json()
    assert status["signed_in"] is True
    assert status["full_name"] == "Avery Pro"
    assert status["license"]["levels"] == {"Basic": False, "Standard": False, "Advanced": True}
    assert status["license"]["extensions"]["Network Analyst"] is False
    on_disk = tomllib.loads(service.store.path.read_text())
    assert on_disk["session"]["username"] == "pro_adv"
    assert DEMO_PASSWORD not in service.store.path.read_text()


async def test_creator_with_addon_gets_standard(make_service):
    async with make_service() as service:
        license_info = await service.sign_in("creator_std", DEMO_PASSWORD)
    assert license_info.level == "Standard"
    assert license_info.licensed_extensions == ["Geostatistical Analyst"]


async def test_creator_without_addon_is_refused_with_advice_and_not_signed_in(make_service):
    async with make_service() as service:
        with pytest.raises(NoLicenseError) as refused:
            await service.sign_in("creator_none", DEMO_PASSWORD)
        assert "administrator" in refused.value.user_message
        assert service.status().signed_in is False


async def test_wrong_password_says_invalid_username_or_password(make_service):
    async with make_service() as service:
        with pytest.raises(InvalidCredentials) as refused:
            await service.sign_in("pro_adv", "not-the-password")
    assert refused.value.user_message == "Invalid username or password."
    assert refused.value.exit_code == 3


async def test_enterprise_user_gets_standard_with_network_analyst(make_service):
    async with make_service(enterprise=True) as service:
        license_info = await service.sign_in("ent_user", DEMO_PASSWORD)
    assert license_info.level == "Standard"
    assert license_info.licensed_extensions == ["Network Analyst"]


async def test_fourth_computer_is_refused_until_one_signs_out(make_service):
    computers = [make_service(f"machine-{n}") for n in range(4)]
    for service in computers[:3]:
        await service.sign_in("pro_adv", DEMO_PASSWORD)
    with pytest.raises(LicenseRuleError) as refused:
        await computers[3].sign_in("pro_adv", DEMO_PASSWORD)
    assert refused.value.exit_code == 6
    assert "3 computers" in refused.value.user_message
    await computers[0].sign_out()
    assert (await computers[3].sign_in("pro_adv", DEMO_PASSWORD)).level == "Advanced"
    for service in computers:
        await service.aclose()


async def test_sign_out_revokes_the_token_and_keeps_the_username(make_service):
    async with make_service() as service:
        await service.sign_in("pro_adv", DEMO_PASSWORD)
        token = service.read_state().session.access_token
        await service.sign_out()
        status = service.status()
        assert status.signed_in is False and status.last_username == "pro_adv"
        with pytest.raises(NotSignedIn):
            await service.refresh_license()
        from tui.core.errors import TokenExpired
        with pytest.raises(TokenExpired):
            await service.client(status.licensing_portal.url).community_self(token)


async def test_unreachable_portal_is_reported_and_keeps_the_session(make_service, demo_portal):
    async with make_service(max_retries=1) as service:  # one retry, not three (~1.75 s of jittered backoff)
        await service.sign_in("pro_adv", DEMO_PASSWORD)
        demo_portal.stop()
        with pytest.raises(PortalUnreachable) as failure:
            await service.refresh_license()
        assert failure.value.exit_code == 5
        assert service.status().signed_in is True


async def test_license_refresh_reads_fresh_from_the_portal(make_service, demo_portal):
    async with make_service() as service:
        await service.sign_in("pro_adv", DEMO_PASSWORD)
        before = len(demo_portal.request_log)
        license_info = await service.refresh_license()
    assert license_info.level == "Advanced"
    assert len(demo_portal.request_log) > before


async def test_the_allsource_listing_is_remembered_per_portal_across_sign_out(make_service, demo_portal):
    async with make_service() as service:
        await service.sign_in("pro_adv", DEMO_PASSWORD)
        listing = service.read_state().license.listing_id
        await service.sign_out()
        assert service.read_state().listing_ids == {demo_portal.url: listing}
        assert (await service.sign_in("pro_adv", DEMO_PASSWORD)).listing_id == listing
