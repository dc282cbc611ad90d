"""N-4 retry policy: idempotent GETs retried on 429/5xx/timeouts/resets, writes and token calls never once sent."""

from __future__ import annotations

import httpx
import pytest

from tests.test_portal_support import FakePortal, Sleeps, arcgis, fixture, http_date, make_client
from tui.core.clock import FakeClock
from tui.core.errors import PortalTLSError, PortalUnreachable, UnexpectedResponse
from tui.core.secret import Secret
from tui.portal import RetryPolicy

TOKEN = Secret("retry-test-token-abcdef")
ITEM = "0123456789abcdef0123456789abcdef"
USER = {"username": "jsmith"}
BUSY = httpx.Response(503, text="")


async def test_get_503_is_retried_max_retries_times_then_raises() -> None:
    fake, sleeps = FakePortal().on("GET", "/community/self", BUSY), Sleeps()
    with pytest.raises(UnexpectedResponse) as caught:
        await make_client(fake, sleeps=sleeps).community_self(TOKEN)
    count = fake.count("/community/self")
    print(f"TP-NET GET 503: server count = {count}")
    assert count == 4 and caught.value.code == 503
    assert len(sleeps) == 3 and all(0 <= delay <= 0.5 * 2 ** n for n, delay in enumerate(sleeps))


@pytest.mark.parametrize("max_retries", [0, 1, 5])
async def test_retry_count_follows_max_retries(max_retries: int) -> None:
    fake = FakePortal().on("GET", "/portals/self", httpx.Response(502, text=""))
    with pytest.raises(UnexpectedResponse):
        await make_client(fake, max_retries=max_retries).portal_self()
    assert fake.count("/portals/self") == max_retries + 1


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
async def test_get_recovers_after_transient_statuses(status: int) -> None:
    fake = FakePortal().on("GET", "/community/self", httpx.Response(status, text=""), arcgis(USER))
    assert (await make_client(fake).community_self(TOKEN)).username == "jsmith"
    assert fake.count("/community/self") == 2


@pytest.mark.parametrize("failure", [httpx.ReadTimeout("t"), httpx.ReadError("reset"),
                                     httpx.RemoteProtocolError("closed"), httpx.ConnectError("refused")])
async def test_get_recovers_after_timeouts_and_resets(failure: Exception) -> None:
    fake = FakePortal().on("GET", "/community/self", failure, arcgis(USER))
    assert (await make_client(fake).community_self(TOKEN)).username == "jsmith"
    assert fake.count("/community/self") == 2


def _non_idempotent_calls():
    return [
        ("/generateToken", lambda c: c.generate_token("jsmith", "password-123", expiration_minutes=60)),
        ("/oauth2/token", lambda c: c.token_from_code("app", "code-1234", "v" * 43)),
        ("/oauth2/token", lambda c: c.refresh("app", TOKEN)),
        ("/allsourceTuiCheckOut", lambda c: c.check_out(ITEM, TOKEN, machine_id="m", os_user="u", alias="a",
                                                        intent_id="i" * 32)),
        ("/allsourceTuiCheckIn", lambda c: c.check_in(ITEM, TOKEN, machine_id="m", os_user="u",
                                                      device_credential=Secret("device-cred-123"))),
        ("/allsourceTuiCheckOutStatus", lambda c: c.check_out_status(ITEM, TOKEN, machine_id="m", intent_id="i" * 32)),
        ("/setDisconnectSettings", lambda c: c.set_disconnect_settings(ITEM, TOKEN, True)),
        ("/releaseLicense", lambda c: c.release_license("jsmith", TOKEN)),
        ("/provisionUserEntitlements", lambda c: c.provision_user_entitlements(ITEM, TOKEN, users=["a"],
                                                                               entitlements=[])),
    ]


@pytest.mark.parametrize(("suffix", "call"), _non_idempotent_calls())
@pytest.mark.parametrize("failure", [BUSY, httpx.ReadTimeout("t"), httpx.ReadError("reset"),
                                     httpx.RemoteProtocolError("closed")], ids=["503", "timeout", "reset", "eof"])
async def test_posts_are_never_retried_once_sent(suffix: str, call, failure) -> None:
    fake = FakePortal().on("POST", suffix, failure)
    with pytest.raises((UnexpectedResponse, PortalUnreachable)):
        await call(make_client(fake))
    assert fake.count(suffix) == 1


