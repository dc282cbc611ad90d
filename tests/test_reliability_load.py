"""The licensing rules under load through the real stack: 50 LicensingService instances (50 computers, each its own
state folder and HTTPS connection pool) against ONE demo portal over HTTPS, all at once, signing in and out and
checking the license out and in for several rounds. Never more than 3 computers per user, never two offline
holders, and no error other than the portal's licensing refusals. ALLSOURCE_TUI_STRESS=1 runs more rounds.

The same rules with the portal's own test client (ASGITransport, no TLS, 150 computers) are in
test_demo_portal_concurrency.py.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import DEMO_PASSWORD, demo_settings
from tests.test_demo_portal_concurrency import USERS, InvariantWatch
from tui.core.errors import AllSourceError, LicenseRuleError
from tui.core.machine import MachineIdentity
from tui.service.licensing import LicensingService
from tui.state.store import StateStore

if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))
import state_workers

pytestmark = pytest.mark.e2e
STRESS = os.environ.get("ALLSOURCE_TUI_STRESS") == "1"
COMPUTERS = 50
ROUNDS = 12 if STRESS else 3
OFFLINE_SHARE = 0.3
EXPECTED_REFUSALS = {"ASTUI_COMPUTER_LIMIT", "ASTUI_OFFLINE_HELD"}


@pytest.fixture
def portal(tmp_path: Path) -> Iterator:
    """One demo portal for everyone, offline use allowed in both organizations; its files on tmpfs when possible."""
    from tui.demo_portal import DemoPortal

    with state_workers.fast_dir(tmp_path) as work_dir:
        portal = DemoPortal(work_dir / "demo-portal", port=0, allow_offline_enterprise=True)
        portal.start()
        try:
            yield portal
        finally:
            portal.stop()


class Tally:
    """What the computers saw, and the most computers / offline holders they saw at once for each user."""

    def __init__(self) -> None:
        self.outcomes: Counter[str] = Counter()
        self.errors: list[str] = []
        self.signed_in: Counter[str] = Counter()
        self.offline: Counter[str] = Counter()
        self.most_signed_in: Counter[str] = Counter()
        self.most_offline: Counter[str] = Counter()

    def enter(self, counter: Counter, most: Counter, user: str) -> None:
        counter[user] += 1
        most[user] = max(most[user], counter[user])

    def refused(self, what: str, error: LicenseRuleError) -> None:
        code = getattr(error, "message_code", "")
        if code in EXPECTED_REFUSALS:
            self.outcomes[f"{what} refused {code}"] += 1
        else:
            self.errors.append(f"{what}: {error.user_message}")


async def one_computer(service: LicensingService, user: str, tally: Tally, rng: random.Random) -> None:
    """The client-side counts open after the portal said yes and close before we tell it we're done, so they never
    exceed what the portal holds at that moment."""
    for _ in range(ROUNDS):
        await asyncio.sleep(rng.random() * 0.02)
        try:
            await service.sign_in(user, DEMO_PASSWORD)
        except LicenseRuleError as refusal:
            tally.refused("sign-in", refusal)
            continue
        tally.enter(tally.signed_in, tally.most_signed_in, user)
        tally.outcomes["signed in"] += 1
        if rng.random() < OFFLINE_SHARE:
            await offline_round(service, user, tally, rng)
        tally.signed_in[user] -= 1
        await service.sign_out()


async def offline_round(service: LicensingService, user: str, tally: Tally, rng: random.Random) -> None:
    try:
        await service.authorize_offline(connect=True)
    except LicenseRuleError as refusal:
        tally.refused("check-out", refusal)
        return
    tally.enter(tally.offline, tally.most_offline, user)
    tally.outcomes["checked out"] += 1
    await asyncio.sleep(rng.random() * 0.02)
    tally.offline[user] -= 1
    await service.check_in()
    tally.outcomes["checked in"] += 1


async def guarded(service: LicensingService, user: str, tally: Tally, rng: random.Random) -> None:
    try:
        await one_computer(service, user, tally, rng)
    except AllSourceError as error:  # anything but a licensing refusal is a failure of the test
        tally.errors.append(f"{type(error).__name__}: {error.user_message}")
    finally:
        await service.aclose()


def make_computers(portal, state_root: Path) -> list[tuple[LicensingService, str]]:
    computers = []
    for number in range(COMPUTERS):
        user = USERS[number % len(USERS)]
        machine = MachineIdentity(machine_id=f"load-{number}", os_user="tester", hostname=f"load-{number}")
        settings = demo_settings(portal, enterprise=user == "ent_user")
        computers.append((LicensingService(settings, StateStore(state_root / f"load-{number}"), machine), user))
    return computers


async def test_fifty_computers_through_the_real_stack_keep_the_licensing_rules(portal, tmp_path):
    watch = InvariantWatch(portal.demo)
    portal.demo.store.add_commit_listener(watch)
    tally, rng = Tally(), random.Random(5050)
    with state_workers.fast_dir(tmp_path) as state_root:
        computers = make_computers(portal, state_root)
        started = time.monotonic()
        await asyncio.gather(*(guarded(service, user, tally, random.Random(rng.random())) for service, user
                               in computers))
        elapsed = time.monotonic() - started
    print(f"\n{COMPUTERS} computers x {ROUNDS} rounds through LicensingService over HTTPS in {elapsed:.1f} s "
          f"({len(portal.request_log)} requests, {watch.commits} portal commits): "
          f"{dict(sorted(tally.outcomes.items()))}; most computers per user at the portal "
          f"{dict(watch.max_computers)}, seen by clients "
          f"{dict(tally.most_signed_in)} (limit 3); most offline holders per user seen by clients "
          f"{dict(tally.most_offline)} (limit 1); rule violations {len(watch.violations)}; "
          f"unexpected errors {len(tally.errors)}")
    assert tally.errors == [] and watch.violations == []
    assert max(watch.max_computers.values()) == 3 and max(tally.most_signed_in.values()) <= 3
    assert max(tally.most_offline.values(), default=0) <= 1
    assert tally.outcomes["sign-in refused ASTUI_COMPUTER_LIMIT"] > 0  # the limit was really reached
    assert tally.outcomes["checked out"] == tally.outcomes["checked in"] > 0
    with portal.demo.store.reading() as state:
        assert state["checkouts"] == {}
