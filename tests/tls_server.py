"""A tiny HTTPS server on 127.0.0.1 for tests, serving one certificate (e.g. for another host name, or expired).

It completes the TLS handshake when the client accepts the certificate and answers every request with a small
ArcGIS-like JSON body; a handshake the client refuses simply ends the connection. Loopback only.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading

import trustme

ANSWER = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")


class TlsServer:
    def __init__(self, cert: trustme.LeafCert) -> None:
        self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(self._context)
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def start(self) -> TlsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        with (contextlib.suppress(OSError, ssl.SSLError), conn,
              self._context.wrap_socket(conn, server_side=True) as tls):
            tls.recv(65536)
            tls.sendall(ANSWER)
