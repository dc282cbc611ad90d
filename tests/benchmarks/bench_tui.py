"""Benchmarks that drive the Textual app in this process (headless, as Pilot does): sign-in to the license shown
with 100 ms of portal latency, and key press to screen change while a portal call hangs."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bench_common import DEMO_PASSWORD, Row, TimedPortal, make_service, median, p95

LATENCY = 0.1


class DrawWatch:
    """Records every frame the app's compositor produces: (time, screen class name)."""

    def __init__(self, app) -> None:
        self.frames: list[tuple[float, str]] = []
        display = app._display

        def watched(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is not None:
                self.frames.append((time.perf_counter(), type(screen).__name__))

        app._display = watched

    def first_after(self, started: float, screen_name: str) -> float | None:
        return next((at for at, name in self.frames if at >= started and name == screen_name), None)


async def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not reach the expected state")
        await asyncio.sleep(0.0005)


def press(app, key: str, character: str | None = None) -> float:
    """Post a key the way the terminal driver does; returns when it was posted."""
    from textual import events

    at = time.perf_counter()
    app.post_message(events.Key(key, character))
    return at


async def type_into(app, pilot, text: str) -> None:
    from textual.keys import _character_to_key

    for char in text:
        press(app, char if char.isalnum() else _character_to_key(char), char)
    await pilot.pause()


# --- sign-in to the Licensing data shown -------------------------------------------------------------------------
async def tui_sign_in_once(timed: TimedPortal, state_dir: Path) -> tuple[float, list[list[str]]]:
    from tui.ui.app import LicenseApp

    service = make_service(timed.portal, state_dir, machine_id="tui-sign-in")
    app = LicenseApp(service, check_license_at_start=False)
    async with app.run_test(size=(100, 30)) as pilot:
        watch = DrawWatch(app)
        await pilot.pause()
        await type_into(app, pilot, "pro_adv")
        press(app, "tab")
        await pilot.pause()
        await type_into(app, pilot, DEMO_PASSWORD)
        started = press(app, "enter")
        await wait_for(lambda: watch.first_after(started, "StartScreen") is not None, timeout=30)
        shown = watch.first_after(started, "StartScreen")
        # Only the public surface: the screen on top by its class name, the license by what the service read.
        assert type(app.screen).__name__ == "StartScreen"
        assert service.status().license is not None and service.status().license.level is not None
    await service.sign_out()
    await service.aclose()
    return shown - started, timed.rounds_between(started, shown, gap=LATENCY / 2)


async def service_sign_in_once(timed: TimedPortal, state_dir: Path) -> tuple[float, list[list[str]]]:
    async with make_service(timed.portal, state_dir, machine_id="service-sign-in") as service:
        started = time.perf_counter()
        await service.sign_in("pro_adv", DEMO_PASSWORD)
        ended = time.perf_counter()
        await service.sign_out()
    return ended - started, timed.rounds_between(started, ended, gap=LATENCY / 2)


def sign_in_rows(root: Path, runs: int) -> list[Row]:
    rows = []
    with TimedPortal(root / "portal-latency") as timed:
        timed.portal.faults.set("*", latency=LATENCY)
        for label, once in (("LicensingService.sign_in", service_sign_in_once),
                            ("TUI: Enter to the license on screen", tui_sign_in_once)):
            outcomes = [asyncio.run(once(timed, root / f"state-{once.__name__}-{n}")) for n in range(runs)]
            multiple = median([elapsed for elapsed, _ in outcomes]) / LATENCY
            rounds = max(len(r) for _, r in outcomes)
            shape = " → ".join("+".join(sorted(set(batch))) for batch in outcomes[0][1])
            rows.append(Row(f"sign-in with 100 ms latency: {label}", multiple, None, "x latency",
                            "2 rounds (token, then one batch)", rounds <= 2, f"{rounds} rounds: {shape}"))
    return rows


# --- key press to screen change while a portal call hangs ---------------------------------------------------------
# (key, the screen class that must then be on top and drawn, label); one round of these starts and ends on the start
# page. Screens are named, never reached into, so the benchmark survives changes inside them.
KEY_TRIPS = [("s", "SettingsScreen", "s: start page to Settings"), ("escape", "StartScreen", "Esc: Settings to start"),
             ("l", "SettingsScreen", "l: start page to Settings > Licensing"),
             ("f2", "LicensingPortalDialog", "F2: Settings to the Licensing dialog"),
             ("escape", "SettingsScreen", "Esc: Licensing dialog to Settings"),
             ("escape", "StartScreen", "Esc: Settings to start (after l)"),
             ("f1", "HelpScreen", "F1: start page to Help"), ("escape", "StartScreen", "Esc: Help to start")]


async def key_latencies(timed: TimedPortal, state_dir: Path, presses: int, *,
                       hang: bool) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """(key to screen drawn, key to screen on top of the stack) per KEY_TRIPS label."""
    from tui.ui.app import LicenseApp

    if hang:
        timed.portal.faults.set("*/userLicenseType", hang=True)
    app = LicenseApp(make_service(timed.portal, state_dir, machine_id="keys", read_timeout=600),
                     check_license_at_start=hang)
    latencies: dict[str, list[float]] = {label: [] for _, _, label in KEY_TRIPS}
    pushed: dict[str, list[float]] = {label: [] for _, _, label in KEY_TRIPS}

    def on_top(target: str):
        return lambda: type(app.screen).__name__ == target
    async with app.run_test(size=(100, 30)) as pilot:
        watch = DrawWatch(app)
        await pilot.pause(0.3)
        for _ in range(presses):
            for key, target, label in KEY_TRIPS:
                started = press(app, key)
                await wait_for(on_top(target))
                pushed[label].append(time.perf_counter() - started)
                await wait_for(lambda started=started, target=target: watch.first_after(started, target) is not None)
                latencies[label].append(watch.first_after(started, target) - started)
                await pilot.pause(0.05)
        if hang:
            assert any(worker.is_running for worker in app.workers), "a portal call was hanging throughout"
        app.workers.cancel_all()
    timed.portal.faults.clear()
    return latencies, pushed


def key_rows(root: Path, presses: int) -> list[Row]:
    state_dir = root / "state-keys"

    async def sign_in(timed: TimedPortal) -> None:
        async with make_service(timed.portal, state_dir, machine_id="keys") as service:
            await service.sign_in("pro_adv", DEMO_PASSWORD)

    with TimedPortal(root / "portal-keys") as timed:
        asyncio.run(sign_in(timed))
        idle, _ = asyncio.run(key_latencies(timed, state_dir, presses, hang=False))
        hung, pushed = asyncio.run(key_latencies(timed, state_dir, presses, hang=True))
    rows = []
    for _, _, label in KEY_TRIPS:
        ours, baseline = median(hung[label]) * 1000, median(idle[label]) * 1000
        rows.append(Row(f"key to screen drawn, portal call hanging: {label}", ours, baseline, "ms", "<= 100 ms",
                        ours <= 100, f"p95 {p95(hung[label]) * 1000:.0f} ms; on top after "
                                     f"{median(pushed[label]) * 1000:.0f} ms; baseline: no call pending"))
    return rows
