"""Cold start to the first screen drawn, peak memory, and `status --json`, each against a bare Textual app
(Header, Label, Footer) started the same way in the same run. Runs are interleaved, so drift hits both alike."""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from bench_common import DEMO_PASSWORD, Row, make_service, median

HARNESS = Path(__file__).with_name("bench_harness.py")
# The floor under `status`: the interpreter alone, and the interpreter plus the standard library that reading TOML into
# the app's NamedTuples needs. Reference rows, not targets.
FLOOR_IMPORTS = "import datetime, json, pathlib, re, tomllib, typing"
# `status --json` through the entry point the `allsource-tui` console script calls; what it must not import
# (tests/test_cli_imports.py has the full list) is checked in the same child that is timed.
STATUS_PROBE = """
import sys
sys.argv[1:] = ["status", "--json"]
from tui.__main__ import main
try:
    main()
except SystemExit as ended:
    code = ended.code
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"textual", "httpx", "rich", "asyncio", "ssl", "argparse"})
sys.stderr.write("HEAVY=" + ",".join(heavy) + "\\n")
peak = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:"))
sys.stdout.write("PEAK " + peak + "\\n")
raise SystemExit(code)
"""


@dataclass(frozen=True)
class Run:
    first_draw: float | None  # seconds from spawn to the first frame (None: the child never drew)
    first_draw_cpu: float | None  # the child's CPU seconds until then (steadier than wall time on a noisy host)
    exit: float               # seconds from spawn to exit
    peak_mb: float            # the child's VmHWM (peak resident set since its exec) at exit
    drawn_peak_mb: float      # its VmHWM at the first frame (0.0: never drew)
    stdout: str
    stderr: str


def spawn(argv: list[str], env: dict[str, str]) -> Run:
    """Run a child; time it from just before the spawn; its peak memory as it reports it (VmHWM)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        spawned_wall, spawned = time.time(), time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=err)
        _, status = os.waitpid(process.pid, 0)
        ended = time.perf_counter() - spawned
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()
    drawn = next((float(line.split()[1]) - spawned_wall for line in stdout.splitlines()
                  if line.startswith("DRAWN ")), None)
    if process.returncode != 0 and drawn is None:
        raise RuntimeError(f"{argv[1:]} failed ({process.returncode}): {stderr.strip()[-400:]}")
    peak = next((int(line.split()[1]) / 1024 for line in stdout.splitlines() if line.startswith("PEAK ")), 0.0)
    drawn_peak = next((int(line.split()[1]) / 1024 for line in stdout.splitlines()
                       if line.startswith("DRAWN_PEAK ")), 0.0)
    cpu = next((float(line.split()[1]) for line in stdout.splitlines() if line.startswith("CPU ")), None)
    return Run(drawn, cpu, ended, peak, drawn_peak, stdout, stderr)


def prepare_states(portal, root: Path) -> dict[str, dict[str, str]]:
    """Environments for the children: a first run (no state) and a signed-in one, both on the demo portal."""
    config = root / "config.toml"
    config.write_text(f'[portal]\nlicensing_portal_url = "{portal.url}"\nlicensing_portal_kind = "online"\n'
                      f'[network]\nca_bundle = "{portal.ca_path}"\n[ui]\ncursor_blink = false\n')
    signed_in = root / "state-signed-in"

    async def sign_in() -> None:
        async with make_service(portal, signed_in, machine_id="startup") as service:
            await service.sign_in("pro_adv", DEMO_PASSWORD)

    asyncio.run(sign_in())
    base = {**os.environ, "ALLSOURCE_TUI_CONFIG": str(config), "ALLSOURCE_TUI_MACHINE_ID": "startup"}
    return {"first": {**base, "ALLSOURCE_TUI_STATE_DIR": str(root / "state-first-run")},
            "signed_in": {**base, "ALLSOURCE_TUI_STATE_DIR": str(signed_in)}}


def child_commands(portal, root: Path) -> dict[str, tuple[list[str], dict[str, str]]]:
    """Every child this benchmark starts, by kind: its command line and environment."""
    envs = prepare_states(portal, root)
    return {
        "bare": ([sys.executable, str(HARNESS), "bare"], envs["first"]),
        "bare_form": ([sys.executable, str(HARNESS), "bare-form"], envs["first"]),
        "window": ([sys.executable, str(HARNESS), "sign-in-window"], envs["first"]),
        "page": ([sys.executable, str(HARNESS), "start-page"], envs["first"]),
        "bare_https": ([sys.executable, str(HARNESS), "bare-https", portal.url, str(portal.ca_path)], envs["first"]),
        "start_page_https": ([sys.executable, str(HARNESS), "start-page-https", portal.url, str(portal.ca_path)],
                             envs["first"]),
        "bare_page_https": ([sys.executable, str(HARNESS), "bare-page-https", portal.url, str(portal.ca_path)],
                            envs["first"]),
        "tui_first": ([sys.executable, str(HARNESS), "tui"], envs["first"]),
        "tui_signed_in": ([sys.executable, str(HARNESS), "tui"], envs["signed_in"]),
        "tui_settled": ([sys.executable, str(HARNESS), "tui-settled"], envs["signed_in"]),
        "status": ([sys.executable, "-c", STATUS_PROBE], envs["signed_in"]),
        "python": ([sys.executable, "-c", "pass"], envs["signed_in"]),
        "floor": ([sys.executable, "-c", FLOOR_IMPORTS], envs["signed_in"]),
    }


# The children whose target is a ratio of wall time: each run of one is paired with a bare app started right before or
# right after it (alternating), and the target is judged on the median of those pairs' ratios. This host's speed drifts
# within seconds and a loaded machine's load comes in bursts; a round of all the children takes several seconds, so
# two children far apart in it can meet different speeds. Two adjacent starts meet the same one.
PAIRED = ("tui_first", "tui_signed_in", "status")
Seconds = Callable[[Run], float | None]  # what a row compares of a run: its time to the first frame, its CPU time…


def measure(portal, root: Path, runs: int) -> tuple[dict[str, list[Run]], str]:
    kinds = child_commands(portal, root)
    results: dict[str, list[Run]] = {kind: [] for kind in [*kinds, *(f"{kind}/bare" for kind in PAIRED)]}
    order = random.Random(13)  # seeded: the same orders in every run of the benchmark
    for round_number in range(runs + 2):  # two warm-up rounds fill the OS file cache and the .pyc files
        # A new order each round: in a fixed one the bare app always came first, after the shortest children
        # (python -c pass, status), and a host whose speed drifts within seconds could favour one place.
        for kind in order.sample(list(kinds), len(kinds)):
            runs_of_kind = _spawn_paired(kinds, kind, bare_first=round_number % 2 == 0) if kind in PAIRED else {
                kind: spawn(*kinds[kind])}
            if round_number >= 2:
                for name, run in runs_of_kind.items():
                    results[name].append(run)
    first_screens = {kind: {line.split()[2] for r in results[kind] for line in r.stdout.splitlines()
                            if line.startswith("DRAWN ")} for kind in ("tui_first", "tui_signed_in")}
    heavy = results["status"][-1].stderr.rsplit("HEAVY=", 1)[-1].strip() or "none"
    return results, f"first screens {first_screens}; status imports of textual/httpx/rich/asyncio/ssl/argparse: {heavy}"


def _spawn_paired(kinds: dict[str, tuple[list[str], dict[str, str]]], kind: str, *, bare_first: bool
                  ) -> dict[str, Run]:
    """``kind`` and a bare app started next to it, the bare one first or second."""
    order = ["bare", kind] if bare_first else [kind, "bare"]
    started = {name: spawn(*kinds[name]) for name in order}
    return {kind: started[kind], f"{kind}/bare": started["bare"]}


def paired_ratio(results: dict[str, list[Run]], kind: str, seconds: Seconds, bare_seconds: Seconds) -> float:
    """The median of ``kind``'s runs each divided by the bare start next to it."""
    ratios = [_measured(seconds(ours)) / _measured(bare_seconds(bare))
              for ours, bare in zip(results[kind], results[f"{kind}/bare"], strict=True)]
    return median(ratios)


