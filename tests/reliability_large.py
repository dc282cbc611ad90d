"""The figures of docs/reliability.md ("Test plan") at full size: the TP-* tests with ALLSOURCE_TUI_STRESS=1, one figure
line each.

    python tests/reliability_large.py                 # TP-KILL 2000 kills, hypothesis and load tests at full counts
    python tests/reliability_large.py --kills 10000   # the nightly TP-KILL size
    python tests/reliability_large.py -k "kill or conc" -n 2

The normal test run (`pytest -n auto`) runs the same tests at CI sizes; this script only raises the counts. It
exits with pytest's status, so it fails when any figure has a non-zero "bad" count. The whole pytest output is
kept in --log.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parent
TP_FILES = [
    "test_state_crash.py",            # TP-KILL, TP-CRASHPT
    "test_state_conc.py",             # TP-CONC, TP-READ, TP-LOCK
    "test_state_full.py",             # TP-FULL
    "test_state_corrupt.py",          # TP-CORRUPT
    "test_reliability_state_types.py",  # TP-CORRUPT, wrong types (hypothesis)
    "test_state_toml.py",             # TP-TOML (hypothesis)
    "test_state_perm_migrate.py",     # TP-PERM, TP-MIGRATE
    "test_urls.py",                   # TP-URL (hypothesis + seeded fuzz)
    "test_portal_security.py",        # TP-URLTOK (client), TP-PROXY redirect
    "test_portal_retries.py",         # TP-NET (MockTransport)
    "test_portal_tls.py",             # TP-TLS, TP-NET (raw sockets), TP-PROXY
    "test_portal_oauth.py",           # TP-CLOCK, TP-HEADLESS
    "test_keyring_store.py",          # TP-KEYRING
    "test_reliability_redact.py",     # TP-REDACT, TP-URLTOK full runs
    "test_reliability_net.py",        # TP-NET, TP-498 end to end
    "test_reliability_load.py",       # 50 computers through the real stack
    "test_fault_matrix.py",           # issue 16: every mutating operation × every fault point, 3 rounds
    "test_demo_portal_concurrency.py",  # 150 computers in-process
]
FIGURE = re.compile(r"^\s*(TP-[A-Z0-9]+|\d+ computers x |\d+ check-out races)")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=2000, help="TP-KILL kills (default 2000; nightly 10000)")
    parser.add_argument("-n", "--workers", default="0", help="pytest-xdist workers (default 0: one process, so "
                                                             "timing figures are not disturbed)")
    parser.add_argument("-k", dest="keyword", help="only tests matching this pytest -k expression")
    parser.add_argument("--timeout", type=int, default=3600, help="per-test timeout in seconds")
    parser.add_argument("--log", type=Path, default=Path("reliability-large.log"), help="full pytest output")
    return parser.parse_args(argv)


def pytest_command(args: argparse.Namespace) -> list[str]:
    command = [sys.executable, "-m", "pytest", *(str(TESTS / name) for name in TP_FILES), "-q", "-rA",
               "-p", "no:randomly", "--show-capture=stdout", f"--timeout={args.timeout}", "-n", str(args.workers)]
    if args.keyword:
        command += ["-k", args.keyword]
    return command


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    return (f"{platform.system()} {platform.release()} {platform.machine()}, {cpu} x {os.cpu_count()}, "
            f"Python {platform.python_version()}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # ...DRAW_FRAMES: the TUI's headless frames are rendered, as a terminal's would be (tests/conftest.py)
    env = {**os.environ, "ALLSOURCE_TUI_STRESS": "1", "ALLSOURCE_TUI_TP_KILLS": str(args.kills),
           "ALLSOURCE_TUI_TEST_DRAW_FRAMES": "1"}
    print(f"allsource-tui reliability figures, large counts — {machine()}, {time.strftime('%Y-%m-%d')}", flush=True)
    started = time.monotonic()
    with args.log.open("w", encoding="utf-8") as log:
        result = subprocess.run(pytest_command(args), cwd=TESTS.parent, env=env, stdout=log,
                                stderr=subprocess.STDOUT, text=True)
    output = args.log.read_text(encoding="utf-8").splitlines()
    figures = [line.strip() for line in output if FIGURE.match(line)]
    summary = next((line.strip("= ") for line in reversed(output) if " passed" in line or " failed" in line), "")
    for line in dict.fromkeys(figures):  # a figure printed again in a failure report counts once
        print(line)
    print(f"pytest: {summary or 'no summary (see the log)'}; {time.monotonic() - started:.0f} s; full output in "
          f"{args.log}")
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
