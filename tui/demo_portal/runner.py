"""``DemoPortal``: the demo portal on uvicorn over HTTPS, in a background thread (tests, ``--demo``) or in the
foreground (``allsource-tui demo-portal``)."""

from __future__ import annotations

import asyncio
import ipaddress
import signal
import socket
import threading
import time
from pathlib import Path

import uvicorn

from tui.demo_portal import rules
from tui.demo_portal.accounts import ACCOUNTS, DEMO_PASSWORD, ENTERPRISE, GENERATED, ORG_ADMIN
from tui.demo_portal.app import create_app
from tui.demo_portal.context import DemoState, RequestRecord
from tui.demo_portal.faults import FaultInjector
from tui.demo_portal.tls import CA_CERT, prepare_tls

START_TIMEOUT = 15.0


class DemoPortal:
    def __init__(self, data_dir: Path, *, host: str = "127.0.0.1", port: int = 0,
                 allow_offline_enterprise: bool = False) -> None:
        self.data_dir = Path(data_dir)
        self.host = host
        self._port = port
        self.app = create_app(self.data_dir, allow_offline_enterprise=allow_offline_enterprise)
        self.app.state.demo.date_header = True  # written by the middleware, so a date_skew fault can shift it
        self._tls = prepare_tls(self.data_dir, host)
        self._sock: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None

    # --- what tests and the CLI read ---------------------------------------------------------------------------
    @property
    def demo(self) -> DemoState:
        return self.app.state.demo

    @property
    def faults(self) -> FaultInjector:
        return self.demo.faults

    @property
    def request_log(self) -> list[RequestRecord]:
        return self.demo.request_log

    @property
    def ca_path(self) -> Path:
        return self.data_dir / CA_CERT

    @property
    def port(self) -> int:
        if self._port == 0:
            self._bind()
        return self._port

    @property
    def url(self) -> str:
        """The Online-style organisation, e.g. ``https://127.0.0.1:8443``."""
        return f"https://{_url_host(self.host)}:{self.port}"

    @property
    def enterprise_url(self) -> str:
        return self.url + ENTERPRISE.prefix

    # --- running ---------------------------------------------------------------------------------------------------
    def listen(self) -> None:
        """Bind and listen now, so a port in use raises OSError before anything is announced (the CLI banner)."""
        self._bind()

    @property
    def running(self) -> bool:
        """True between start() and stop()."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Serve in a daemon thread with its own event loop; returns once the port is listening."""
        if self._thread is not None and self._thread.is_alive():
            raise RuntimeError("the demo portal is already running")
        sock = self._bind()
        self._server, self._failure = self._make_server(), None
        self._thread = threading.Thread(target=self._serve_in_thread, args=(self._server, sock),
                                        name="allsource-tui-demo-portal", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the demo portal did not start on {self.url}: {self._failure!r}")
            time.sleep(0.01)

    def stop(self) -> None:
        """Stop serving (in-flight requests get a second to finish); the port is free when this returns."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server, self._thread = None, None
        self._close_socket()

    def serve_forever(self) -> None:
        """Serve until Ctrl-C or SIGTERM, then stop cleanly.

        The server runs in its own thread even here, so this also works when the caller is inside a running event
        loop (the CLI); our own signal handlers stand in for asyncio's, which would only cancel a task we block.
        """
        stop = threading.Event()
        previous = _install_stop_handlers(stop)
        try:
            self.start()
            while not stop.is_set() and self._thread is not None and self._thread.is_alive():
                stop.wait(0.2)
        except KeyboardInterrupt:
            pass
        finally:
            _restore_handlers(previous)
            self.stop()

    def _serve_in_thread(self, server: uvicorn.Server, sock: socket.socket) -> None:
        try:
            asyncio.run(server.serve(sockets=[sock]))
        except BaseException as error:  # reported by start()
            self._failure = error

    def _make_server(self) -> uvicorn.Server:
        config = uvicorn.Config(self.app, ssl_certfile=str(self._tls.cert_path), ssl_keyfile=str(self._tls.key_path),
                                log_level="warning", access_log=False, lifespan="off", proxy_headers=False,
                                server_header=False, date_header=False, timeout_graceful_shutdown=1)
        return uvicorn.Server(config)

    def _bind(self) -> socket.socket:
        """A listening socket created before uvicorn starts, so port 0 gives a known free port."""
        if self._sock is not None:
            return self._sock
        family, _, _, _, address = socket.getaddrinfo(self.host, self._port, type=socket.SOCK_STREAM,
                                                      flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
            sock.listen(128)
        except OSError:
            sock.close()
            raise
        self._sock, self._port = sock, sock.getsockname()[1]
        return sock

    def _close_socket(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    # --- the CLI banner --------------------------------------------------------------------------------------------
    def banner(self) -> str:
        with self.demo.store.reading() as state:
            enterprise_offline, _ = rules.disconnect_settings(state, ENTERPRISE)
        offline = "allowed" if enterprise_offline else "prevented by the administrator"
        lines = ["allsource-tui demo portal — an ArcGIS REST API with demo accounts (no ArcGIS account, no internet)",
                 f"  ArcGIS Online-style organization:      {self.url}   (offline use allowed)",
                 f"  ArcGIS Enterprise-style organization:  {self.enterprise_url}   (offline use {offline})",
                 f"  CA certificate:                        {self.ca_path}",
                 f"  Data (state, CA):                      {self.data_dir}",
                 "This is a demo CA (127.0.0.1, ::1 and localhost only; one year). Trust it for allsource-tui only:",
                 f'  set ca_bundle = "{self.ca_path}" under [network] in config.toml (not SSL_CERT_FILE, which',
                 "  hands it to every program of the shell, for every host)",
                 f"Demo accounts (password for all: {DEMO_PASSWORD}):",
                 f"  {'user':<13} {'name':<17} {'org':<11} {'user type':<34} {'AllSource':<20} extensions"]
        for account in (*ACCOUNTS, ORG_ADMIN):
            kind = "add-on" if account.allsource_is_addon else "included"
            level = f"{account.level} ({kind})" if account.level else "none"
            org = "Online" if account.org == "online" else "Enterprise"
            user_type = account.user_type_name + (", admin" if account.is_admin else "")
            lines.append(f"  {account.username:<13} {account.full_name:<17} {org:<11} {user_type:<34} {level:<20} "
                         f"{', '.join(account.extensions) or '—'}")
        first, last = GENERATED[0].username, GENERATED[-1].username
        lines.append(f"  …and {len(GENERATED)} generated Online members ({first}–{last}), "
                     "some of them offline on named workstations.")
        lines.append("Stop with Ctrl-C.")
        return "\n".join(lines)


def _install_stop_handlers(stop: threading.Event) -> dict:
    if threading.current_thread() is not threading.main_thread():
        return {}
    previous = {}
    for number in (signal.SIGINT, signal.SIGTERM):
        previous[number] = signal.signal(number, lambda *_: stop.set())
    return previous


def _restore_handlers(previous: dict) -> None:
    for number, handler in previous.items():
        signal.signal(number, handler)


def _url_host(host: str) -> str:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if address.is_unspecified:
        return "127.0.0.1" if address.version == 4 else "[::1]"
    return f"[{host}]" if address.version == 6 else host
