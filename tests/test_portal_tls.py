"""TP-TLS and TP-NET against a real TLS socket server on 127.0.0.1 (trustme CA), through build_http_client."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import ssl
import struct
import subprocess
import time
from pathlib import Path

import pytest
import trustme

from tests.test_portal_support import REFERER, Sleeps
from tui.core.clock import SystemClock
from tui.core.errors import ConfigError, PortalTLSError, PortalUnreachable
from tui.core.settings import NetworkSettings
from tui.portal import PortalClient, build_http_client, build_ssl_context

INFO = json.dumps({"authInfo": {"isTokenBasedSecurity": True}}).encode()
NETWORK = NetworkSettings(connect_timeout=3, read_timeout=3, write_timeout=3, pool_timeout=3)


class TinyHttpsServer:
    """One JSON answer per connection; ``mode`` "ok", "reset" (RST mid-answer) or "silent" (never answers)."""

    def __init__(self, context: ssl.SSLContext, mode: str = "ok") -> None:
        self.context, self.mode, self.requests = context, mode, 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> TinyHttpsServer:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0, ssl=self.context)
        return self

    async def __aexit__(self, *exc_info) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"https://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/portal"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), 0)
            await reader.readexactly(length)
            self.requests += 1
            if self.mode == "silent":
                await asyncio.sleep(30)
            elif self.mode == "reset":
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"auth")
                await writer.drain()
                writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                                           struct.pack("ii", 1, 0))
                writer.transport.abort()
                return
            else:
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain;charset=utf-8\r\nConnection: close\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(INFO), INFO))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError, asyncio.CancelledError):
            pass
        writer.close()


class ConnectProxy:
    """A CONNECT-only HTTP proxy on 127.0.0.1 that counts the tunnels it opens (TP-PROXY)."""

    def __init__(self) -> None:
        self.tunnels = 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> ConnectProxy:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc_info) -> None:
        assert self._server is not None
        self._server.close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            method, target = head.split(b" ")[:2]
            assert method == b"CONNECT"
            host, port = target.decode().rsplit(":", 1)
            up_reader, up_writer = await asyncio.open_connection(host, int(port))
            self.tunnels += 1
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        except (asyncio.IncompleteReadError, ConnectionError, AssertionError):
            writer.close()


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while chunk := await source.read(65536):
            sink.write(chunk)
            await sink.drain()
    except ConnectionError:
        pass
    finally:
        sink.close()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_pem(ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def server_context(ca: trustme.CA, host: str = "127.0.0.1") -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(host).configure_cert(context)
    return context


async def fetch_info(url: str, network: NetworkSettings, **client_options) -> dict:
    async with build_http_client(network) as http:
        client = PortalClient(url, http, referer=REFERER, clock=SystemClock(), **client_options)
        return await client.info()


async def outcome(url: str, network: NetworkSettings) -> str:
    try:
        await fetch_info(url, network)
        return "ok"
    except PortalTLSError:
        return "tls-error"


def hashed_cert_dir(ca_pem: Path, tmp_path: Path) -> Path | None:
    """An OpenSSL CA directory (``<subject hash>.0``) or None when the openssl tool is missing."""
    if shutil.which("openssl") is None:
        return None
    digest = subprocess.run(["openssl", "x509", "-hash", "-noout", "-in", str(ca_pem)], capture_output=True,
                            text=True, check=True).stdout.strip()
    directory = tmp_path / "certs"
    directory.mkdir()
    shutil.copy(ca_pem, directory / f"{digest}.0")
    return directory


async def test_tp_tls(ca: trustme.CA, ca_pem: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cert_dir = hashed_cert_dir(ca_pem, tmp_path)
    async with TinyHttpsServer(server_context(ca)) as server:
        untrusted = await outcome(server.url, NETWORK)
        with pytest.raises(PortalTLSError) as caught:
            await fetch_info(server.url, NETWORK)
        results = {"ca_bundle": await outcome(server.url, NETWORK._replace(ca_bundle=ca_pem))}
        monkeypatch.setenv("SSL_CERT_FILE", str(ca_pem))
        results["SSL_CERT_FILE"] = await outcome(server.url, NETWORK)
        monkeypatch.delenv("SSL_CERT_FILE")
        if cert_dir is not None:
            monkeypatch.setenv("SSL_CERT_DIR", str(cert_dir))
            results["SSL_CERT_DIR"] = await outcome(server.url, NETWORK)
            monkeypatch.delenv("SSL_CERT_DIR")
        insecure = await outcome(server.url, NETWORK._replace(verify_tls=False))
    good = sum(value == "ok" for value in results.values())
    print(f"TP-TLS: {int(untrusted == 'ok')} successes against untrusted cert without opt-in; "
          f"{good}/{len(results)} succeed ({', '.join(results)}); explicit insecure flag: {insecure}")
    assert untrusted == "tls-error" and good == len(results) >= 2 and insecure == "ok"
    message = caught.value.message
    assert "127.0.0.1" in message and "not trusted" in message
    assert "set ca_bundle in config.toml or SSL_CERT_FILE" in message and "https://" not in message


async def test_openssl_default_paths_honour_ssl_cert_file(ca: trustme.CA, ca_pem: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The finding behind build_ssl_context: create_default_context() alone already reads SSL_CERT_FILE."""
    async with TinyHttpsServer(server_context(ca)) as server:
        port = int(server.url.split(":")[2].split("/")[0])
        monkeypatch.setenv("SSL_CERT_FILE", str(ca_pem))
        _reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=ssl.create_default_context())
        writer.close()
        monkeypatch.delenv("SSL_CERT_FILE")
        with pytest.raises(ssl.SSLCertVerificationError):
            await asyncio.open_connection("127.0.0.1", port, ssl=ssl.create_default_context())


