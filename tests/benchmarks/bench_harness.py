"""Child process of the cold-start benchmark: start an app headless and exit as soon as its first screen is drawn.

    python tests/benchmarks/bench_harness.py tui     # `allsource-tui` through its real entry point
    python tests/benchmarks/bench_harness.py bare    # a bare Textual app: Header, Label, Footer
    python tests/benchmarks/bench_harness.py bare-form  # the same with the sign-in window's Textual widgets (a floor)
    python tests/benchmarks/bench_harness.py sign-in-window  # our SignInScreen alone in a bare app (a floor)
    python tests/benchmarks/bench_harness.py tui-settled  # `allsource-tui`, exiting once its start-up work is done
    python tests/benchmarks/bench_harness.py bare-https URL CA  # the bare app + one verified GET with httpx (a floor)
    python tests/benchmarks/bench_harness.py start-page  # our StartScreen alone in a bare app (a floor)
    python tests/benchmarks/bench_harness.py start-page-https URL CA  # StartScreen alone + the same GET (a floor)
    python tests/benchmarks/bench_harness.py bare-page-https URL CA  # the start page's Textual widgets + the GET

"Settled" = after the first frame, every worker the app started (the license check on the start page) has finished;
the peak memory then includes the HTTP stack of that check. Prints ``SETTLED <time> <workers seen>``.

Prints the wall-clock time (time.time()) of the first draw on stdout; the parent subtracts the time it spawned this
process, so the figure covers interpreter start, imports, config and state reading, and the first layout and render.
"First drawn" = the first frame the compositor produces for a screen that has widgets (LicenseApp's own default
screen is empty: its first real screen is pushed in on_mount). Headless: the frame is rendered but not written to a
terminal, the same for both apps.
"""

from __future__ import annotations

import atexit
import os
import sys
import time

# Set by the instruction counts (bench_instructions.py): end the process at once after its first frame.
STOP_AT_FIRST_FRAME = "ALLSOURCE_BENCH_STOP_AT_FIRST_FRAME"


def report_peak_memory(tag: str = "PEAK") -> None:
    """VmHWM: the peak resident set of this program since its exec, so far. (ru_maxrss would also count the parent's
    memory: Linux carries the pre-exec high-water mark of a forked child into it.) ``PEAK`` at exit, ``DRAWN_PEAK`` at
    the first frame (an app that exits there may still be loading what it started after that frame)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                sys.stdout.write(f"{tag} {int(line.split()[1])}\n")
                sys.stdout.flush()


def report_resident(step: str) -> None:
    """VmRSS now, after ``step``: the steps of a floor, for the memory profile under its peak."""
    with open("/proc/self/status", encoding="ascii") as status:
        kilobytes = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    sys.stdout.write(f"STEP {kilobytes} {step}\n")
    sys.stdout.flush()


def exit_on_first_draw(App, *, settle: bool = False) -> None:
    """Wrap App._display (called with every compositor frame, headless too) to report the first frame of a screen
    with widgets, then exit: at once, or with ``settle`` once the app's workers are done."""
    display = App._display

    def first_draw(self, screen, renderable) -> None:
        display(self, screen, renderable)
        if renderable is not None and screen.children and not getattr(self, "_bench_drawn", False):
            self._bench_drawn = True
            sys.stdout.write(f"DRAWN {time.time():.6f} {type(screen).__name__}\n")
            sys.stdout.write(f"CPU {time.process_time():.6f}\n")  # this process's CPU time until the first frame
            sys.stdout.flush()
            report_peak_memory("DRAWN_PEAK")
            if os.environ.get(STOP_AT_FIRST_FRAME):
                os._exit(0)  # counted to the first frame, like the wall time: not the app's shutdown
            if settle:
                exit_when_settled(self)
            else:
                self.exit(0)

    App._display = first_draw


