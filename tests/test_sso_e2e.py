"""Sign in with your organization (OAuth 2.0 + PKCE, out-of-band code) end to end against the demo portal."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests.conftest import DEMO_PASSWORD, cli_env
from tests.sso_browser import approve_in_browser
from tui.core.clock import FakeClock
from tui.core.errors import AuthError, NotSignedIn, PortalError, PortalUnreachable, UsageError

pytestmark = pytest.mark.e2e


def token_grants(portal, grant_type: str | None = None) -> int:
    return sum(1 for r in portal.request_log if r.path.endswith("/oauth2/token"))


async def sso_sign_in(service, portal, username: str = "pro_adv"):
    request = service.begin_sso()
    code, _state = await approve_in_browser(request.authorize_url, portal.ca_path, username, DEMO_PASSWORD)
    return request, await service.complete_sso(request, code)


async def test_sso_signs_in_with_a_pasted_code_and_keeps_a_refresh_token(make_service, demo_portal):
    async with make_service() as service:
        request = service.begin_sso()
        assert "code_challenge=" in request.authorize_url
        assert "urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob" in request.authorize_url
        assert request.pkce.verifier.reveal() not in request.authorize_url
        code, _ = await approve_in_browser(request.authorize_url, demo_portal.ca_path, "pro_adv", DEMO_PASSWORD)
        license_info = await service.complete_sso(request, f"SUCCESS code={code}")
        session = service.read_state().session
    assert license_info.level == "Advanced"
    assert session.method == "oauth" and session.refresh_token is not None


async def test_a_reused_code_a_wrong_state_and_a_wrong_verifier_are_refused(make_service, demo_portal):
    async with make_service() as service:
        _request, _ = await sso_sign_in(service, demo_portal)
        again = service.begin_sso()
        code, state = await approve_in_browser(again.authorize_url, demo_portal.ca_path, "pro_adv", DEMO_PASSWORD)
        with pytest.raises(UsageError):
            await service.complete_sso(again, f"?code={code}&state=not-{state}")
        other = service.begin_sso()  # right code, but this attempt's verifier
        with pytest.raises(AuthError):
            await service.complete_sso(other, code)
        with pytest.raises(AuthError):  # the code was spent by the failed attempt or is single-use anyway
            await service.complete_sso(again, code)


async def test_silent_renewal_before_expiry_and_exchange_near_refresh_token_end(make_service, demo_portal):
    clock = FakeClock(start=time.time())
    async with make_service(clock=clock) as service:
        await sso_sign_in(service, demo_portal)
        first = service.read_state().session
        before = token_grants(demo_portal)
        await service.refresh_license()
        assert token_grants(demo_portal) == before, "a fresh token is not renewed"
        clock.advance(1800 - 120)  # two minutes left: inside the renewal margin
        await service.refresh_license()
        renewed = service.read_state().session
        assert token_grants(demo_portal) == before + 1
        assert renewed.access_token != first.access_token and renewed.refresh_token == first.refresh_token
        clock.advance(first.refresh_expires_at - clock.now() - 3600)  # an hour left on the refresh token
        await service.refresh_license()
        exchanged = service.read_state().session
    assert exchanged.refresh_token != first.refresh_token
    assert exchanged.refresh_expires_at > first.refresh_expires_at


async def test_one_refresh_and_one_replay_on_498_then_sign_in_again(make_service, demo_portal):
    async with make_service() as service:
        await sso_sign_in(service, demo_portal)
        before = token_grants(demo_portal)
        demo_portal.faults.set("*/community/self", error_498=True, times=1)
        demo_portal.faults.set("*/userLicenseType", error_498=True, times=1)
        assert (await service.refresh_license()).level == "Advanced"
        assert token_grants(demo_portal) == before + 1
        demo_portal.faults.set("*/userLicenseType", error_498=True)
        with pytest.raises(NotSignedIn):
            await service.refresh_license()
        assert token_grants(demo_portal) == before + 2


async def test_an_unreachable_portal_never_ends_the_session(make_service, demo_portal):
    clock = FakeClock(start=time.time())
    async with make_service(clock=clock, max_retries=1) as service:  # one retry, not three (~1.75 s of backoff)
        await sso_sign_in(service, demo_portal)
        demo_portal.stop()
        clock.advance(1800)
        with pytest.raises(PortalUnreachable):
            await service.refresh_license()
        assert service.read_state().session is not None
        assert service.status().signed_in is True


async def test_sign_out_revokes_the_refresh_token(make_service, demo_portal):
    async with make_service() as service:
        await sso_sign_in(service, demo_portal)
        refresh_token = service.read_state().session.refresh_token
        await service.sign_out()
        client = service.client(demo_portal.url)
        with pytest.raises(PortalError):  # the portal no longer knows the refresh token
            await client.refresh("allsource-tui", refresh_token)


def test_cli_sign_in_sso_prints_the_link_on_stderr_and_reads_the_code(tmp_path, demo_portal):
    import asyncio
    import os
    import select

    env = cli_env(tmp_path, demo_portal)
    child = subprocess.Popen([sys.executable, "-m", "tui", "sign-in", "--sso"], env=env, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    link = ""
    deadline = time.monotonic() + 30
    while "oauth2/authorize" not in link and time.monotonic() < deadline:
        ready, _, _ = select.select([child.stderr], [], [], 1)
        if ready:
            link += os.read(child.stderr.fileno(), 4096).decode()
    url = next(line for line in link.splitlines() if "oauth2/authorize" in line).strip()
    code, _ = asyncio.run(approve_in_browser(url, demo_portal.ca_path, "pro_adv", DEMO_PASSWORD))
    out, err = child.communicate(code + "\n", timeout=60)
    assert child.returncode == 0, err
    assert "Signed in as Avery Pro" in out
    assert code not in out + err