async def test_wrong_host_name_is_a_tls_error_even_with_the_ca(ca: trustme.CA, ca_pem: Path) -> None:
    async with TinyHttpsServer(server_context(ca, host="other.example")) as server:
        with pytest.raises(PortalTLSError) as caught:
            await fetch_info(server.url, NETWORK._replace(ca_bundle=ca_pem))
    assert "not trusted" in caught.value.message


@pytest.mark.parametrize("where", ["ca_bundle", "SSL_CERT_FILE"])
def test_unreadable_trust_files_are_config_errors(where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "nope.pem"
    network = NetworkSettings(ca_bundle=missing) if where == "ca_bundle" else NetworkSettings()
    if where == "SSL_CERT_FILE":
        monkeypatch.setenv("SSL_CERT_FILE", str(missing))
    with pytest.raises(ConfigError) as caught:
        build_ssl_context(network)
    assert where in caught.value.message and str(missing) in caught.value.message


async def test_reset_mid_answer_get_retried_post_not(ca: trustme.CA, ca_pem: Path) -> None:
    network = NETWORK._replace(ca_bundle=ca_pem)
    async with TinyHttpsServer(server_context(ca), mode="reset") as server, build_http_client(network) as http:
        client = PortalClient(server.url, http, referer=REFERER, sleep=Sleeps())
        with pytest.raises(PortalUnreachable):
            await client.info()
        gets = server.requests
        with pytest.raises(PortalUnreachable) as caught:
            await client.generate_token("u", "password-1", expiration_minutes=60)
        posts = server.requests - gets
    print(f"TP-NET RST mid-body: GET server count = {gets}; POST generateToken server count = {posts}")
    assert (gets, posts) == (4, 1) and "Could not reach 127.0.0.1" in caught.value.message


async def test_silent_server_fails_within_the_read_timeout(ca: trustme.CA, ca_pem: Path) -> None:
    network = NETWORK._replace(ca_bundle=ca_pem, read_timeout=0.2)
    durations = []
    async with TinyHttpsServer(server_context(ca), mode="silent") as server, build_http_client(network) as http:
        client = PortalClient(server.url, http, referer=REFERER, sleep=Sleeps())
        for _ in range(10):
            started = time.monotonic()
            with pytest.raises(PortalUnreachable) as caught:
                await client.generate_token("u", "password-1", expiration_minutes=60)
            durations.append(time.monotonic() - started)
    p95 = sorted(durations)[int(len(durations) * 0.95) - 1]
    print(f"TP-NET slow: POST fails in p95 {p95:.2f} s with read timeout 0.2 s ({server.requests} requests)")
    assert p95 <= 0.2 + 1.0 and server.requests == 10 and "did not answer in time" in caught.value.message


async def test_tp_proxy_env_no_proxy_and_explicit_setting(ca: trustme.CA, ca_pem: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    network = NETWORK._replace(ca_bundle=ca_pem)
    async with TinyHttpsServer(server_context(ca)) as server, ConnectProxy() as proxy:
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        await fetch_info(server.url, network)
        via_env = proxy.tunnels
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        await fetch_info(server.url, network)
        with_no_proxy = proxy.tunnels - via_env
        monkeypatch.delenv("HTTPS_PROXY")
        monkeypatch.delenv("NO_PROXY")
        await fetch_info(server.url, network._replace(proxy=proxy.url))
        via_setting = proxy.tunnels - via_env - with_no_proxy
    print(f"TP-PROXY: HTTPS_PROXY {via_env}/1 via proxy, NO_PROXY match {with_no_proxy} via proxy, "
          f"proxy setting {via_setting}/1 via proxy")
    assert (via_env, with_no_proxy, via_setting) == (1, 0, 1)
