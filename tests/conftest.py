"""Shared fixtures: an isolated environment, the demo portal over real HTTPS, and LicensingService factories."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tui.core.machine import MachineIdentity
from tui.core.settings import NetworkSettings, PortalSettings, SecretSettings, Settings

DEMO_PASSWORD = "allsource-demo"


@pytest.hookimpl(optionalhook=True)  # an xdist hook: pytest -p no:xdist must still start
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`pytest -n auto`: three workers per core. A Pilot test spends more than half its wall time waiting (Pilot's
    idle checks, injected latency, timeouts that must expire, child processes), so with fewer workers the cores sit
    idle meanwhile (on 2 cores, 4 workers vs 6 run alternately: 133 and 131 s vs 110 and 113 s)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(3 * cores, 16)


def pytest_configure(config: pytest.Config) -> None:
    from tests.bytecode_once import before_workers_start

    before_workers_start(config)


def pytest_collection_finish(session: pytest.Session) -> None:
    """A test process holds every test module's imports (Textual, hypothesis, the app) for its whole life, and
    Python's full collections walked them again and again: 3.2 s of the 30 CPU-seconds of five Pilot-heavy test files
    in one process. Frozen after collection, and with the young generation collected every 20 000 allocations instead
    of 700, that was 1.5 s. (The app pauses the collector while it starts, for that reason: tui/core/collector.py.)"""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every path the app uses into tmp_path, and drop variables that would change behaviour."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    for name in ("ALLSOURCE_TUI_CONFIG", "ALLSOURCE_TUI_STATE_DIR", "ALLSOURCE_TUI_MACHINE_ID",
                 "ALLSOURCE_TUI_DEBUG", "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY",
                 "https_proxy", "http_proxy", "all_proxy", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    # Never the developer's real keyring; tests that want one install a fake with keyring.set_keyring().
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost,::1")
    return home


_TLS_CONTEXTS: dict[tuple, object] = {}


def _file_stamp(path: object) -> tuple:
    """What a trust file holds (tests write many copies of one CA, each in its own tmp_path)."""
    try:
        return ("file", Path(str(path)).expanduser().read_bytes())
    except IsADirectoryError:
        return ("dir", str(path))
    except (OSError, ValueError):
        return ("unreadable", str(path))


@pytest.fixture(autouse=True)
def _one_tls_context_per_trust(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every LicensingService of a test builds its HTTP client, and so a TLS context: parsing the OS store and certifi
    takes ~130 ms of CPU each, hundreds of times per test process. Build each distinct one (trust source,
    environment, the CA files' contents, platform) once per process; tests of build_ssl_context itself import it
    directly and still build theirs."""
    import sys

    from tui.portal import http

    build = http.build_ssl_context

    def cached(network):
        # What build_ssl_context reads: the trust source, ca_bundle, the two variables and the files they name.
        key = (network.trust, sys.platform, os.environ.get("SSL_CERT_DIR"),
               *(_file_stamp(path) if path else None for path in (network.ca_bundle, os.environ.get("SSL_CERT_FILE"))))
        if key not in _TLS_CONTEXTS:
            _TLS_CONTEXTS[key] = build(network)
        return _TLS_CONTEXTS[key]

    monkeypatch.setattr(http, "build_ssl_context", cached)


_CSS_RULES: dict[tuple, list] = {}


