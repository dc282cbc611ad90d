"""Start the TUI: locale check, config, debug log file, the embedded demo portal for --demo, then LicenseApp.

Everything that can fail before the screen opens fails here with one plain sentence (exit 2), so a user never meets a
blank or half-drawn terminal.
"""

from __future__ import annotations

import codecs
import errno
import logging
import os
import stat
import sys
from pathlib import Path
from urllib.parse import urlsplit

from tui.core import paths
from tui.core.config import load_settings
from tui.core.errors import EXIT_USAGE, StateWriteError
from tui.core.paths import make_dirs
from tui.core.redact import configure_logging
from tui.core.settings import Settings
from tui.service.licensing import LicensingService, Locations, open_service, resolve_locations
from tui.state.atomic_write import describe_os_error

LOG_FILE_NAME = "allsource-tui.log"
LAST_PORT_FILE = "last-port"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def run_tui(*, config: str | None, state_dir: str | None, demo: bool, debug: bool) -> int:
    """`allsource-tui` with no subcommand: returns the exit code."""
    if not stdout_is_utf8():
        sys.stderr.write("allsource-tui needs a UTF-8 terminal; set LANG=C.UTF-8 (or another UTF-8 locale) and "
                         "start it again.\n")
        return EXIT_USAGE
    locations = resolve_locations(config, state_dir, demo=demo)
    settings = load_settings(locations.config_path)  # a bad config raises ConfigError: one sentence, exit 2
    if debug or os.environ.get("ALLSOURCE_TUI_DEBUG"):
        log_to_file(locations.state_dir)
    portal = start_demo_portal(locations.state_dir) if demo else None
    try:
        if portal is not None:
            settings = demo_settings(settings, portal.url, portal.ca_path)
        service = open_service(locations, settings=settings)
        if portal is not None:
            follow_demo_port(service, portal.url)
        hint = demo_hint(service.status().licensing_portal.url) if portal else ""
        return run_app(service, locations, settings, demo_hint=hint)
    finally:
        if portal is not None:
            portal.stop()


def run_app(service: LicensingService, locations: Locations, settings: Settings, *, demo_hint: str = "") -> int:
    from tui.ui.app import LicenseApp  # Textual is imported only when the TUI really starts

    app = LicenseApp(service, config_path=locations.config_path, demo_hint=demo_hint)
    app.run(mouse=settings.ui.mouse)
    return app.return_code or 0


def stdout_is_utf8() -> bool:
    encoding = getattr(sys.stdout, "encoding", None) or ""
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def log_to_file(state_dir: Path) -> Path:
    """Debug logging goes to a 0600 file in the state dir, never to the screen (a stray line would break it)."""
    make_dirs(state_dir)
    path = state_dir / LOG_FILE_NAME
    # O_NOFOLLOW: a link planted in place of the log must not make us append to (and chmod) what it points at.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        why = "it is a symbolic link, which is never followed" if exc.errno == errno.ELOOP else describe_os_error(exc)
        raise StateWriteError(f"The debug log {path} could not be opened ({why}); remove it or run without "
                              "--debug.", path=str(path)) from None
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise StateWriteError(f"The debug log {path} is not a regular file; remove it and try again.", path=str(path))
    os.fchmod(descriptor, 0o600)
    root = logging.getLogger()
    for handler in list(root.handlers):  # a stderr handler would write onto the screen
        if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
            root.removeHandler(handler)
    configure_logging(logging.DEBUG, logging.StreamHandler(os.fdopen(descriptor, "a", encoding="utf-8")))
    return path


# --- --demo -----------------------------------------------------------------------------------------------------------
def start_demo_portal(demo_state_dir: Path):  # DemoPortal, imported lazily
    """The demo portal in a background thread, on the port it had last time when that port is still free."""
    from tui.demo_portal import DemoPortal

    make_dirs(demo_state_dir)  # before the portal's data dir: it holds state
    data_dir = paths.demo_data_dir(demo_state_dir)
    last = _read_port(data_dir / LAST_PORT_FILE)
    for port in ([last] if last else []) + [0]:
        portal = DemoPortal(data_dir, port=port)
        try:
            portal.start()
        except OSError:
            continue
        (data_dir / LAST_PORT_FILE).write_text(f"{portal.port}\n", encoding="ascii")
        return portal
    raise RuntimeError("unreachable: port 0 always binds")


def _read_port(path: Path) -> int | None:
    try:
        port = int(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None
    return port if 1024 <= port <= 65535 else None


def demo_settings(settings: Settings, url: str, ca_path: Path) -> Settings:
    portal = settings.portal._replace(licensing_portal_url=url, licensing_portal_kind="online")
    return settings._replace(portal=portal, network=settings.network._replace(ca_bundle=ca_path, verify_tls=True))


def demo_hint(portal_url: str = "") -> str:
    """The sign-in window's demo line: the accounts of the demo organisation ``portal_url`` points at.

    The demo portal serves two organisations and an account signs in to its own only, so the Enterprise-style URL
    (``…/portal``) lists the Enterprise accounts. A licensing portal that is not on this computer gets no hint.
    """
    from tui.demo_portal import DEMO_PASSWORD, accounts_of, org_of_path

    parts = urlsplit(portal_url)
    if portal_url and parts.hostname not in LOOPBACK_HOSTS:
        return ""
    org = org_of_path(parts.path)
    names = [account.username for account in accounts_of(org)]
    listed = f"{', '.join(names[:-1])} or {names[-1]}" if len(names) > 1 else names[0]
    label = "Enterprise" if org.is_portal else "Online"
    return f"Demo ({label} organization): {listed}, password {DEMO_PASSWORD}"


def follow_demo_port(service: LicensingService, url: str) -> None:
    """The demo portal's port may change between runs: move every loopback URL of the demo state to the new origin.

    The demo state (under <state dir>/demo) only ever holds URLs of earlier runs of this demo portal.
    """
    new_origin = _origin(url)

    def move(value: str) -> str:
        origin = _origin(value)
        stale = origin != new_origin and urlsplit(value).hostname in LOOPBACK_HOSTS
        return new_origin + value[len(origin):] if stale else value

    with service.edit_state() as state:
        if state.licensing_portal is not None:
            state.licensing_portal = state.licensing_portal._replace(url=move(state.licensing_portal.url))
        state.portal_urls = list(dict.fromkeys(move(value) for value in state.portal_urls))
        state.active_portal = move(state.active_portal) if state.active_portal else None
        if state.session is not None:
            state.session = state.session._replace(portal_url=move(state.session.portal_url))
        state.offline = {key: o._replace(portal_url=move(o.portal_url)) for key, o in state.offline.items()}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
