"""Regenerate the README screenshots from the real app on the real demo portal (HTTPS on 127.0.0.1).

    python tests/make_screenshots.py
    # writes tests/screenshots/{sign_in,start_page,licensing_tab,organization_tab}.svg

Each picture is LicenseApp at 80x24, driven by keys as a user would, against a fresh demo portal on port 8443 (its
`demo-portal` default) or, when that port is taken, on a free one. Two walks, each on its own computer: a member
(`pro_adv`) and an organization administrator (`org_admin`).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from textual import events  # noqa: E402
from textual.keys import _character_to_key  # noqa: E402

from tui.core.machine import MachineIdentity  # noqa: E402
from tui.core.settings import NetworkSettings, PortalSettings, Settings, UISettings  # noqa: E402
from tui.demo_portal import DEMO_PASSWORD, DemoPortal  # noqa: E402
from tui.service.licensing import LicensingService  # noqa: E402
from tui.state.store import StateStore  # noqa: E402
from tui.ui.app import LicenseApp  # noqa: E402
from tui.ui.launcher import demo_hint  # noqa: E402

OUT_DIR = ROOT / "tests" / "screenshots"
SIZE = (80, 24)
Steps = Callable[[object], Awaitable[None]]


async def type_text(pilot, text: str) -> None:
    """Key events as fast typing sends them (Pilot.press waits for the app to go idle after every key)."""
    for char in text:
        pilot.app.post_message(events.Key(char if char.isalnum() else _character_to_key(char), char))
    await pilot.pause()


async def sign_in(pilot, username: str = "pro_adv") -> None:
    await type_text(pilot, username)
    await pilot.press("tab")
    await type_text(pilot, DEMO_PASSWORD)
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_licensing_tab(pilot) -> None:
    await pilot.press("l")
    await pilot.pause()


async def open_organization_tab(pilot) -> None:
    """As the administrator: Settings, the Organization tab (4) once its members are read, then into it (Enter)
    and sorted by offline (F8, PgUp to the top), so the workstations of the offline holders show first."""
    await sign_in(pilot, "org_admin")
    await pilot.press("s")
    await pilot.pause()
    await pilot.press("4")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.press("enter", "f8", "pageup")
    await pilot.pause()


# Walks through the app, each from a fresh start: each step leads to the screen of the next picture.
Walk = list[tuple[str, str, Steps | None]]
WALKS: list[Walk] = [
    [("sign_in", "ArcGIS Sign In", None),
     ("start_page", "Start page", sign_in),
     ("licensing_tab", "Settings › Licensing", open_licensing_tab)],
    [("organization_tab", "Settings › Organization", open_organization_tab)],
]


def start_portal(data_dir: Path) -> DemoPortal:
    for port in (8443, 0):
        portal = DemoPortal(data_dir, port=port)
        try:
            portal.start()
        except OSError:
            continue
        return portal
    raise RuntimeError("no port for the demo portal")


async def take_screenshots(portal: DemoPortal, state_dir: Path) -> dict[str, str]:
    pictures: dict[str, str] = {}
    for number, walk in enumerate(WALKS):
        pictures |= await _walk(portal, state_dir / f"computer-{number}", walk)
    return pictures


async def _walk(portal: DemoPortal, state_dir: Path, walk: Walk) -> dict[str, str]:
    settings = Settings(portal=PortalSettings(licensing_portal_url=portal.url),
                        network=NetworkSettings(ca_bundle=portal.ca_path),
                        ui=UISettings(theme="textual-dark", cursor_blink=False))
    machine = MachineIdentity(machine_id=f"screenshots-{state_dir.name}", os_user="demo", hostname="demo-host")
    app = LicenseApp(LicensingService(settings, StateStore(state_dir), machine), demo_hint=demo_hint())
    pictures = {}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for name, title, steps in walk:
            if steps is not None:
                await steps(pilot)
            pictures[name] = app.export_screenshot(title=f"allsource-tui — {title}")
    return pictures


def main(out_dir: Path = OUT_DIR) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        portal = start_portal(Path(tmp) / "portal")
        try:
            pictures = asyncio.run(take_screenshots(portal, Path(tmp) / "state"))
        finally:
            portal.stop()
    written = []
    for name, svg in pictures.items():
        path = out_dir / f"{name}.svg"
        path.write_text(svg, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in main():
        print(written_path.relative_to(ROOT))
