"""allsource-tui benchmarks: each figure with its baseline measured in the same run, as a table.

    python tests/benchmarks/run.py               # all of them (about two minutes)
    python tests/benchmarks/run.py --runs 21     # more repetitions (medians of N)
    python tests/benchmarks/run.py --markdown    # the table as Markdown, for the README
    python tests/benchmarks/run.py --instructions   # also CPU instructions counted by valgrind (steady on a noisy host)
    python tests/benchmarks/run.py --suite-seconds 104   # add the test suite's wall time (measured by you)

Run by hand on a quiet machine: not part of the test suite (pytest collects only test_*.py). Everything runs in a
temporary HOME against the demo portal on 127.0.0.1; nothing touches your real config, state or keyring.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import Row, TimedPortal, isolate_environment, load, machine, table

SUITE_TARGET_SECONDS = 120.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="allsource-tui benchmarks against a bare Textual app")
    parser.add_argument("--runs", type=int, default=11, help="repetitions of each cold start (median; default 11)")
    parser.add_argument("--sign-ins", type=int, default=5, help="sign-ins timed with 100 ms latency (default 5)")
    parser.add_argument("--presses", type=int, default=10, help="key presses timed each way (default 10)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--only", choices=["startup", "sign-in", "keys"], action="append",
                        help="run only these groups (repeatable)")
    parser.add_argument("--instructions", action="store_true",
                        help="also count the cold starts' and status's CPU instructions with valgrind (~2 minutes)")
    parser.add_argument("--suite-seconds", type=float, metavar="S",
                        help="wall time of `pytest -n auto` on this machine, for the test-suite row (not run here)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    root = isolate_environment()
    try:
        return run(args, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run(args: argparse.Namespace, root: Path) -> int:
    import bench_startup  # after the environment is isolated
    import bench_tui

    groups = args.only or ["startup", "sign-in", "keys"]
    started, started_load = time.monotonic(), load()
    rows: list[Row] = []
    notes = []
    if "startup" in groups:
        with TimedPortal(root / "portal-startup") as timed:
            results, note = bench_startup.measure(timed.portal, root, args.runs)
            if args.instructions:
                rows += instruction_rows(timed.portal, root / "instructions")
        rows += bench_startup.rows(results, note)
        notes.append(f"cold starts: median of {args.runs} (after 2 warm-up rounds); the wall-time targets judged on "
                     f"pairs, each run next to a bare start of its own; {note}")
    if "sign-in" in groups:
        rows += bench_tui.sign_in_rows(root, args.sign_ins)
        notes.append(f"sign-in: median of {args.sign_ins}, demo portal adding 100 ms to every request")
    if "keys" in groups:
        rows += bench_tui.key_rows(root, args.presses)
        notes.append(f"keys: each key pressed {args.presses} times, headless; drawn = the compositor's first frame")
    rows.append(suite_row(args.suite_seconds))
    print(f"allsource-tui benchmarks — {machine()}")
    print(f"{started_load} at the start, {load()} at the end")
    print(table(rows, markdown=args.markdown))
    for note in notes:
        print(f"- {note}")
    print(f"({time.monotonic() - started:.0f} s; reproduce: python tests/benchmarks/run.py)")
    return 0 if all(row.met for row in rows if row.measured) else 1


def instruction_rows(portal, root: Path) -> list[Row]:
    import bench_instructions
    import bench_startup

    if not bench_instructions.available():
        print("--instructions: valgrind is not installed; no instruction counts", file=sys.stderr)
        return []
    root.mkdir()
    return bench_instructions.rows(bench_startup.child_commands(portal, root))


def suite_row(seconds: float | None) -> Row:
    """The test suite is timed by hand (it must not run inside a benchmark): `time pytest -n auto` on 2 cores."""
    name = "test suite wall time (pytest -n auto, 2 cores)"
    if seconds is None:
        return Row(name, 0.0, None, "s", f"<= {SUITE_TARGET_SECONDS:g} s", False,
                   "pass --suite-seconds S after `time pytest -n auto`", measured=False)
    return Row(name, seconds, None, "s", f"<= {SUITE_TARGET_SECONDS:g} s", seconds <= SUITE_TARGET_SECONDS,
               "measured by hand, passed in")


if __name__ == "__main__":
    raise SystemExit(main())
