"""The license lifecycle under partial failure (issue 16): every mutating operation × every fault point.

Each cell: a computer gets into the operation's starting state (no faults), then runs the operation through the real
CLI with one fault armed in the HTTPS proxy between it and the demo portal (tests/faultproxy.py), then the invariants
of tests/lifecycle_harness.py are checked on the demo portal's own state and on state.toml. Short timeouts
(``deadline_seconds`` 1, ``read_timeout`` 1, a trickle of one byte every 0.3 s) keep the whole matrix quick.

Every cell holds every invariant, except the cells of DOCUMENTED_OUTCOME (a token answer lost on the way back: no
client can store or revoke a token it never received), where the documented outcome is asserted instead.
"""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from tests.faultproxy import FAULTS, FaultProxy
from tests.lifecycle_harness import (
    PASSWORD,
    USER,
    Cell,
    broken_invariants,
    reset_portal,
)
from tests.sso_browser import approve_in_browser
from tui.demo_portal import DemoPortal

pytestmark = pytest.mark.e2e
# CI size: short timeouts, each cell once. Full size (tests/reliability_large.py sets ALLSOURCE_TUI_STRESS=1): the
# timeouts of a slow real network, each cell three times.
STRESS = os.environ.get("ALLSOURCE_TUI_STRESS") == "1"
DEADLINE, READ_TIMEOUT, TRICKLE_INTERVAL, ROUNDS = (5.0, 3.0, 1.0, 3) if STRESS else (1.0, 1.0, 0.3, 1)
RESULTS: dict[str, list[str]] = {}


# --- starting states ----------------------------------------------------------------------------------------------
def nothing(cell: Cell) -> None:
    return None


def signed_in(cell: Cell) -> None:
    cell.must(cell.sign_in())


def checked_out(cell: Cell) -> None:
    signed_in(cell)
    cell.must(cell.run("offline", "authorize", "--connect"))


def sso_near_refresh_end(cell: Cell) -> None:
    """Signed in with SSO, the refresh token believed to end within the hour: the next call exchanges it."""
    asyncio.run(_sso_sign_in(cell))
    state = cell.read_state()
    state["session"]["refresh_expires_at"] = time.time() + 3600
    cell.write_state(state)


async def _sso_sign_in(cell: Cell) -> None:
    from tui.service.licensing import open_service, resolve_locations

    os.environ["ALLSOURCE_TUI_MACHINE_ID"] = cell.machine_id
    try:
        async with open_service(resolve_locations(cell.config, cell.state_dir)) as service:
            request = service.begin_sso()
            code, _ = await approve_in_browser(request.authorize_url, cell.proxy.ca_path, USER, PASSWORD)
            await service.complete_sso(request, code)
    finally:
        os.environ.pop("ALLSOURCE_TUI_MACHINE_ID", None)


def _enterprise_through_proxy(cell: Cell) -> tuple[str, ...]:
    prefix = cell.portal.enterprise_url[len(cell.portal.url):]
    return ("portal", "set", "enterprise", cell.proxy.url + prefix)


# operation -> (starting state, command (or a function of the cell giving it), path glob of its mutating request)
OPERATIONS = {
    "sign-in": (nothing, ("sign-in", "--username", USER, "--password-stdin"), "generateToken"),
    "sign-out": (signed_in, ("sign-out",), "oauth2/revokeToken"),
    "refresh-exchange": (sso_near_refresh_end, ("license",), "oauth2/token"),
    "check-out": (signed_in, ("offline", "authorize", "--connect"), "allsourceTuiCheckOut"),
    "check-in": (checked_out, ("offline", "check-in"), "allsourceTuiCheckIn"),
    "portal-change": (signed_in, _enterprise_through_proxy, "portals/self"),
}

