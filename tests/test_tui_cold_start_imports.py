"""The TUI's first frame waits for nothing it doesn't show: no HTTP stack, no workflow, no Settings, Help or dialog,
and no garbage collection (tui/core/collector.py).

`allsource-tui` is started through its real entry point in a child process (headless); at its first frame the child
reports the screen and every loaded module, then exits. What loads after the first frame (the license check's HTTP
stack) is not counted: tests/benchmarks/run.py measures the time and memory this keeps low.
"""

from __future__ import annotations

import gc
import json
import os
import re
import subprocess
import sys

import pytest

from tests.conftest import DEMO_PASSWORD, TUI_SNAPSHOT_URL

PROBE = """
import gc, json, sys
from textual.app import App

display = App._display

def first_frame(self, screen, renderable):
    display(self, screen, renderable)
    if renderable is not None and screen.children and not getattr(self, "_probe_drawn", False):
        self._probe_drawn = True
        sys.stderr.write("FIRST=" + json.dumps([type(screen).__name__, sorted(sys.modules)]) + "\\n")
        sys.stderr.write(f"COLLECTOR_AT_FIRST_FRAME={gc.isenabled()}\\n")
        if not AFTER:
            self.exit(0)
            return
        ticks = []

        def after_the_first_frame():  # the collector is back, the start's objects frozen; bounded, not a clock
            ticks.append(1)
            if gc.isenabled() or len(ticks) > 500:
                sys.stderr.write(f"COLLECTOR_AFTER={gc.isenabled()} FROZEN={gc.get_freeze_count()}\\n")
                self.exit(0)

        self.set_interval(0.01, after_the_first_frame)

AFTER = len(sys.argv) > 1

App._display = first_frame
run = App.run
App.run = lambda self, *args, **kwargs: run(self, headless=True, size=(100, 30))
sys.argv[1:] = []  # a bare `allsource-tui`
from tui.__main__ import main  # the console script `allsource-tui`
main()
"""
# Loaded later, when used: the HTTP stack (license check, sign-in), the workflows, the screens behind a key.
NOT_BEFORE_THE_FIRST_FRAME = {
    "httpx", "httpcore", "certifi", "anyio", "h11", "tui.portal", "tui.cli.commands", "tui.cli.admin", "tui.cli.doctor",
    "argparse", "tui.cli.main",  # a bare `allsource-tui` has no arguments to parse
    "tui.service.renewal", "tui.service.session", "tui.service.offline", "tui.service.portals", "tui.service.sso",
    "screens.settings", "screens.licensing_pane", "screens.help", "screens.portal_dialog", "screens.sso_dialog",
    "screens.alias_dialog", "screens.confirm_dialog", "screens.message_dialog", "rich.markdown", "markdown_it",
}


def first_frame(tmp_path, state_dir, *, then_wait_for_the_collector: bool = False) -> tuple[str, set[str], str]:
    """The first screen drawn, the modules loaded then, and what the child reported (its stderr)."""
    config = tmp_path / "config.toml"
    config.write_text(f'[portal]\nlicensing_portal_url = "{TUI_SNAPSHOT_URL}"\nlicensing_portal_kind = "online"\n')
    env = {**os.environ, "ALLSOURCE_TUI_CONFIG": str(config), "ALLSOURCE_TUI_STATE_DIR": str(state_dir),
           "ALLSOURCE_TUI_MACHINE_ID": "machine-a", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "PYTHONIOENCODING": "utf-8"}
    argv = [sys.executable, "-c", PROBE, *(["after"] if then_wait_for_the_collector else [])]
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)
    line = next((line for line in result.stderr.splitlines() if line.startswith("FIRST=")), None)
    assert line is not None, result.stderr[-2000:]
    screen, modules = json.loads(line.removeprefix("FIRST="))
    return screen, set(modules), result.stderr


def test_the_sign_in_window_is_drawn_before_the_http_stack_and_the_other_screens_load(tmp_path):
    screen, modules, _ = first_frame(tmp_path, tmp_path / "state")
    assert screen == "SignInScreen"
    assert modules & NOT_BEFORE_THE_FIRST_FRAME == set()


def test_no_garbage_is_collected_before_the_first_frame_and_the_collector_is_back_after_it(tmp_path):
    screen, _, report = first_frame(tmp_path, tmp_path / "state", then_wait_for_the_collector=True)
    assert screen == "SignInScreen"
    assert "COLLECTOR_AT_FIRST_FRAME=False" in report
    after = re.search(r"COLLECTOR_AFTER=(\w+) FROZEN=(\d+)", report)
    assert after is not None, report[-2000:]
    assert after[1] == "True" and after[2] == "0"  # back on, and nothing frozen for good


@pytest.mark.parametrize("ending", ["returns", "raises"])
def test_a_start_that_ends_before_its_first_frame_switches_the_collector_back_on(monkeypatch, capsys, ending):
    from tui.cli.start import start_tui
    from tui.core.errors import ConfigError
    from tui.ui import launcher

    seen = []

    def run_tui(**options):
        seen.append(gc.isenabled())
        if ending == "raises":
            raise ConfigError("config.toml: line 1: expected '=' after a key; fix the file and start again.")
        return 0

    monkeypatch.setattr(launcher, "run_tui", run_tui)
    frozen = gc.get_freeze_count()
    assert start_tui() == (2 if ending == "raises" else 0)
    assert seen == [False]  # paused while it started
    # back on, and nothing of the test process frozen (frozen objects that die meanwhile leave the count)
    assert gc.isenabled() and gc.get_freeze_count() <= frozen
    assert ("expected '='" in capsys.readouterr().err) == (ending == "raises")


async def test_an_app_that_start_tui_did_not_start_leaves_the_collector_alone(make_local_app):
    frozen = gc.get_freeze_count()
    app = make_local_app(check_license_at_start=False)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert gc.isenabled() and gc.get_freeze_count() <= frozen  # nothing frozen (the dead leave the count)


async def test_the_start_page_is_drawn_before_the_license_check_loads_the_http_stack(tmp_path, make_local_app):
    service = make_local_app(app=False)  # signs in on this computer's state, with automatic sign-in
    await service.sign_in("pro_adv", DEMO_PASSWORD)
    await service.aclose()
    screen, modules, _ = first_frame(tmp_path, service.store.path.parent)
    assert screen == "StartScreen"
    assert modules & NOT_BEFORE_THE_FIRST_FRAME == set()


def test_the_http_stack_leaves_out_httpx_s_command_line_client():
    """The license check after the first frame imports tui.portal: not click, pygments or rich's progress bars, which
    `import httpx` would load for its own CLI (~4.5 MB of the peak memory on the start page)."""
    probe = ("import json, sys, tui.portal, httpx; "
             "print(json.dumps([sorted(sys.modules), callable(httpx.AsyncClient)]))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    modules, client_ok = json.loads(result.stdout)
    assert client_ok and "httpx" in modules
    assert {name.split(".")[0] for name in modules} & {"click", "pygments"} == set()
    assert {"rich.progress", "rich.syntax"} & set(modules) == set()  # (httpx._main is listed: the None entry)


def test_a_bare_start_skips_argparse_but_means_what_argparse_would():
    import inspect

    from tui.cli.main import build_parser
    from tui.cli.start import start_tui

    defaults = {name: parameter.default for name, parameter in inspect.signature(start_tui).parameters.items()}
    assert {**defaults, "command": None} == vars(build_parser().parse_args([]))
