"""A fault-injecting HTTPS proxy for tests: the portal does the work, the answer is lost or replaced on the way back.

It listens on 127.0.0.1 only, terminates TLS with its own trustme CA (``ca_path``: give it to the client as
``[network] ca_bundle``), forwards each request to the real portal over HTTPS (the portal's CA is trusted for that leg)
and, for a request whose path matches an armed fault, breaks the exchange at one point:

==================  ==============================================================================================
``reset_before``    the connection is reset (RST) before anything is forwarded: the portal never sees the request
``reset_after``     forwarded; the portal's answer is dropped and the connection reset
``status_5xx``      forwarded; the answer is replaced by a gateway's ``504`` HTML page
``html_200``        forwarded; the answer is replaced by an HTML login page with status 200 (a captive portal)
``truncate``        forwarded; half of the answer's body is sent (the full Content-Length announced), then a reset
``trickle``         forwarded; the answer is sent one byte every ``trickle_interval`` seconds
``hang``            forwarded; nothing is ever sent back (until the client gives up or the proxy stops)
==================  ==============================================================================================

Usage::

    with FaultProxy(portal.url, portal.ca_path, tmp_path) as proxy:
        proxy.inject("generateToken", "status_5xx")          # the next matching request only (times=1)
        ... run the client against proxy.url with ca_bundle = proxy.ca_path ...
        assert proxy.hits("generateToken") == 1

A glob starting with ``/`` must match the whole path; any other glob matches the tail after a ``/`` (as the demo
portal's own fault rules). Every request is logged in ``proxy.log`` as ``(method, path, fault or None)``.
"""

from __future__ import annotations

import asyncio
import fnmatch
import socket
import ssl
import struct
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import httpx
import trustme

FAULTS = ("reset_before", "reset_after", "status_5xx", "html_200", "truncate", "trickle", "hang")
# Host is passed on as the client sent it, so absolute URLs the portal builds (OAuth pages) point at the proxy too.
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-encoding", "content-length", "te", "trailer",
              "upgrade", "proxy-connection"}
GATEWAY_PAGE = b"<html><body><h1>504 Gateway Time-out</h1>The upstream server did not answer in time.</body></html>"
LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Sign in to the network</title></head><body>Accept the terms.</body>"


@dataclass
class _Armed:
    glob: str
    fault: str
    times: int | None