# Cells no client can fix (docs/reliability.md, "What no client can undo"): the portal issued a token and its answer
# never arrived, so the client holds nothing to store or revoke. Their documented outcome is asserted instead: the
# only broken invariant is (b), every orphaned token is bound to this computer (signing in again here takes no
# further seat: the portal counts computers, not tokens), and it ends by itself at its expiry.
ORPHANED = "(b) {n} live token(s) at the portal that state.toml does not know of"
DOCUMENTED_OUTCOME: dict[tuple[str, str], str] = {
    **{("sign-in", fault): ORPHANED.format(n=1) for fault in FAULTS if fault != "reset_before"},
    # the new refresh token and its access token (the old access token stays known through the old refresh token)
    **{("refresh-exchange", fault): ORPHANED.format(n=2) for fault in FAULTS if fault != "reset_before"},
}


def _cells():
    for operation in OPERATIONS:
        for fault in FAULTS:
            for round_ in range(ROUNDS):
                suffix = f"-{round_}" if ROUNDS > 1 else ""
                yield pytest.param(operation, fault, round_, id=f"{operation}-{fault}{suffix}")


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    """One demo portal and one proxy for the whole matrix; each cell resets the portal and uses a new computer."""
    base = tmp_path_factory.mktemp("fault-matrix")
    portal = DemoPortal(base / "portal", port=0)
    portal.start()
    proxy = FaultProxy(portal.url, portal.ca_path, base / "proxy", trickle_interval=TRICKLE_INTERVAL,
                       hang_seconds=30)
    proxy.start()
    try:
        yield portal, proxy, base
    finally:
        proxy.stop()
        portal.stop()
        failures = sum(1 for broken in RESULTS.values() if broken)  # documented outcomes are not in RESULTS' lists
        print(f"\nFault matrix: {len(OPERATIONS)} operations × {len(FAULTS)} fault points × {ROUNDS} = "
              f"{len(RESULTS)} cells run (deadline {DEADLINE:g} s), {failures} breaking an invariant "
              f"beyond the documented outcome ({len(DOCUMENTED_OUTCOME) * ROUNDS} cells end in a documented orphaned "
              "token: a lost token answer no client can see)"
              + "".join(f"\n  {cell}: {'; '.join(broken)}" for cell, broken in RESULTS.items() if broken))


@pytest.mark.parametrize(("operation", "fault", "round_"), list(_cells()))
def test_fault_matrix(rig, operation: str, fault: str, round_: int) -> None:
    portal, proxy, base = rig
    reset_portal(portal)
    proxy.clear()
    name = f"{operation}-{fault}-{round_}"
    cell = Cell(portal, proxy, base / name, machine_id=name, deadline=DEADLINE, read_timeout=READ_TIMEOUT)
    prepare, command, glob = OPERATIONS[operation]
    prepare(cell)
    cell.add_foreign_entries()
    args = command(cell) if callable(command) else command
    proxy.inject(glob, fault)
    stdin = PASSWORD + "\n" if operation == "sign-in" else ""
    outcome = cell.run(*args, stdin=stdin)
    broken = broken_invariants(cell, outcome, budget=6 * cell.deadline + 3)
    if proxy.armed():
        broken.append(f"the fault never fired: no request matched {glob}")
    proxy.clear()
    documented = DOCUMENTED_OUTCOME.get((operation, fault))
    if documented is not None and broken == [documented]:
        broken = _orphans_not_as_documented(cell)
    RESULTS[f"{operation} × {fault}" + (f" #{round_}" if ROUNDS > 1 else "")] = broken
    assert not broken, f"exit {outcome.exit_code}, stderr {outcome.stderr.strip()[:200]!r}"


def _orphans_not_as_documented(cell: Cell) -> list[str]:
    """The documented outcome of a lost token answer: one computer (this one) holds every live token of the user, and
    each ends by itself within the longest lifetime the portal gives (two weeks for either kind here)."""
    now = time.time()
    live = [record for record in cell.portal.demo.store.snapshot()["tokens"].values()
            if record["username"] == USER and record["expires"] > now]
    broken = []
    if len({record["computer"] for record in live}) != 1:
        broken.append("the orphaned token holds a seat on another computer")
    if any(record["expires"] > now + 14 * 24 * 3600 + 60 for record in live):
        broken.append("an orphaned token outlives the documented two weeks")
    return broken