@pytest.mark.parametrize("failure", [BUSY, httpx.ReadError("reset")], ids=["503", "reset"])
async def test_a_revoke_whose_answer_was_lost_is_sent_again(failure) -> None:
    # Revoking is idempotent (the same token ends either way), so an unknown outcome is resolved by resending it:
    # a sign-out whose revoke never reached the portal does not leave a live token behind (issue 16).
    fake = FakePortal().on("POST", "/oauth2/revokeToken", failure, arcgis({"success": True}))
    await make_client(fake).revoke_token(TOKEN, client_id="app")
    assert fake.count("/oauth2/revokeToken") == 2


async def test_tp_net_figure_for_posts() -> None:
    counts = []
    for suffix, call in _non_idempotent_calls():
        for failure in (BUSY, httpx.ReadError("reset")):
            fake = FakePortal().on("POST", suffix, failure)
            with pytest.raises((UnexpectedResponse, PortalUnreachable)):
                await call(make_client(fake))
            counts.append(fake.count(suffix))
    print(f"TP-NET POST token/license 503 or RST: server count = {max(counts)} (in {len(counts)} cases)")
    assert set(counts) == {1}


@pytest.mark.parametrize("failure", [httpx.ConnectError("refused"), httpx.ConnectTimeout("t"), httpx.PoolTimeout("t")])
async def test_connect_errors_are_retried_even_for_token_posts(failure: Exception) -> None:
    fake = FakePortal().on("POST", "/generateToken", failure, arcgis(fixture("generateToken-ok.json")))
    grant = await make_client(fake).generate_token("jsmith", "password-123", expiration_minutes=60)
    assert grant.token.reveal() and fake.count("/generateToken") == 2


async def test_connect_errors_give_up_after_max_retries() -> None:
    fake = FakePortal().on("POST", "/allsourceTuiCheckOut", httpx.ConnectError("[Errno 111] Connection refused"))
    with pytest.raises(PortalUnreachable):
        await make_client(fake, max_retries=2).check_out(ITEM, TOKEN, machine_id="m", os_user="u", alias="a",
                                                         intent_id="i" * 32)
    assert fake.count("/allsourceTuiCheckOut") == 3


async def test_tls_verification_failure_is_not_retried() -> None:
    failure = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    fake = FakePortal().on("GET", "/portals/self", failure)
    with pytest.raises(PortalTLSError):
        await make_client(fake).portal_self()
    assert fake.count("/portals/self") == 1


@pytest.mark.parametrize(("retry_after", "expected"), [("2", 2.0), ("100", 8.0), ("0", 0.0)])
async def test_retry_after_seconds_is_honoured_up_to_the_cap(retry_after: str, expected: float) -> None:
    fake, sleeps = FakePortal().on("GET", "/community/self", httpx.Response(429, headers={"Retry-After": retry_after}),
                                   arcgis(USER)), Sleeps()
    await make_client(fake, sleeps=sleeps).community_self(TOKEN)
    assert sleeps == [expected]


async def test_retry_after_http_date_is_relative_to_the_clock() -> None:
    clock = FakeClock(1_800_000_000.0)
    busy = httpx.Response(503, headers={"Retry-After": http_date(clock.now() + 5)})
    fake, sleeps = FakePortal().on("GET", "/community/self", busy, arcgis(USER)), Sleeps()
    await make_client(fake, sleeps=sleeps, clock=clock).community_self(TOKEN)
    assert sleeps == [pytest.approx(5.0)]


async def test_total_wait_stays_within_the_budget() -> None:
    busy = httpx.Response(503, headers={"Retry-After": "8"})
    fake, sleeps = FakePortal().on("GET", "/community/self", busy), Sleeps()
    with pytest.raises(UnexpectedResponse):
        await make_client(fake, sleeps=sleeps, max_retries=20).community_self(TOKEN)
    assert sum(sleeps) <= 30.0 and fake.count("/community/self") == len(sleeps) + 1


def test_backoff_is_full_jitter_capped_at_8_seconds() -> None:
    top = RetryPolicy(max_retries=10, jitter=lambda low, high: high)
    bottom = RetryPolicy(max_retries=10, jitter=lambda low, high: low)
    assert [top.delay(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert {bottom.delay(n) for n in range(6)} == {0.0}
    real = RetryPolicy()
    assert all(0.0 <= real.delay(n) <= min(8.0, 0.5 * 2 ** n) for n in range(8) for _ in range(50))