def _measured(value: float | None) -> float:
    if value is None:
        raise RuntimeError("a paired child never drew its first frame")
    return value


def rows(results: dict[str, list[Run]], heavy_note: str) -> list[Row]:
    bare = median([r.first_draw for r in results["bare"]])
    bare_mb = median([r.peak_mb for r in results["bare"]])
    table = []
    for kind, label in (("tui_first", "sign-in window (first run)"), ("tui_signed_in", "start page (signed in)")):
        table.append(_paired_row(results, kind, f"cold start to first screen: {label}", 1.25, lambda r: r.first_draw))
    for kind, label in (("tui_first", "sign-in window"), ("tui_signed_in", "start page")):
        row = _paired_row(results, kind, f"cold start, CPU time to the first frame: {label}", None,
                          lambda r: r.first_draw_cpu)
        table.append(replace(row, note="not a target: the same starts measured in CPU time, which a busy or noisy "
                                       "host disturbs less than wall time; " + row.note))
    form = median([r.first_draw for r in results["bare_form"]])
    table.append(Row("floor for the sign-in window: the bare app with its Textual widgets (2 Inputs, Checkbox, "
                     "3 Buttons)", form * 1000, bare * 1000, "ms", "(reference)", True,
                     "not a target: Textual's own CSS for those widgets"))
    window = median([r.first_draw for r in results["window"]])
    table.append(Row("floor for the sign-in window as designed: SignInScreen alone in a bare app (its widgets, "
                     "stylesheet and imports; no config, state, service or workflows)", window * 1000, bare * 1000,
                     "ms", "(reference)", True, "not a target: the window itself, without the app around it"))
    page = median([r.first_draw for r in results["page"]])
    table.append(Row("floor for the start page as designed: StartScreen alone in a bare app (its widgets, stylesheet "
                     "and imports; no config, state, service or workflows)", page * 1000, bare * 1000, "ms",
                     "(reference)", True, "not a target: the page itself, without the app around it"))
    heavy = heavy_note.rsplit(":", 1)[-1].strip()
    status = _paired_row(results, "status", "status --json (no network), spawn to exit", 0.25, lambda r: r.exit,
                         lambda r: r.first_draw)
    if heavy != "none":
        status = replace(status, note=f"imports {heavy}; " + status.note, met=False)
    table.append(status)
    for kind, label in (("python", "python -c pass"), ("floor", f"python -c '{FLOOR_IMPORTS}'")):
        ours = median([r.exit for r in results[kind]])
        table.append(Row(f"floor for status: {label}", ours * 1000, bare * 1000, "ms", "(reference)", True,
                         "not a target: what status cannot go below"))
    for kind, label in (("tui_first", "sign-in window, first frame"), ("tui_signed_in", "start page, first frame"),
                        ("tui_settled", "start page, license check done")):
        ours_mb = median([r.peak_mb if kind == "tui_settled" else r.drawn_peak_mb for r in results[kind]])
        table.append(Row(f"peak memory (max RSS): {label}", ours_mb, bare_mb, "MB", "<= 1.3x",
                         ours_mb <= 1.3 * bare_mb, _settled_note(results[kind]) if kind == "tui_settled" else ""))
    floor_mb = median([r.peak_mb for r in results["bare_https"]])
    table.append(Row("floor for the license check's memory: the bare app + httpx, a TLS context (OS store, certifi, "
                     "the portal's CA) and one GET", floor_mb, bare_mb, "MB", "(reference)", True,
                     "not a target: what a verified portal call costs any app; resident set step by step: "
                     + _memory_steps(results["bare_https"])))
    widgets_mb = median([r.peak_mb for r in results["bare_page_https"]])
    table.append(Row("floor for the start page's memory: the bare app with the start page's Textual widgets (a Button, "
                     "Labels, Statics; none of ours) + the same verified GET", widgets_mb, bare_mb, "MB", "(reference)",
                     True, "not a target: Textual's widgets of the page and a verified call, without any code of ours; "
                     + _memory_steps(results["bare_page_https"])))
    page_mb = median([r.peak_mb for r in results["start_page_https"]])
    table.append(Row("floor for the start page's memory: StartScreen as designed, alone in a bare app (its widgets, "
                     "stylesheet and imports; no config, state, service, workflows or portal client) + the same "
                     "verified GET", page_mb, bare_mb, "MB", "(reference)", True,
                     "not a target: the page itself and a verified call, without the app around them; "
                     + _memory_steps(results["start_page_https"])))
    return table


