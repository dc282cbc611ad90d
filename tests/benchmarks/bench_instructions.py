"""The cold starts and `status` counted in CPU instructions (valgrind's callgrind), against the bare app's count.

Wall and CPU time on a shared VM drift by ±0.2× between runs; an instruction count hardly does (two runs of one child
differ by up to ~1.5 %), so it shows whether a change made the work smaller. It does not see what instructions cost
(cache misses, page faults, the interpreter's own start-up I/O), so its ratios run higher than the wall-time ones.
Each child runs once under callgrind (~50× slower: about two minutes in all). Reference rows, not targets.

A TUI child is counted from its exec to its first frame, where it then ends at once (what the wall-time rows time),
not to its exit: after the first frame the app reads the other screens' stylesheets and shuts down, which the bare app
does not. `status` is counted to its exit, as it is timed.
"""

from __future__ import annotations

import re
import shutil
import subprocess

from bench_common import Row
from bench_harness import STOP_AT_FIRST_FRAME

KINDS = (("tui_first", "cold start to first screen: sign-in window"),
         ("tui_signed_in", "cold start to first screen: start page"),
         ("bare_form", "floor: the bare app with the sign-in window's Textual widgets"),
         ("window", "floor: the sign-in window as designed, alone in a bare app"),
         ("page", "floor: the start page as designed, alone in a bare app"),
         ("status", "status --json"))


def available() -> bool:
    return shutil.which("valgrind") is not None


def count(argv: list[str], env: dict[str, str]) -> int:
    result = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
                            env={**env, STOP_AT_FIRST_FRAME: "1"},
                            capture_output=True, text=True, check=False, timeout=600)
    found = re.search(r"Collected\s*:\s*(\d+)", result.stderr)
    if found is None:
        raise RuntimeError(f"callgrind gave no count for {argv[1:]}: {result.stderr.strip()[-400:]}")
    return int(found.group(1))


def rows(commands: dict[str, tuple[list[str], dict[str, str]]]) -> list[Row]:
    bare = count(*commands["bare"])
    table = []
    for kind, label in KINDS:
        ours = count(*commands[kind])
        table.append(Row(f"instructions: {label}", ours / 1e6, bare / 1e6, "M", "(reference)", True,
                         "not a target: CPU work counted by callgrind, steady where wall time drifts"))
    return table
