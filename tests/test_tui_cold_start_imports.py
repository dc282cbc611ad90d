"""The TUI's first frame waits for nothing it doesn't show: no HTTP stack, no workflow, no Settings, Help or dialog.

`allsource-tui` is started through its real entry point in a child process (headless); at its first frame the child
reports the screen and every loaded module, then exits. What loads after the first frame (the license check's HTTP
stack) is not counted: tests/benchmarks/run.py measures the time and memory this keeps low.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import DEMO_PASSWORD, TUI_SNAPSHOT_URL

PROBE = """
import json, sys
from textual.app import App

display = App._display

def first_frame(self, screen, renderable):
    display(self, screen, renderable)
    if renderable is not None and screen.children and not getattr(self, "_probe_drawn", False):
        self._probe_drawn = True
        sys.stderr.write("FIRST=" + json.dumps([type(screen).__name__, sorted(sys.modules)]) + "\\n")
        self.exit(0)

App._display = first_frame
run = App.run
App.run = lambda self, *args, **kwargs: run(self, headless=True, size=(100, 30))
sys.argv[1:] = []
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


def first_frame(tmp_path, state_dir) -> tuple[str, set[str]]:
    config = tmp_path / "config.toml"
    config.write_text(f'[portal]\nlicensing_portal_url = "{TUI_SNAPSHOT_URL}"\nlicensing_portal_kind = "online"\n')
    env = {**os.environ, "ALLSOURCE_TUI_CONFIG": str(config), "ALLSOURCE_TUI_STATE_DIR": str(state_dir),
           "ALLSOURCE_TUI_MACHINE_ID": "machine-a", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120,
                            check=False)
    line = next((line for line in result.stderr.splitlines() if line.startswith("FIRST=")), None)
    assert line is not None, result.stderr[-2000:]
    screen, modules = json.loads(line.removeprefix("FIRST="))
    return screen, set(modules)


def test_the_sign_in_window_is_drawn_before_the_http_stack_and_the_other_screens_load(tmp_path):
    screen, modules = first_frame(tmp_path, tmp_path / "state")
    assert screen == "SignInScreen"
    assert modules & NOT_BEFORE_THE_FIRST_FRAME == set()


async def test_the_start_page_is_drawn_before_the_license_check_loads_the_http_stack(tmp_path, make_local_app):
    service = make_local_app(app=False)  # signs in on this computer's state, with automatic sign-in
    await service.sign_in("pro_adv", DEMO_PASSWORD)
    await service.aclose()
    screen, modules = first_frame(tmp_path, service.store.path.parent)
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
