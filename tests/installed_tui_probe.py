"""Run by the interpreter of a virtualenv the wheel was installed into (see test_wheel_install.py), from a temp cwd.

It starts the real `allsource-tui` entry (main → launcher → LicenseApp.run) headless at 80x24 with an empty state dir,
waits for the sign-in window, opens the help (F1, which reads help.md), then quits. It prints one JSON line with what
it saw and where every module it used was loaded from, so the test can prove the installed copy ran.
"""

from __future__ import annotations

import json
import sys

from textual.app import App
from textual.pilot import Pilot

from tui.cli.main import main

seen: dict[str, object] = {"screens": []}


async def wait_for_screen(pilot: Pilot, name: str) -> None:
    for _ in range(500):  # a bounded number of event-loop turns, not a clock
        if type(pilot.app.screen).__name__ == name:
            break
        await pilot.pause()
    seen["screens"].append(type(pilot.app.screen).__name__)  # type: ignore[attr-defined]


async def autopilot(pilot: Pilot) -> None:
    await wait_for_screen(pilot, "SignInScreen")
    await pilot.press("f1")
    await wait_for_screen(pilot, "HelpScreen")
    pilot.app.exit()


real_run = App.run


def headless_run(self: App, *args: object, **kwargs: object) -> object:
    kwargs.update(headless=True, size=(80, 24), auto_pilot=autopilot)
    return real_run(self, *args, **kwargs)  # type: ignore[arg-type]


App.run = headless_run  # type: ignore[method-assign,assignment]
code = main(["--state-dir", sys.argv[1]])
seen["exit_code"] = code
seen["sys_path"] = sys.path
seen["modules"] = {name: getattr(module, "__file__", None) for name, module in sorted(sys.modules.items())
                   if name.split(".")[0] in {"tui", "screens"}}
print("PROBE=" + json.dumps(seen))
