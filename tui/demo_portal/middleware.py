"""The outermost ASGI layer: logs every request, then applies the fault rules before routing.

A reset closes the TCP connection without an answer (SO_LINGER 0 ⇒ RST) through the transport uvicorn hands us;
under httpx's in-process ASGITransport there is no socket, so it raises ``httpx.ReadError`` — what a client sees
when a real server resets. A hang waits until the client goes away (or ``FaultInjector.hang_seconds``).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import ipaddress
import json
import socket
import struct
import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tui.demo_portal.context import DemoState, RequestRecord
from tui.demo_portal.envelopes import invalid_token, json_response
from tui.demo_portal.faults import FaultRule

CONTROL_PREFIX = "/__demo__/"


class DemoMiddleware:
    def __init__(self, app: ASGIApp, demo: DemoState) -> None:
        self.app, self.demo = app, demo

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        self.demo.log_request(_record(scope))
        rule = self.demo.faults.take(scope["path"])
        dated = send
        if self.demo.date_header or (rule is not None and rule.date_skew):
            dated = _dated(send, rule.date_skew if rule is not None else 0.0)
        if rule is not None:  # a reset needs uvicorn's own ``send``: it reaches the socket through it
            receive, answered = await self._apply(rule, scope, receive, send if rule.reset else dated)
            if answered:
                return
        await self.app(scope, receive, dated)

    async def _apply(self, rule: FaultRule, scope: Scope, receive: Receive, send: Send) -> tuple[Receive, bool]:
        """Run the fault; True when it answered (or dropped) the request so routing must not run.

        Before a delay the request body is read in full, so a request whose client gave up during the delay is still
        processed afterwards — as a real server would, not knowing the client left.
        """
        if rule.latency:
            receive = await _buffered(receive)
            await asyncio.sleep(rule.latency)
        if rule.reset:
            await _reset_connection(send)
        elif rule.hang:
            await _hang(receive, self.demo.faults.hang_seconds)
        elif rule.error_498:
            await json_response(invalid_token().body(), online=True)(scope, receive, send)
        elif rule.status is not None:
            text = f"{rule.status} (fault injected by the allsource-tui demo portal)\n"
            await Response(text, status_code=rule.status, media_type="text/plain")(scope, receive, send)
        return receive, rule.ends_request


def _dated(send: Send, skew: float) -> Send:
    """``send`` that gives the answer a Date header ``skew`` seconds off this computer's clock (one header only)."""
    async def send_dated(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
            stamp = email.utils.formatdate(time.time() + skew, usegmt=True).encode("latin-1")
            message = {**message, "headers": [*headers, (b"date", stamp)]}
        await send(message)

    return send_dated


async def _buffered(receive: Receive) -> Receive:
    """Read the whole request body now; the returned ``receive`` replays it, then defers to the real one."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body"):
            break

    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    return replay


def _record(scope: Scope) -> RequestRecord:
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
    return RequestRecord(method=scope["method"], path=scope["path"],
                         query=scope.get("query_string", b"").decode("latin-1"), headers=headers)


async def _reset_connection(send: Send) -> None:
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        import httpx  # only in-process (ASGITransport) runs get here

        raise httpx.ReadError("connection reset by the demo portal (injected fault)")
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    await asyncio.sleep(0.05)  # let the server notice the closed connection before the app returns


async def _hang(receive: Receive, seconds: float) -> None:
    async def until_disconnect() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(until_disconnect(), timeout=seconds)


async def faults_control(request: Request) -> Response:
    """GET: the active rules. POST (JSON): ``{"clear": true}``, ``{"spec": "…"}``, a rule object or a list.
    Loopback callers only, so a demo portal started elsewhere can be driven by its own machine only."""
    if not _is_loopback(request.client.host if request.client else ""):
        return JSONResponse({"error": "the fault control endpoint only answers loopback callers"}, status_code=403)
    faults = request.app.state.demo.faults
    if request.method == "POST":
        try:
            faults.apply_json(json.loads(await request.body() or b"null"))
        except (ValueError, TypeError) as error:
            return JSONResponse({"error": str(error)}, status_code=400)
    return JSONResponse({"rules": [rule.to_json() for rule in faults.rules]})


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
