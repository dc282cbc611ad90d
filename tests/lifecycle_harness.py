"""The fault-matrix harness (issue 16): run one mutating CLI operation through the fault proxy, then check the
license-lifecycle invariants on the demo portal's own state.

Invariants, checked after every cell:

(a) every license the portal shows checked out for the user has its device credential recoverable on this computer
    (an ``[offline.*]`` entry holding it, or an ``[offline_intent.*]`` whose replay gives it back), or is released;
(b) every live token of the user at the portal is one ``state.toml`` knows of (its access or refresh token, or an
    access token minted from that refresh token, which revoking the refresh token ends) — nothing more;
(c) no other entry of ``state.toml`` changed (another computer's offline entry, another portal's listing id, a table
    this version doesn't know);
(d) the command ended with a documented exit code (0, 2-6; 1 means "unexpected") and, when it failed, exactly one
    sentence on stderr — within its deadline;
(e) no phantom: every offline record of this computer in ``state.toml`` is a check-out the portal still holds (an
    unknown outcome is resolved by asking the portal, so the local record never contradicts it after a command).
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

from tests.faultproxy import FaultProxy
from tui.cli.main import main
from tui.demo_portal import DemoPortal

USER, PASSWORD = "pro_adv", "allsource-demo"
DOCUMENTED_EXITS = (0, 2, 3, 4, 5, 6)
FOREIGN = {  # entries of state.toml that no operation on this computer may change (invariant c)
    "offline": {"other-computer": {
        "portal_url": "https://elsewhere.example.com", "username": "someone", "full_name": "Some One",
        "machine_id": "other-computer", "os_user": "x", "alias": "lab-7", "checked_out_at": 1.7e9,
        "license": {"level": "Basic", "extensions": {}, "checked_at": 1.7e9, "disconnected": True},
        "device_credential": "credential-of-another-computer"}},
    "listing_ids": {"https://elsewhere.example.com": "f" * 32},
    "a_table_from_a_newer_version": {"keep": ["me", 1]},
}


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str
    seconds: float


@dataclass
class Cell:
    """One computer running one command against the portal through the proxy."""

    portal: DemoPortal
    proxy: FaultProxy
    workdir: Path
    machine_id: str
    deadline: float = 1.0
    read_timeout: float = 1.0
    config: Path = field(init=False)
    state_dir: Path = field(init=False)

    def __post_init__(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.state_dir = self.workdir / "state"
        self.config = self.workdir / "config.toml"
        self.config.write_text(
            f'[portal]\nlicensing_portal_url = "{self.proxy.url}"\nlicensing_portal_kind = "online"\n'
            f'[network]\nca_bundle = "{self.proxy.ca_path}"\nconnect_timeout = 2\nread_timeout = {self.read_timeout}\n'
            f"deadline_seconds = {self.deadline}\n", encoding="utf-8")

    @property
    def state_path(self) -> Path:
        return self.state_dir / "state.toml"

    def run(self, *args: str, stdin: str = "") -> Outcome:
        """The real CLI, in this process (`main()`), as this computer."""
        saved = sys.stdin, sys.stdout, sys.stderr, os.environ.get("ALLSOURCE_TUI_MACHINE_ID")
        out, err = io.StringIO(), io.StringIO()
        sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
        os.environ["ALLSOURCE_TUI_MACHINE_ID"] = self.machine_id
        started = time.monotonic()
        try:
            code = main(["--config", str(self.config), "--state-dir", str(self.state_dir), *args])
        except SystemExit as leave:
            code = int(leave.code or 0)
        finally:
            sys.stdin, sys.stdout, sys.stderr = saved[:3]
            if saved[3] is None:
                os.environ.pop("ALLSOURCE_TUI_MACHINE_ID", None)
            else:
                os.environ["ALLSOURCE_TUI_MACHINE_ID"] = saved[3]
        return Outcome(code, out.getvalue(), err.getvalue(), time.monotonic() - started)

    def sign_in(self) -> Outcome:
        return self.run("sign-in", "--username", USER, "--password-stdin", stdin=PASSWORD + "\n")

    def must(self, outcome: Outcome) -> Outcome:
        assert outcome.exit_code == 0, f"setup step failed: {outcome.stderr}"
        return outcome

    # --- state.toml ------------------------------------------------------------------------------------------------
    def read_state(self) -> dict:
        return tomllib.loads(self.state_path.read_text(encoding="utf-8")) if self.state_path.exists() else {}

    def add_foreign_entries(self) -> None:
        """Put entries of other computers and portals into state.toml, as a shared home would hold them."""
        data = self.read_state()
        for key, value in FOREIGN.items():
            table = data.setdefault(key, {})
            table.update(value)
        self.write_state(data)

    def write_state(self, data: dict) -> None:
        self.state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.state_path.write_bytes(tomli_w.dumps(data).encode("utf-8"))
        self.state_path.chmod(0o600)


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def broken_invariants(cell: Cell, outcome: Outcome, budget: float) -> list[str]:
    """The invariants (a)-(d) this cell broke, each as a short phrase (empty: all hold)."""
    state = cell.read_state()
    portal = cell.portal.demo.store.snapshot()
    now = time.time()
    broken = []
    broken += _checked_out_but_stranded(state, portal, now)
    broken += _tokens_nobody_holds(state, portal, now)
    for key, value in FOREIGN.items():
        for entry, item in value.items():
            if not isinstance(state.get(key), dict) or state[key].get(entry) != item:
                broken.append(f"(c) [{key}.{entry}] changed")
    broken += _badly_ended(outcome, budget)
    broken += _phantom_offline(cell, state, portal, now)
    return broken


def _phantom_offline(cell: Cell, state: dict, portal: dict, now: float) -> list[str]:
    held = portal["checkouts"].get(USER)
    live = held is not None and (held["expires"] == -1 or held["expires"] > now * 1000)
    for key, entry in state.get("offline", {}).items():
        if key in FOREIGN["offline"] or not isinstance(entry, dict):
            continue
        if not live or _sha256(str(entry.get("device_credential", ""))) != held["credentialHash"]:
            return ["(e) state.toml keeps an offline license the portal no longer holds"]
    return []


def _checked_out_but_stranded(state: dict, portal: dict, now: float) -> list[str]:
    held = portal["checkouts"].get(USER)
    if held is None or (held["expires"] != -1 and held["expires"] <= now * 1000):
        return []
    credentials = {_sha256(str(entry.get("device_credential", ""))) for entry in state.get("offline", {}).values()
                   if isinstance(entry, dict)}
    intents = {_sha256(str(entry.get("intent_id", ""))) for entry in state.get("offline_intent", {}).values()
               if isinstance(entry, dict)}
    if held["credentialHash"] in credentials or held["intentHash"] in intents:
        return []
    return ["(a) the portal holds a check-out whose device credential this computer lost"]


def _tokens_nobody_holds(state: dict, portal: dict, now: float) -> list[str]:
    session = state.get("session") if isinstance(state.get("session"), dict) else {}
    known = {_sha256(session[key]) for key in ("access_token", "refresh_token") if isinstance(session.get(key), str)}
    live = {digest: record for digest, record in portal["tokens"].items()
            if record["username"] == USER and record["expires"] > now}
    unknown = [d for d, record in live.items() if d not in known and record.get("parent") not in known]
    return [f"(b) {len(unknown)} live token(s) at the portal that state.toml does not know of"] if unknown else []


def _badly_ended(outcome: Outcome, budget: float) -> list[str]:
    broken = []
    if outcome.exit_code not in DOCUMENTED_EXITS:
        broken.append(f"(d) exit {outcome.exit_code}: {outcome.stderr.strip()[:160]}")
    lines = [line for line in outcome.stderr.splitlines() if line.strip()]
    if outcome.exit_code != 0 and len(lines) != 1:
        broken.append(f"(d) {len(lines)} lines on stderr, not one sentence")
    if outcome.seconds > budget:
        broken.append(f"(d) took {outcome.seconds:.1f} s, past its deadline of {budget:g} s")
    return broken


def reset_portal(portal: DemoPortal) -> None:
    """Forget every token and check-out, so each cell starts from a fresh portal (faster than a new one)."""
    with portal.demo.store.transaction() as state:
        state["tokens"].clear()
        state["checkouts"].clear()
    portal.demo.faults.clear()


Setup = Callable[[Cell], None]
