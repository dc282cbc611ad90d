"""TP-KILL and TP-CRASHPT: a writer killed at any moment leaves the old or the new state, never a broken one."""

from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Iterator
from multiprocessing.connection import wait
from pathlib import Path

import pytest

if str(Path(__file__).parent) not in sys.path:  # forkserver children import state_workers by this path
    sys.path.insert(0, str(Path(__file__).parent))
import state_workers

from tui.state.atomic_write import CRASH_EXIT_CODE, CRASH_POINTS, STALE_TEMP_SECONDS, temp_name_pattern
from tui.state.store import StateStore

STRESS = os.environ.get("ALLSOURCE_TUI_STRESS") == "1"
KILLS = int(os.environ.get("ALLSOURCE_TUI_TP_KILLS") or (1000 if STRESS else 200))  # tests/reliability_large.py
LANES = 4


@pytest.fixture
def work_dir(tmp_path: Path) -> Iterator[Path]:
    with state_workers.fast_dir(tmp_path) as directory:
        yield directory


def temps_in(directory: Path) -> list[Path]:
    pattern = temp_name_pattern("state.toml")
    if not directory.exists():  # killed before its first transaction created the folder
        return []
    return [p for p in directory.iterdir() if pattern.match(p.name)]


def age_temps(directory: Path) -> None:
    old = time.time() - STALE_TEMP_SECONDS - 60
    for temp in temps_in(directory):
        os.utime(temp, (old, old))


class Lane:
    """One state folder with one writer child at a time, killed at a random moment after it said "ready"."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.floor = 0  # the highest value the writer ever acknowledged, or found on disk
        self.process, self.conn = None, None
        self.deadline: float | None = None  # None while the child is starting

    def launch(self) -> None:
        self.process, self.conn = state_workers.start(state_workers.kill_loop, str(self.directory))
        self.deadline = None

    def on_ready(self, rng: random.Random) -> None:
        assert self.conn.recv() == "ready"
        self.deadline = time.monotonic() + rng.uniform(0.0, 0.1)  # a write takes a few ms: many in any window

    def kill_and_check(self, stats: dict[str, int]) -> None:
        self.process.kill()
        self.process.join()
        acked = [m for m in state_workers.drain(self.conn) if isinstance(m, int)]
        self.conn.close()
        floor = max([self.floor, *acked])
        stats["fresh_temps"] += len(temps_in(self.directory))
        age_temps(self.directory)  # W-5 removes only temps older than 10 minutes: age the killed writer's leftovers
        store = StateStore(self.directory)
        data = store.load()
        value = data.get("counter", 0)
        stats["unparsable"] += bool(store.notices) or (data != {} and data.get("pad") != state_workers.PAD)
        stats["below_acked"] += value < floor
        stats["beyond_one_in_flight"] += value > floor + 1
        stats["temps_after_start"] += len(temps_in(self.directory))
        self.floor = value


def run_kills(lanes: list[Lane], kills: int, rng: random.Random, stats: dict[str, int]) -> None:
    """Event loop: children start in parallel; each is killed at its own deadline and replaced at once."""
    for lane in lanes:
        lane.launch()
    done = 0
    while done < kills:
        starting = {lane.conn: lane for lane in lanes if lane.deadline is None}
        deadlines = [lane.deadline for lane in lanes if lane.deadline is not None]
        timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else 10.0
        if starting:
            for conn in wait(list(starting), timeout):
                starting[conn].on_ready(rng)
        else:
            time.sleep(timeout)
        for lane in lanes:
            if lane.deadline is not None and lane.deadline <= time.monotonic() and done < kills:
                lane.kill_and_check(stats)
                done += 1
                lane.launch()
    for lane in lanes:
        lane.process.kill()
        lane.process.join()


def test_tp_kill_sigkill_mid_write_never_breaks_the_file(work_dir: Path) -> None:
    lanes = [Lane(work_dir / f"lane{i}") for i in range(LANES)]
    stats = dict.fromkeys(["unparsable", "below_acked", "beyond_one_in_flight", "temps_after_start", "fresh_temps"], 0)
    started = time.monotonic()
    run_kills(lanes, KILLS, random.Random(20240601), stats)
    writes = sum(lane.floor for lane in lanes)
    print(f"TP-KILL: {KILLS} kills ({writes} committed writes, {time.monotonic() - started:.1f} s on "
          f"{state_workers.where(work_dir)}): "
          f"{stats['unparsable']} unparsable, {stats['below_acked']} below last-acked, "
          f"{stats['beyond_one_in_flight']} beyond last-acked+1, tmp files left after next start: "
          f"{stats['temps_after_start']} ({stats['fresh_temps']} fresh temps seen right after kills)")
    assert stats["unparsable"] == stats["below_acked"] == stats["beyond_one_in_flight"] == 0
    assert stats["temps_after_start"] == 0
    assert writes > KILLS, "the writers must actually have been writing when they were killed"


# (point, runs) -- whether the new value must be visible after the crash
EXPECT_NEW = {"before-write": False, "half-written": False, "after-fsync": False,
              "after-replace": True, "before-dir-fsync": True}
RUNS_PER_POINT = 50 if STRESS else 4


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_tp_crashpt_each_crash_point_leaves_old_or_new(tmp_path: Path, point: str) -> None:
    corrupt, wrong_version, leftovers_before_pre_replace = 0, 0, 0
    for run in range(RUNS_PER_POINT):
        directory = tmp_path / f"run{run}"
        store = StateStore(directory)
        for _ in range(run % 4 + 1):  # different starting values and, from the second write on, a .bak
            with store.transaction() as data:
                state_workers.bump(data)
        old = store.load()["counter"]
        process, conn = state_workers.start(state_workers.crash_once, str(directory), point)
        process.join(10)
        assert process.exitcode == CRASH_EXIT_CODE, f"the hook at {point} did not fire"
        conn.close()
        leftovers_before_pre_replace += bool(temps_in(directory)) and not EXPECT_NEW[point]
        reader = StateStore(directory)
        data = reader.load()
        corrupt += bool(reader.notices) or data.get("pad") != state_workers.PAD
        expected = old + 1 if EXPECT_NEW[point] else old
        wrong_version += data.get("counter") != expected
        if run % 4:
            backup = StateStore(directory, filename="state.toml.bak").load()
            corrupt += backup.get("counter") not in (old - 1, old)
    print(f"TP-CRASHPT: {point} x {RUNS_PER_POINT} runs: {corrupt} corrupt, {wrong_version} neither old nor "
          f"expected-new ({leftovers_before_pre_replace} runs left a temp file for the next start to clean)")
    assert corrupt == 0 and wrong_version == 0
    if not EXPECT_NEW[point]:
        assert leftovers_before_pre_replace == RUNS_PER_POINT, "a crash mid-write leaves its temp behind"
