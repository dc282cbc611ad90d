"""TP-CORRUPT at the model level: well-formed TOML whose tables hold values of the wrong type (hypothesis).

The file parses, so it is not quarantined (test_state_corrupt.py covers unparsable files); the service must still
never crash on it — `status`, the JSON status and the next write all work — say which part it ignored, and the
original bytes must survive the next write as ``state.toml.bak`` (docs/reliability.md, S-3, S-4).
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from collections import Counter
from pathlib import Path

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.machine import MachineIdentity
from tui.core.settings import SecretSettings, Settings
from tui.service.licensing import LicensingService
from tui.state.store import StateStore

STRESS = os.environ.get("ALLSOURCE_TUI_STRESS") == "1"
EXAMPLES = 2000 if STRESS else 150
SETTINGS = Settings(secrets=SecretSettings(credential_store="file"))  # about state typing: no keyring calls
MACHINE = MachineIdentity(machine_id="types-test", os_user="tester", hostname="types-host")
KEY = MACHINE.machine_key
LICENSE = {"level": "Advanced", "extensions": {"Spatial Analyst": True, "3D Analyst": False},
           "user_type": "GIS Professional Advanced", "listing_id": "a" * 32, "checked_at": 1.7e9,
           "disconnected": False}
GOLDEN = {
    "schema_version": 1, "revision": 3, "last_username": "pro_adv", "workstation_alias": "types-box",
    "licensing_portal": {"url": "https://127.0.0.1:8443", "kind": "online"},
    "portals": {"urls": ["https://127.0.0.1:8443"], "active": "https://127.0.0.1:8443"},
    "session": {"portal_url": "https://127.0.0.1:8443", "username": "pro_adv", "full_name": "Avery Pro",
                "auto_sign_in": True, "method": "password", "token_store": "state",
                "access_token": "golden-token-value-1234567890", "expires_at": 4.1e9, "signed_in_at": 1.7e9},
    "license": LICENSE,
    "offline": {KEY: {"portal_url": "https://127.0.0.1:8443", "username": "pro_adv", "full_name": "Avery Pro",
                      "machine_id": KEY, "os_user": "tester", "alias": "types-box", "license": LICENSE,
                      "expires_at": -1, "checked_out_at": 1.7e9, "device_credential": "golden-credential-123456"}},
    "offline_intent": {KEY: {"intent_id": "b" * 32, "portal_url": "https://127.0.0.1:8443", "username": "pro_adv",
                             "machine_id": KEY, "listing_id": "a" * 32, "started_at": 1.7e9}},
}


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    """Every (table, …, key) path below the owned top-level keys of GOLDEN."""
    if not isinstance(value, dict):
        return [prefix]
    found = [prefix] if prefix else []
    for key, inner in value.items():
        if not prefix and key in ("schema_version", "revision"):
            continue
        found += _paths(inner, (*prefix, key))
    return found


PATHS = _paths(GOLDEN)
scalars = st.one_of(st.text(max_size=8), st.integers(-2**70, 2**70), st.floats(allow_nan=False), st.booleans(),
                    st.datetimes(), st.dates())
wrong_values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.text(max_size=5), scalars,
                                                                                   max_size=3))


def with_value(path: tuple, value: object) -> dict:
    data = _deep_copy(GOLDEN)
    table = data
    for key in path[:-1]:
        table = table[key]
    table[path[-1]] = value
    return data


def _deep_copy(value):
    return {k: _deep_copy(v) for k, v in value.items()} if isinstance(value, dict) else value


def run_service_on(raw: bytes, table: str, outcomes: Counter) -> None:
    with tempfile.TemporaryDirectory() as directory:
        state_dir = Path(directory)
        (state_dir / "state.toml").write_bytes(raw)
        os.chmod(state_dir / "state.toml", 0o600)
        service = LicensingService(SETTINGS, StateStore(state_dir), MACHINE)
        status = service.status()  # must not raise
        status.to_json()
        notices = " ".join(status.notices)
        ignored = "kept as it is" in notices and (f"[{table}" in notices or f" {table} " in notices)
        outcomes["notice naming the part"] += ignored
        service.set_alias("after-the-bad-file")  # the next write must work
        rewritten = tomllib.loads((state_dir / "state.toml").read_text(encoding="utf-8"))
        original = tomllib.loads(raw.decode("utf-8"))
        # issue 16 finding 3: an unusable part is kept verbatim by the write, never dropped or rewritten
        outcomes["ignored part changed by the write"] += (ignored and table != "workstation_alias"
                                                          and rewritten.get(table) != original.get(table))
        backup = state_dir / "state.toml.bak"
        outcomes["original kept as .bak"] += backup.exists() and backup.read_bytes() == raw
        outcomes["cases"] += 1


def test_tp_corrupt_wrong_types_in_every_field_never_crash_and_keep_a_copy() -> None:
    outcomes: Counter = Counter()

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(path=st.sampled_from(PATHS), value=wrong_values)
    def check(path: tuple, value: object) -> None:
        raw = tomli_w.dumps(with_value(path, value)).encode()
        run_service_on(raw, path[0], outcomes)

    check()
    print(f"\nTP-CORRUPT wrong types: {outcomes['cases']} files with one field of {len(PATHS)} replaced by a "
          f"generated value: 0 uncaught exceptions in status / status --json / the next write; "
          f"{outcomes['notice naming the part']} ignored that part with a notice naming it (the rest held a value "
          f"the reader accepts, e.g. any value for a flag), {outcomes['ignored part changed by the write']} of those "
          f"changed or dropped it in state.toml at the next write; "
          f"original bytes kept as state.toml.bak after the next write: "
          f"{outcomes['original kept as .bak']}/{outcomes['cases']}")
    assert outcomes["cases"] >= EXAMPLES
    assert outcomes["original kept as .bak"] == outcomes["cases"]
    assert outcomes["notice naming the part"] > 0
    assert outcomes["ignored part changed by the write"] == 0


def test_times_a_date_cannot_show_are_ignored_not_a_crash() -> None:
    """Found by the test above: status --json crashed on offline.expires_at = 2**63 (OverflowError in datetime)."""
    outcomes: Counter = Counter()
    fields = [("offline", KEY, "expires_at"), ("session", "expires_at"), ("license", "checked_at")]
    for path in fields:
        for value in (float("inf"), float("-inf"), float("nan"), 2**63, -62_135_596_801, 253_402_300_800):
            run_service_on(tomli_w.dumps(with_value(path, value)).encode(), path[0], outcomes)
    assert outcomes["cases"] == outcomes["notice naming the part"] == outcomes["original kept as .bak"] == 18