@pytest.fixture(autouse=True)
def _css_parsed_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every App parses all its CSS (app.tcss, the screens' stylesheets, every widget's DEFAULT_CSS) into rule sets
    when it starts: ~65 ms of CPU per app start, hundreds of times per test process. Textual keeps the parsed rule
    sets of each CSS source per App and reuses them when it parses again; here they are reused by every App of the
    test process with the same CSS variables (the theme's) too."""
    from textual.css.stylesheet import Stylesheet

    parse = Stylesheet._parse_rules

    def cached(self, *args, **kwargs):
        variables = self._variables
        if getattr(self, "_variables_seen", (None,))[0] is not variables:  # sort them once per variables dict
            self._variables_seen = (variables, tuple(sorted(variables.items())))
        key = (self._variables_seen[1], args, tuple(sorted(kwargs.items())))
        if key not in _CSS_RULES:
            _CSS_RULES[key] = parse(self, *args, **kwargs)
        return _CSS_RULES[key]

    monkeypatch.setattr(Stylesheet, "_parse_rules", cached)


@pytest.fixture(autouse=True)
def _headless_frames_drawn_only_when_looked_at(monkeypatch: pytest.MonkeyPatch) -> None:
    """A headless App renders every frame of its top screen and then discards it (App._display writes nothing
    without a terminal): ~30 % of the CPU of a Pilot test. Here the top screen's frames are not rendered; its layout
    is still computed (sizes, Resize/Show/Hide events, mouse hits), and what a test looks at is rendered when it looks:
    screen_text() and export_screenshot() (snapshots) render the whole screen from the widgets as they are.
    ALLSOURCE_TUI_TEST_DRAW_FRAMES=1 draws every frame, as Textual does (tests/reliability_large.py sets it)."""
    if os.environ.get("ALLSOURCE_TUI_TEST_DRAW_FRAMES"):
        return
    from textual.screen import Screen

    draw = Screen._compositor_refresh

    def refresh_without_drawing(self: Screen) -> None:
        app = self.app
        if not app.is_headless or app.is_inline or self is not app.screen:
            draw(self)
            return
        self._compositor._dirty_regions.clear()
        self._dirty_widgets.clear()
        app._update_mouse_over(self)

    monkeypatch.setattr(Screen, "_compositor_refresh", refresh_without_drawing)


@pytest.fixture(scope="session")
def _demo_portal_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list]:
    """One demo portal server (TLS CA, certificate, uvicorn thread) per test process: making and stopping one took
    ~0.3 s per test. Held in a list so that ``demo_portal`` can replace it if a stopped one cannot restart."""
    from tui.demo_portal import DemoPortal

    holder = [DemoPortal(tmp_path_factory.mktemp("demo-portal-server"), port=0)]
    holder[0].start()
    yield holder
    holder[0].stop()


@pytest.fixture
def demo_portal(_demo_portal_server: list, tmp_path: Path) -> Iterator:
    """The demo portal on a loopback port over real HTTPS, fresh for this test: its accounts' state, sign-ins,
    check-outs, faults, request log, OAuth sign-ins and clock are new and kept in this test's own data dir, so no
    test sees another's (only the server, its port and its CA are shared). A test may stop it: it is started again
    for the next test."""
    from tui.demo_portal import DemoPortal, create_app

    portal = _demo_portal_server[0]
    if not portal.running:
        try:
            portal.start()
        except (OSError, RuntimeError):  # the port was taken meanwhile: a new server
            portal = _demo_portal_server[0] = DemoPortal(portal.data_dir, port=0)
            portal.start()
    fresh, demo = create_app(tmp_path / "demo-portal").state.demo, portal.demo
    # In place: the server's middleware holds this DemoState object itself.
    demo.store, demo.faults, demo.request_log, demo.clock, demo.oauth = (
        fresh.store, fresh.faults, fresh.request_log, fresh.clock, fresh.oauth)
    yield portal


def demo_settings(portal, *, enterprise: bool = False, **network) -> Settings:
    url = portal.enterprise_url if enterprise else portal.url
    return Settings(
        portal=PortalSettings(licensing_portal_url=url, licensing_portal_kind="enterprise" if enterprise else "online"),
        network=NetworkSettings(ca_bundle=portal.ca_path, connect_timeout=5, read_timeout=10)._replace(**network))


@pytest.fixture
def make_service(tmp_path: Path, demo_portal) -> Iterator[Callable[..., object]]:
    """Factory of LicensingService instances acting as a given computer and OS user against the demo portal (each
    opens its own connections; TLS contexts are shared, see _one_tls_context_per_trust)."""
    from tui.service.licensing import LicensingService
    from tui.state.store import StateStore

    made = []

    def factory(machine_id: str = "machine-a", *, os_user: str = "tester", enterprise: bool = False,
                state_dir: Path | None = None, clock=None, secrets: SecretSettings | None = None,
                **network) -> LicensingService:
        machine = MachineIdentity(machine_id=machine_id, os_user=os_user, hostname=f"host-{machine_id}")
        store = StateStore(state_dir or tmp_path / "state" / f"{machine_id}-{os_user}")
        settings = demo_settings(demo_portal, enterprise=enterprise, **network)
        service = LicensingService(settings._replace(secrets=secrets or settings.secrets), store, machine, clock=clock)
        made.append(service)
        return service

    yield factory