def exit_when_settled(app, timeout: float = 30.0) -> None:
    """Poll the app's workers (the license check starts after the first frame); exit once at least one ran and
    none is left, or after ``timeout`` (a sign-in window starts no worker)."""
    seen: set[int] = set()
    started = time.monotonic()

    def check() -> None:
        running = [worker for worker in app.workers if not worker.is_finished]
        seen.update(id(worker) for worker in app.workers)
        if (seen and not running) or time.monotonic() - started > timeout:
            sys.stdout.write(f"SETTLED {time.time():.6f} {len(seen)}\n")
            sys.stdout.flush()
            app.exit(0)

    app.set_interval(0.01, check)


def headless_runs(App) -> None:
    """Make App.run headless (the real entry point calls app.run(mouse=...))."""
    run = App.run

    def run_headless(self, *args, **kwargs):
        kwargs.update(headless=True, size=(100, 30))
        return run(self, *args, **kwargs)

    App.run = run_headless


def bare_app():
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Label

    class BareApp(App):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Label("Hello from a bare Textual app")
            yield Footer()

    return BareApp()


def bare_form_app():
    """The floor under the sign-in window: a bare Textual app with the widgets that window uses (Labels, two Inputs, a
    Checkbox, three compact Buttons, a Footer), none of ours: Textual parses and applies each widget's default CSS."""
    from textual.app import App, ComposeResult
    from textual.containers import Horizontal, Vertical
    from textual.widgets import Button, Checkbox, Footer, Input, Label

    class BareFormApp(App):
        def compose(self) -> ComposeResult:
            with Vertical():
                yield Label("Licensing portal")
                yield Input(placeholder="username")
                yield Input(password=True, placeholder="password")
                yield Checkbox("Sign in automatically", value=True, compact=True)
                with Horizontal():
                    yield Button("Sign In", variant="primary", compact=True)
                    yield Button("Configure", compact=True)
                    yield Button("SSO", compact=True)
            yield Footer()

    return BareFormApp()


def sign_in_window_app():
    """The sign-in window alone: screens/sign_in.py's SignInScreen (its widgets, stylesheet and the modules it imports)
    as the only screen of a bare app with the app's stylesheet, showing a signed-out Status; no config.toml, no
    state.toml, no LicensingService, no workflows. The app's first frame minus this is what the app around the window
    costs."""
    from screens.sign_in import SignInScreen
    from tui.core.models import LicensingPortal

    status = signed_out_status(LicensingPortal("https://www.arcgis.com", "online"))
    return screen_alone_app("SignInScreen", lambda: SignInScreen(status))


def bare_page_app():
    """The floor under the start page: a bare Textual app with the Textual widgets the start page shows (a Label and a
    compact Button in a Horizontal; four Statics in a Vertical, a Label and a Static in a VerticalScroll; a Static),
    none of ours."""
    from textual.app import App, ComposeResult
    from textual.containers import Horizontal, Vertical, VerticalScroll
    from textual.widgets import Button, Footer, Label, Static

    class BarePageApp(App):
        def compose(self) -> ComposeResult:
            with Horizontal():
                yield Label("pro_adv on https://www.arcgis.com")
                yield Button("Sign in [i]", compact=True)
            with VerticalScroll():
                with Vertical():
                    for line in ("License: Advanced", "Extensions: Spatial Analyst", "Offline: no", "Alias: bench"):
                        yield Static(line)
                yield Label("Licensing portal: https://www.arcgis.com")
                yield Static("Press s for Settings")
            yield Static("")
            yield Footer()

    return BarePageApp()


def with_verified_get(app, url: str, ca_bundle: str):
    """``app``, then, after its first frame, what any verified portal call needs — httpx (without its command-line
    client, as tui/portal imports it) and a TLS context trusting the OS store, certifi and the portal's CA (the app's
    default `trust = "both"`) — and one GET: the floors under the start page's peak memory once its license check is
    done."""
    app.call_after_refresh(lambda: app.run_worker(verified_get(url, ca_bundle)))
    return app


