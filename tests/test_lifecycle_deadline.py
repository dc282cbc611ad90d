"""Issue 16 findings 6 and 9: an overall deadline for every portal operation, and a validity margin that scales with
the token's lifetime. Real CLI, real HTTPS, the demo portal behind the fault proxy (tests/faultproxy.py)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.faultproxy import FaultProxy
from tests.lifecycle_harness import USER, Cell
from tui.core.errors import PortalUnreachable
from tui.core.models import Session
from tui.portal.base import PortalBase

pytestmark = pytest.mark.e2e


@pytest.fixture
def proxy(demo_portal, tmp_path):
    # One byte every 0.5 s: a token answer (~300 bytes) would take minutes, and every byte restarts httpx's read
    # timeout, so only an overall deadline ends it.
    with FaultProxy(demo_portal.url, demo_portal.ca_path, tmp_path / "proxy", trickle_interval=0.5) as running:
        yield running


def test_a_trickling_portal_ends_sign_in_at_the_deadline_with_exit_5(demo_portal, proxy, tmp_path):
    cell = Cell(demo_portal, proxy, tmp_path / "a", machine_id="machine-a", deadline=2.0, read_timeout=5.0)
    proxy.inject("generateToken", "trickle")
    outcome = cell.sign_in()
    assert outcome.exit_code == 5
    assert outcome.stderr.count("\n") == 1
    assert "did not answer within 2 seconds" in outcome.stderr
    assert "session" not in cell.read_state()


def test_a_trickling_read_ends_a_license_check_at_the_deadline(demo_portal, proxy, tmp_path):
    cell = Cell(demo_portal, proxy, tmp_path / "a", machine_id="machine-a", deadline=2.0, read_timeout=5.0)
    cell.must(cell.sign_in())
    proxy.inject("community/users/*", "trickle", times=None)  # every retry trickles as well
    outcome = cell.run("license")
    assert outcome.exit_code == 5, outcome.stderr
    assert "did not answer within 2 seconds" in outcome.stderr
    assert cell.read_state()["session"]["username"] == USER, "an unreachable portal never ends the session"


async def test_the_deadline_covers_retries_too():
    """Every attempt fails slowly and is retried: the whole operation still ends at the deadline."""
    async def slow_failure(request):
        await asyncio.sleep(0.4)
        return httpx.Response(503, request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(slow_failure)) as http:
        base = PortalBase("https://portal.example.com", http, referer="r", max_retries=10, backoff_base=0.01,
                          deadline=1.0)
        with pytest.raises(PortalUnreachable, match="did not answer within 1 seconds"):
            await base.get("portals/self")


def test_a_one_minute_token_signs_in_and_stays_signed_in(demo_portal, proxy, tmp_path):
    """token_expiration_minutes = 1 (the config minimum): the 60 s margin used to equal the whole lifetime."""
    cell = Cell(demo_portal, proxy, tmp_path / "a", machine_id="machine-a")
    cell.config.write_text(cell.config.read_text().replace('licensing_portal_kind = "online"\n',
                                                           'licensing_portal_kind = "online"\n'
                                                           "token_expiration_minutes = 1\n"))
    cell.must(cell.sign_in())
    session = cell.read_state()["session"]
    assert 50 <= session["expires_at"] - session["signed_in_at"] <= 70
    status = cell.run("status")
    assert status.exit_code == 0, status.stderr
    assert "Not signed in" not in status.stdout and USER in status.stdout
    assert cell.run("license").exit_code == 0


def test_the_margin_is_a_tenth_of_a_short_lifetime_and_60_s_otherwise():
    def session(lifetime: float) -> Session:
        return Session(portal_url="https://p", username="u", full_name="", auto_sign_in=True, method="password",
                       access_token=None, expires_at=1000.0 + lifetime, signed_in_at=1000.0)

    assert session(60).validity_margin() == 6
    assert session(14 * 86400).validity_margin() == 60
    assert session(60).is_valid(1000.0 + 50) and not session(60).is_valid(1000.0 + 55)


async def test_a_whole_sign_in_gets_twice_the_deadline_and_never_more_than_120_s():
    """Several operations each just under the deadline must not add up: the CLI ends the whole sign-in."""
    from types import SimpleNamespace

    from tui.cli.commands import SIGN_IN_BUDGET_SECONDS, _within_sign_in_budget
    from tui.core.settings import NetworkSettings, Settings

    service = SimpleNamespace(settings=Settings(network=NetworkSettings(deadline_seconds=0.3)))
    with pytest.raises(PortalUnreachable, match=r"took longer than 0\.6 seconds"):
        await _within_sign_in_budget(service, asyncio.sleep(5))
    assert SIGN_IN_BUDGET_SECONDS <= 120
    await _within_sign_in_budget(service, asyncio.sleep(0))  # a quick sign-in is untouched
