"""Shared parts of the benchmarks: an isolated environment, result rows, the demo portal, and the table."""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

DEMO_PASSWORD = "allsource-demo"


def isolate_environment() -> Path:
    """HOME, XDG dirs and the keyring of this process and its children point at a fresh temp dir (never the real
    home); a UTF-8 locale so the TUI starts with its stdout on a pipe."""
    root = Path(tempfile.mkdtemp(prefix="allsource-tui-bench-"))
    (root / "home").mkdir()
    os.environ.update({
        "HOME": str(root / "home"), "XDG_CONFIG_HOME": str(root / "home" / ".config"),
        "XDG_STATE_HOME": str(root / "home" / ".local" / "state"), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8", "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "NO_PROXY": "127.0.0.1,localhost,::1",
    })
    # PYTHONDONTWRITEBYTECODE would make every child compile the app from source: an installed copy has its .pyc
    # files (pip writes them), so the warm-up rounds write them here too.
    for name in ("PYTHONDONTWRITEBYTECODE", "ALLSOURCE_TUI_CONFIG", "ALLSOURCE_TUI_STATE_DIR", "ALLSOURCE_TUI_DEBUG",
                 "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        os.environ.pop(name, None)
    return root


@dataclass(frozen=True)
class Row:
    """One line of the table: ``ours`` and ``baseline`` as numbers in ``unit``; ``check(ours, baseline)`` says
    whether the target is met."""

    name: str
    ours: float
    baseline: float | None
    unit: str
    target: str
    met: bool
    note: str = ""
    measured: bool = True  # False: a row printed with its target but not measured in this run (see note)
    paired_ratio: float | None = None  # judged on runs paired with a baseline run: the median of the pairs' ratios

    @property
    def ratio(self) -> str:
        if not (self.baseline and self.measured):
            return "—"
        return f"{self.ours / self.baseline if self.paired_ratio is None else self.paired_ratio:.2f}x"


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value:.0f} ms"
    if unit == "MB":
        return f"{value:.1f} MB"
    if unit == "s":
        return f"{value:.0f} s"
    if unit == "M":
        return f"{value:.0f} M instructions"
    if unit == "x latency":
        return f"{value:.2f}x"
    return f"{value:g} {unit}".strip()


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[round(0.95 * (len(ordered) - 1))]


def table(rows: list[Row], *, markdown: bool = False) -> str:
    header = ["benchmark", "ours", "baseline", "ratio", "target", "result"]
    lines = [[r.name, fmt(r.ours, r.unit) if r.measured else "—", fmt(r.baseline, r.unit), r.ratio, r.target,
              ("pass" if r.met else "FAIL" if r.measured else "not measured") + (f" ({r.note})" if r.note else "")]
             for r in rows]
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return "\n".join(out + ["| " + " | ".join(line) + " |" for line in lines])
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines, strict=False)]
    render = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False)).rstrip()  # noqa: E731
    return "\n".join([render(header), render(["-" * w for w in widths]), *map(render, lines)])


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                    if line.startswith("model name")), cpu)
    uname = platform.uname()
    return (f"{uname.system} {uname.release} {uname.machine}; {cpu}, {os.cpu_count()} CPUs; "
            f"Python {platform.python_version()}; {time.strftime('%Y-%m-%d %H:%M')}")


def load() -> str:
    """The load averages (1, 5, 15 min): a loaded machine stretches both sides of every ratio, not always alike."""
    return "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())


class TimedPortal:
    """The demo portal over HTTPS with every request's arrival time recorded (for counting sequential rounds)."""

    def __init__(self, data_dir: Path) -> None:
        from tui.demo_portal import DemoPortal

        self.portal = DemoPortal(data_dir, port=0)
        self.arrivals: list[tuple[float, str]] = []
        log_request = self.portal.demo.log_request

        def timed(record) -> None:
            self.arrivals.append((time.perf_counter(), record.path))
            log_request(record)

        self.portal.demo.log_request = timed  # type: ignore[method-assign]

    def __enter__(self) -> TimedPortal:
        self.portal.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.portal.stop()

    def rounds_between(self, start: float, end: float, gap: float) -> list[list[str]]:
        """Requests that arrived in [start, end], grouped into rounds: a request arriving more than ``gap`` after
        the first of the current round starts a new round (requests of one concurrent batch arrive together)."""
        rounds: list[list[str]] = []
        first = None
        for at, path in self.arrivals:
            if not start <= at <= end:
                continue
            if first is None or at - first > gap:
                rounds.append([])
                first = at
            rounds[-1].append(path.rsplit("/", 1)[-1])
        return rounds


def settings_for(portal, **network):

    from tui.core.settings import NetworkSettings, PortalSettings, Settings, UISettings

    return Settings(portal=PortalSettings(licensing_portal_url=portal.url, licensing_portal_kind="online"),
                    network=NetworkSettings(ca_bundle=portal.ca_path)._replace(**network),
                    ui=UISettings(theme="textual-dark", cursor_blink=False))


def make_service(portal, state_dir: Path, machine_id: str = "bench", **network):
    from tui.core.machine import MachineIdentity
    from tui.service.licensing import LicensingService
    from tui.state.store import StateStore

    machine = MachineIdentity(machine_id=machine_id, os_user="bench", hostname=f"host-{machine_id}")
    return LicensingService(settings_for(portal, **network), StateStore(state_dir), machine)


def repeat(times: int, measure: Callable[[], float]) -> list[float]:
    return [measure() for _ in range(times)]