def cli_env(tmp_path: Path, portal, *, machine_id: str = "machine-a", enterprise: bool = False,
            max_retries: int | None = None) -> dict[str, str]:
    """Environment for running the real `allsource-tui` CLI in a subprocess against the demo portal.

    ``max_retries`` sets [network] max_retries (default 3: an unreachable portal costs ~1.75 s of jittered backoff)."""
    state = tmp_path / "cli-state" / machine_id
    config = tmp_path / f"config-{machine_id}.toml"
    url = portal.enterprise_url if enterprise else portal.url
    kind = "enterprise" if enterprise else "online"
    config.write_text(f'[portal]\nlicensing_portal_url = "{url}"\nlicensing_portal_kind = "{kind}"\n'
                      f'[network]\nca_bundle = "{portal.ca_path}"\n'
                      + ("" if max_retries is None else f"max_retries = {max_retries}\n"))
    env = dict(os.environ)
    env.update({"ALLSOURCE_TUI_CONFIG": str(config), "ALLSOURCE_TUI_STATE_DIR": str(state),
                "ALLSOURCE_TUI_MACHINE_ID": machine_id})
    return env


# --- TUI fixtures ---
# The Textual app against the demo portal. `make_app` talks to the real demo portal over HTTPS (network paths:
# TLS, unreachable, latency); `make_local_app` serves the same demo portal app in-process at its default URL
# https://127.0.0.1:8443 (the other Pilot flows and the snapshots: fast, and no random port in the picture).
TUI_SNAPSHOT_URL = "https://127.0.0.1:8443"


def tui_settings(settings: Settings) -> Settings:
    """A fixed theme and no blinking cursor: pictures and key tests must not depend on timing."""
    from tui.core.settings import UISettings

    return settings._replace(ui=UISettings(theme="textual-dark", cursor_blink=False, mouse=True))


def read_state_toml(app) -> dict:
    """state.toml as written on disk ({} when there is none)."""
    import tomllib

    path = app.service.store.path
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


@pytest.fixture
def make_app(make_service) -> Callable[..., object]:
    """Factory of LicenseApp on a LicensingService acting as ``machine_id`` against the demo portal over HTTPS.

    ``portal_url`` replaces the licensing portal (e.g. a closed port); ``trust_demo_ca=False`` drops the demo CA.
    """
    from tui.ui.app import LicenseApp

    def factory(machine_id: str = "machine-a", *, portal_url: str | None = None, trust_demo_ca: bool = True,
                check_license_at_start: bool = True, demo_hint: str = "", keys: dict | None = None,
                **service_options) -> LicenseApp:
        service = make_service(machine_id, **service_options)
        settings = tui_settings(service.settings)
        if portal_url is not None:
            settings = settings._replace(portal=settings.portal._replace(licensing_portal_url=portal_url))
        if not trust_demo_ca:
            settings = settings._replace(network=settings.network._replace(ca_bundle=None))
        service.settings = settings._replace(keys=keys or {})
        return LicenseApp(service, check_license_at_start=check_license_at_start, demo_hint=demo_hint)

    return factory


class InProcessPortal:
    """An httpx transport that hands every request to the demo portal's ASGI app in this process (no socket).

    ``failure`` makes every request fail the way httpx fails on the network (connection refused, untrusted
    certificate); ``disabled`` marks the account disabled in community/self, which no demo account is.
    """

    def __init__(self, demo_app, *, failure: str | None = None, disabled: bool = False) -> None:
        import httpx

        self._asgi = httpx.ASGITransport(app=demo_app)
        self.failure, self.disabled = failure, disabled

    async def handle_async_request(self, request):
        import httpx

        if self.failure == "refused":
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        if self.failure == "tls":
            raise _untrusted_certificate_error(request)
        response = await self._asgi.handle_async_request(request)
        if self.disabled and request.url.path.endswith("/community/self"):
            import json

            body = json.loads(await response.aread())
            body["disabled"] = True
            return httpx.Response(200, json=body, request=request)
        return response

    async def aclose(self) -> None:
        await self._asgi.aclose()


