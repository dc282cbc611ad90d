"""allsource-tui benchmarks: each figure with its baseline measured in the same run, as a table.

    python tests/benchmarks/run.py               # all of them (about two minutes)
    python tests/benchmarks/run.py --runs 21     # more repetitions (medians of N)
    python tests/benchmarks/run.py --markdown    # the table as Markdown, for the README

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

from bench_common import Row, TimedPortal, isolate_environment, machine, table


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="allsource-tui benchmarks against a bare Textual app")
    parser.add_argument("--runs", type=int, default=11, help="repetitions of each cold start (median; default 11)")
    parser.add_argument("--sign-ins", type=int, default=5, help="sign-ins timed with 100 ms latency (default 5)")
    parser.add_argument("--presses", type=int, default=10, help="key presses timed each way (default 10)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--only", choices=["startup", "sign-in", "keys"], action="append",
                        help="run only these groups (repeatable)")
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
    started = time.monotonic()
    rows: list[Row] = []
    notes = []
    if "startup" in groups:
        with TimedPortal(root / "portal-startup") as timed:
            results, note = bench_startup.measure(timed.portal, root, args.runs)
        rows += bench_startup.rows(results, note)
        notes.append(f"cold starts: median of {args.runs} (after 2 warm-up rounds); {note}")
    if "sign-in" in groups:
        rows += bench_tui.sign_in_rows(root, args.sign_ins)
        notes.append(f"sign-in: median of {args.sign_ins}, demo portal adding 100 ms to every request")
    if "keys" in groups:
        rows += bench_tui.key_rows(root, args.presses)
        notes.append(f"keys: each key pressed {args.presses} times, headless; drawn = the compositor's first frame")
    print(f"allsource-tui benchmarks — {machine()}")
    print(table(rows, markdown=args.markdown))
    for note in notes:
        print(f"- {note}")
    print(f"({time.monotonic() - started:.0f} s; reproduce: python tests/benchmarks/run.py)")
    return 0 if all(row.met for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