class FaultProxy:
    def __init__(self, upstream: str, upstream_ca: Path, workdir: Path, *, trickle_interval: float = 0.2,
                 hang_seconds: float = 120.0) -> None:
        self.upstream = upstream.rstrip("/")
        self.trickle_interval, self.hang_seconds = trickle_interval, hang_seconds
        workdir.mkdir(parents=True, exist_ok=True)
        ca = trustme.CA(organization_name="allsource-tui fault proxy")
        self.ca_path = workdir / "fault-proxy-ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_path))
        self._server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(self._server_context)
        self._upstream_ca = Path(upstream_ca)
        self._armed: list[_Armed] = []
        self._lock = threading.Lock()
        self.log: list[tuple[str, str, str | None]] = []
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    # --- control (any thread) -----------------------------------------------------------------------------------
    def inject(self, glob: str, fault: str, *, times: int | None = 1) -> None:
        """Break the next ``times`` requests matching ``glob`` (None: every one) at ``fault`` (see FAULTS)."""
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; one of {', '.join(FAULTS)}")
        with self._lock:
            self._armed = [a for a in self._armed if a.glob != glob] + [_Armed(glob, fault, times)]

    def clear(self) -> None:
        with self._lock:
            self._armed = []

    def armed(self) -> list[tuple[str, str, int | None]]:
        """The faults still waiting for their request (a cell whose fault never fired tested nothing)."""
        with self._lock:
            return [(a.glob, a.fault, a.times) for a in self._armed]

    def hits(self, glob: str) -> int:
        return sum(1 for _, path, _ in self.log if _matches(glob, path))

    def _take(self, path: str) -> str | None:
        with self._lock:
            for index, armed in enumerate(self._armed):
                if not _matches(armed.glob, path):
                    continue
                if armed.times is not None:
                    armed.times -= 1
                    if armed.times <= 0:
                        del self._armed[index]
                return armed.fault
        return None

    # --- running ------------------------------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=lambda: asyncio.run(self._serve()), name="fault-proxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the fault proxy did not start")

    def stop(self) -> None:
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def _serve(self) -> None:
        self._loop, self._stopping = asyncio.get_running_loop(), asyncio.Event()
        verify = ssl.create_default_context(cafile=str(self._upstream_ca))
        async with httpx.AsyncClient(verify=verify, timeout=30.0, follow_redirects=False) as upstream:
            self._upstream_client = upstream
            server = await asyncio.start_server(self._connection, "127.0.0.1", 0, ssl=self._server_context)
            self.port = server.sockets[0].getsockname()[1]
            self._ready.set()
            async with server:
                await self._stopping.wait()
                server.close()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while not reader.at_eof():
                request = await _read_request(reader)
                if request is None:
                    break
                if not await self._exchange(request, reader, writer):
                    break
        except (ConnectionError, ssl.SSLError, asyncio.IncompleteReadError, OSError):
            pass
        finally:
            if not writer.is_closing():
                writer.close()

    async def _exchange(self, request: _Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Forward one request and answer it, broken as armed; False when the connection must end."""
        fault = self._take(request.path)
        self.log.append((request.method, request.path, fault))
        if fault == "reset_before":
            _reset(writer)
            return False
        status, headers, body = await self._forward(request)
        if fault is None:
            writer.write(_response_bytes(status, headers, body))
        elif fault == "status_5xx":
            writer.write(_response_bytes(504, [("Content-Type", "text/html")], GATEWAY_PAGE))
        elif fault == "html_200":
            writer.write(_response_bytes(200, [("Content-Type", "text/html; charset=utf-8")], LOGIN_PAGE))
        elif fault == "truncate":
            whole = _response_bytes(status, headers, body)
            writer.write(whole[: len(whole) - max(1, len(body) // 2)])
            await writer.drain()
            _reset(writer)
            return False
        elif fault == "trickle":
            await self._trickle(_response_bytes(status, [*headers, ("Connection", "close")], body), writer)
            return False
        else:  # reset_after, hang
            if fault == "hang":
                await _wait_for_client_to_leave(reader, self.hang_seconds)
            _reset(writer)
            return False
        await writer.drain()
        return True

    async def _forward(self, request: _Request) -> tuple[int, list[tuple[str, str]], bytes]:
        headers = [(k, v) for k, v in request.headers if k.lower() not in HOP_BY_HOP]
        response = await self._upstream_client.request(request.method, self.upstream + request.target,
                                                       headers=headers, content=request.body)
        kept = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in HOP_BY_HOP | {"host"}]
        return response.status_code, kept, response.content

    async def _trickle(self, payload: bytes, writer: asyncio.StreamWriter) -> None:
        for index in range(len(payload)):
            writer.write(payload[index:index + 1])
            await writer.drain()
            await asyncio.sleep(self.trickle_interval)


@dataclass
class _Request:
    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:] if ":" in line]
    length = next((int(v) for k, v in headers if k.lower() == "content-length"), 0)
    body = await reader.readexactly(length) if length else b""
    return _Request(method, target, headers, body)  # type: ignore[arg-type]


def _response_bytes(status: int, headers: list[tuple[str, str]], body: bytes) -> bytes:
    reason = httpx.codes.get_reason_phrase(status) or "Unknown"
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers), f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST (SO_LINGER 0), not a clean TLS close: the way a middlebox drops a connection."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    writer.transport.abort()


async def _wait_for_client_to_leave(reader: asyncio.StreamReader, limit: float) -> None:
    try:
        await asyncio.wait_for(reader.read(), timeout=limit)
    except (TimeoutError, ConnectionError, ssl.SSLError, OSError):
        pass


def _matches(glob: str, path: str) -> bool:
    if glob.startswith("/"):
        return fnmatch.fnmatchcase(path, glob)
    return fnmatch.fnmatchcase(path, "*/" + glob) or fnmatch.fnmatchcase(path, glob)