def start_page_app(url: str = "https://www.arcgis.com"):
    """The start page alone: screens/start.py's StartScreen (its widgets, stylesheet and the modules it imports)
    showing a signed-in Status as the only screen of a bare app with the app's stylesheet. No config.toml,
    state.toml, LicensingService, workflows or portal client: the app's first frame minus this is what the app around
    the page costs."""
    from screens.start import StartScreen
    from tui.core.models import LicenseInfo, LicensingPortal, Session

    portal = LicensingPortal(url, "online")
    session = Session(url, "pro_adv", "Pro Advanced", True, "password", None, time.time() + 3600, time.time())
    license_info = LicenseInfo("Advanced", {"Spatial Analyst": True, "3D Analyst": False}, "Professional Plus")
    status = signed_out_status(portal)._replace(active_portal=url, session=session, signed_in=True,
                                                license=license_info, workstation_alias="bench")
    return screen_alone_app("StartScreen", lambda: StartScreen(status))


def screen_alone_app(name: str, make_screen):
    """A bare app whose only screen is ``make_screen()`` (our screen class ``name``), styled by the app's stylesheet
    and that screen's own, as LicenseApp styles it."""
    from pathlib import Path

    from textual.app import App

    import screens
    import tui.ui

    class ScreenAloneApp(App):
        CSS_PATH = [Path(tui.ui.__file__).with_name("app.tcss"), screens.STYLESHEETS[name]]

        def get_default_screen(self):
            return make_screen()

    return ScreenAloneApp()


def signed_out_status(portal):
    from tui.service.status import Status

    return Status(licensing_portal=portal, active_portal="", session=None, signed_in=False, license=None,
                  workstation_alias=None, offline=None, last_username=None, secrets_location="")


async def verified_get(url: str, ca_bundle: str) -> None:
    """What any verified portal call needs, step by step (each step's resident set reported)."""
    import ssl

    report_resident("first frame")
    import certifi

    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # as tui/portal does: not httpx's CLI
    import httpx

    report_resident("import httpx")
    context = ssl.create_default_context()
    report_resident("TLS context: OS store")
    context.load_verify_locations(certifi.where())
    context.load_verify_locations(ca_bundle)
    report_resident("+ certifi and the portal's CA")
    async with httpx.AsyncClient(verify=context) as client:
        (await client.get(f"{url}/sharing/rest/info", params={"f": "json"})).raise_for_status()
        report_resident("client and one GET")


def when_imported(name: str, then) -> None:
    """Call ``then(module)`` as soon as module ``name`` has been imported, by whoever imports it first.

    The harness patches Textual's App this way instead of importing Textual itself: the program measured imports it
    when it would anyway, after whatever its entry point does first (allsource-tui pauses the garbage collector)."""
    import importlib.machinery

    class ThenPatch:
        @classmethod
        def find_spec(cls, fullname, path, target=None):
            if fullname != name:
                return None
            sys.meta_path.remove(cls)
            spec = importlib.machinery.PathFinder.find_spec(fullname, path)
            exec_module = spec.loader.exec_module

            def exec_then_patch(module) -> None:
                exec_module(module)
                then(module)

            spec.loader.exec_module = exec_then_patch
            return spec

    sys.meta_path.insert(0, ThenPatch)


def main() -> int:
    kind = sys.argv[1]
    atexit.register(report_peak_memory)
    https_floors = {"bare-https": lambda url: bare_app(), "bare-page-https": lambda url: bare_page_app(),
                    "start-page-https": start_page_app}
    settle = kind == "tui-settled" or kind in https_floors

    def patch(module) -> None:
        exit_on_first_draw(module.App, settle=settle)
        headless_runs(module.App)

    when_imported("textual.app", patch)
    if kind in ("bare", "bare-form"):
        (bare_app() if kind == "bare" else bare_form_app()).run()
        return 0
    if kind in ("sign-in-window", "start-page"):
        (sign_in_window_app() if kind == "sign-in-window" else start_page_app()).run()
        return 0
    if kind in https_floors:
        url, ca_bundle = sys.argv[2:4]
        with_verified_get(https_floors[kind](url), url, ca_bundle).run()
        return 0
    from tui.cli.fast_status import main as entry_point  # what the `allsource-tui` console script runs

    sys.argv[1:] = []  # a bare `allsource-tui`
    return entry_point()


if __name__ == "__main__":
    raise SystemExit(main())
