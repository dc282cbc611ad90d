"""TP-TOML: what StateStore writes reads back identically; arbitrary bytes never crash the reader (hypothesis)."""

from __future__ import annotations

import math
import os
import tempfile
from datetime import UTC, date, datetime, time, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.errors import StateFileError, StateWriteError
from tui.state.file import META_KEYS, encode_state, parse_or_raise, same_value
from tui.state.store import StateStore

STRESS = os.environ.get("ALLSOURCE_TUI_STRESS") == "1"
# CI counts keep the file at a few seconds (generating nested unicode data costs ~10 ms an example);
# ALLSOURCE_TUI_STRESS=1 runs the full-size figures of docs/reliability.md (2000 round trips, 5000 random inputs).
_QUIET = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
ROUND_TRIPS = settings(max_examples=2000 if STRESS else 250, **_QUIET)
ON_DISK = settings(max_examples=500 if STRESS else 50, **_QUIET)
RANDOM_BYTES = settings(max_examples=5000 if STRESS else 500, **_QUIET)

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=16)  # any unicode incl. control chars
scalars = st.one_of(
    text,
    st.integers(),  # includes integers far beyond 64 bits
    st.booleans(),
    st.floats(allow_nan=False),
    st.datetimes(timezones=st.none() | st.just(UTC)),
    st.dates(),
    st.times(),
)
# Fixed depth (st.recursive is ~5x slower to draw): tables, sub-tables, arrays, nested arrays, arrays of tables.
arrays = st.lists(scalars | st.lists(scalars, max_size=3), max_size=4)
tables = st.dictionaries(text, scalars | arrays | st.dictionaries(text, scalars, max_size=3), max_size=4)
values = scalars | arrays | tables | st.lists(tables, min_size=1, max_size=3)
states = st.dictionaries(text.filter(lambda key: key not in META_KEYS), values, max_size=6)
SCRATCH = Path("/state-under-test/state.toml")


def test_tp_toml_encoded_state_parses_back_identically() -> None:
    examples = []

    @ROUND_TRIPS
    @given(states)
    def check(state: dict) -> None:
        examples.append(state)
        assert same_value(parse_or_raise(encode_state(state, SCRATCH), SCRATCH), state)

    check()
    print(f"TP-TOML: {len(examples)} generated states: parse(encode(x)) == x for all")


def test_tp_toml_load_of_a_saved_state_returns_it() -> None:
    examples = []

    @ON_DISK
    @given(states)
    def check(state: dict) -> None:
        examples.append(state)
        with tempfile.TemporaryDirectory() as directory:
            with StateStore(Path(directory)).transaction() as data:
                data.update(state)
            loaded = StateStore(Path(directory)).load()
        if not state:  # nothing changed, so nothing was written
            assert loaded == {}
            return
        assert same_value({k: v for k, v in loaded.items() if k not in META_KEYS}, state)
        assert loaded["schema_version"] == 1 and loaded["revision"] == 1

    check()
    print(f"TP-TOML: {len(examples)} generated states through StateStore: load(transaction(x)) == x for all")


def test_tp_toml_random_bytes_give_a_dict_or_state_file_error() -> None:
    outcomes = {"dict": 0, "StateFileError": 0}

    @RANDOM_BYTES
    @given(st.binary(max_size=300))
    def check(raw: bytes) -> None:
        try:
            assert isinstance(parse_or_raise(raw, SCRATCH), dict)
            outcomes["dict"] += 1
        except StateFileError as exc:
            assert str(SCRATCH) in exc.user_message and exc.path == str(SCRATCH)
            outcomes["StateFileError"] += 1

    check()
    print(f"TP-TOML: {sum(outcomes.values())} random byte inputs: {outcomes['StateFileError']} StateFileError, "
          f"{outcomes['dict']} valid, 0 other exceptions")


GOLDEN = (b'schema_version = 1\nrevision = 4\nuser = "pro_adv"\n[session]\nexpires = 1800003600\n'
          b'urls = ["https://a.example", "https://b.example"]\n[[offline]]\nwhen = 2026-01-02T03:04:05Z\n')


def test_tp_toml_mutated_files_on_disk_never_crash_load() -> None:
    outcomes = {"quarantined": 0, "loaded": 0}

    @ON_DISK
    @given(st.lists(st.tuples(st.integers(0, len(GOLDEN) - 1), st.integers(0, 255)), min_size=1, max_size=4))
    def check(flips: list[tuple[int, int]]) -> None:
        raw = bytearray(GOLDEN)
        for offset, byte in flips:
            raw[offset] = byte
        with tempfile.TemporaryDirectory() as directory:
            (Path(directory) / "state.toml").write_bytes(bytes(raw))
            os.chmod(Path(directory) / "state.toml", 0o600)
            store = StateStore(Path(directory))
            data = store.load()  # must not raise
            copies = list(Path(directory).glob("state.toml.corrupt-*"))
            if copies:
                assert data == {} and copies[0].read_bytes() == bytes(raw) and len(store.notices) == 1
                outcomes["quarantined"] += 1
            else:
                assert store.notices == [] and isinstance(data, dict)
                outcomes["loaded"] += 1

    check()
    print(f"TP-TOML: {sum(outcomes.values())} byte-flipped files on disk: 0 exceptions from load, "
          f"{outcomes['quarantined']} quarantined byte-identical, {outcomes['loaded']} still valid")


def test_none_is_dropped_in_tables_and_arrays(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    with store.transaction() as data:
        data.update({"gone": None, "session": {"token": None, "user": "a"}, "list": [1, None, 2], "t": (1, 2)})
    assert store.load() == {"schema_version": 1, "revision": 1, "session": {"user": "a"}, "list": [1, 2],
                            "t": [1, 2]}


def test_setting_a_missing_key_to_none_is_not_a_change(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    with store.transaction() as data:
        data["offline"] = None
    assert not store.path.exists()


def test_values_toml_cannot_hold_are_refused_naming_the_key(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    with store.transaction() as data:
        data["user"] = "kept"
    before = store.path.read_bytes()
    for bad in ({"session": {"expires": {1, 2}}}, {"session": {1: "x"}}, {"alias": "\udcff"},
                {"when": datetime(2026, 1, 1, tzinfo=UTC).astimezone(timezone(
                    __import__("datetime").timedelta(seconds=30)))}):
        with pytest.raises(StateWriteError, match="Nothing was saved"), store.transaction() as data:
            data.update(bad)
    assert store.path.read_bytes() == before
    with pytest.raises(StateWriteError, match=r"session\.expires"), store.transaction() as data:
        data["session"] = {"expires": object()}


def test_enum_and_nan_values_round_trip(tmp_path: Path) -> None:
    import enum

    class Kind(enum.StrEnum):
        ONLINE = "online"

    store = StateStore(tmp_path)
    with store.transaction() as data:
        data.update({"kind": Kind.ONLINE, "ratio": float("nan"), "when": date(2026, 1, 2), "at": time(3, 4, 5)})
    loaded = store.load()
    assert loaded["kind"] == "online" and type(loaded["kind"]) is str and math.isnan(loaded["ratio"])
    assert loaded["when"] == date(2026, 1, 2) and loaded["at"] == time(3, 4, 5)