def _untrusted_certificate_error(request):
    import ssl

    import httpx

    cause = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
                                            "self-signed certificate in certificate chain (_ssl.c:1006)")
    cause.verify_message = "self-signed certificate in certificate chain"
    error = httpx.ConnectError(str(cause), request=request)
    error.__cause__ = cause
    return error


@pytest.fixture
def make_local_app(tmp_path: Path) -> Callable[..., object]:
    """Factory of LicenseApp against one demo portal served in-process at TUI_SNAPSHOT_URL (shared by every app
    made in a test, like computers sharing one portal). No sockets or TLS: fast, and no random port in pictures.

    ``app=False`` returns the LicensingService instead (e.g. other computers of the same user);
    ``factory.demo`` is the portal's DemoState (faults, request_log).
    """
    import httpx

    from tui.demo_portal import create_app
    from tui.service.licensing import LicensingService
    from tui.state.store import StateStore
    from tui.ui.app import LicenseApp
    from tui.ui.launcher import demo_hint

    demo_app = create_app(tmp_path / "local-portal")

    def factory(machine_id: str = "machine-a", *, failure: str | None = None, disabled: bool = False,
                app: bool = True, check_license_at_start: bool = True, keys: dict | None = None, clock=None):
        transport: httpx.AsyncBaseTransport = InProcessPortal(demo_app, failure=failure, disabled=disabled)  # type: ignore[assignment]
        settings = tui_settings(Settings(portal=PortalSettings(licensing_portal_url=TUI_SNAPSHOT_URL),
                                         network=NetworkSettings(max_retries=0), keys=keys or {}))
        machine = MachineIdentity(machine_id=machine_id, os_user="tester", hostname=f"host-{machine_id}")
        service = LicensingService(settings, StateStore(tmp_path / "local-state" / machine_id), machine,
                                   transport=transport, clock=clock)
        if not app:
            return service
        return LicenseApp(service, demo_hint=demo_hint(), check_license_at_start=check_license_at_start)

    factory.demo = demo_app.state.demo  # type: ignore[attr-defined]
    return factory


def screen_text(app) -> str:
    """The current screen as plain text, the way a user without colours reads it."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, color_system=None,
                      record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


async def settle(pilot) -> None:
    """Wait for every worker (also one started after the first frame), then for the screen changes they caused."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def wait_until(pilot, condition, timeout: float = 10.0) -> None:
    """Pause until ``condition()`` holds (for flows whose worker waits on a dialog, so it never completes)."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the app did not reach the expected state in time"
        await pilot.pause(0.01)
    await pilot.pause()  # a screen that just became current has composed, but may not have rendered yet


async def type_text(pilot, text: str) -> None:
    """Type ``text`` as fast typing (or typeahead over SSH) arrives: one key event per character, then settle.

    Pilot.press waits for the app to go idle after every key (~50 ms each); the events and their order are the same.
    """
    from textual import events
    from textual.keys import _character_to_key

    for char in text:
        pilot.app.post_message(events.Key(char if char.isalnum() else _character_to_key(char), char))
    await pilot.pause()


async def sign_in_with_keys(pilot, username: str, password: str = DEMO_PASSWORD, *, auto: bool = True) -> None:
    """Type into the sign-in window as a user would: Username, Tab, Password, (Tab, Space), Enter.

    When the window already knows the username it opens in the Password field: the user types just the password,
    or goes back (shift+tab) to type another username over the selected one.
    """
    focused = pilot.app.focused
    if focused is None or focused.id != "password" or pilot.app.screen.query_one("#username").value != username:
        if focused is not None and focused.id == "password":
            await pilot.press("shift+tab")
        await type_text(pilot, username)
        await pilot.press("tab")
    await type_text(pilot, password)
    if not auto:
        await pilot.press("tab", "space")
    await pilot.press("enter")
    await settle(pilot)