def _paired_row(results: dict[str, list[Run]], kind: str, name: str, target: float | None, seconds: Seconds,
                bare_seconds: Seconds | None = None) -> Row:
    """A row judged on the paired ratio, ``seconds`` of ours against ``bare_seconds`` (the same by default) of the bare
    app; the medians of both sides as its figures, and the ratio of the medians of all runs (the bare app's spread
    over the rounds) beside it, for comparison."""
    bare_seconds = bare_seconds or seconds
    ratio = paired_ratio(results, kind, seconds, bare_seconds)
    ours = median([_measured(seconds(r)) for r in results[kind]])
    beside = median([_measured(bare_seconds(r)) for r in results[f"{kind}/bare"]])
    spread = median([_measured(bare_seconds(r)) for r in results["bare"]])
    note = (f"median of {len(results[kind])} pairs, each with a bare start next to it; the medians of all runs "
            f"give {ours / spread:.2f}x")
    return Row(name, ours * 1000, beside * 1000, "ms", f"<= {target:g}x" if target else "(reference)",
               target is None or ratio <= target, note, paired_ratio=ratio)


def _memory_steps(runs: list[Run]) -> str:
    """The floor's resident set after each of its steps (medians), as "step +x.x MB" from the first frame on."""
    steps: dict[str, list[float]] = {}
    for run in runs:
        for line in run.stdout.splitlines():
            if line.startswith("STEP "):
                _, kilobytes, step = line.split(" ", 2)
                steps.setdefault(step, []).append(int(kilobytes) / 1024)
    medians = [(step, median(values)) for step, values in steps.items()]
    if not medians:
        return "not reported"
    parts = [f"{medians[0][0]} {medians[0][1]:.1f} MB"]
    parts += [f"{step} +{mb - before:.1f}" for (_, before), (step, mb) in itertools.pairwise(medians)]
    return ", ".join(parts)


def _settled_note(runs: list[Run]) -> str:
    """How long the license check took after the first frame, and whether one ran at all."""
    settled = [line.split() for r in runs for line in r.stdout.splitlines() if line.startswith("SETTLED ")]
    drawn = [float(line.split()[1]) for r in runs for line in r.stdout.splitlines() if line.startswith("DRAWN ")]
    if len(settled) != len(runs) or any(int(fields[2]) == 0 for fields in settled):
        return "no license check seen"
    after = median([float(fields[1]) - at for fields, at in zip(settled, drawn, strict=True)])
    return f"check done {after * 1000:.0f} ms after the first frame"
