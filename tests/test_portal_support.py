"""Helpers of the tests/test_portal_*.py files: a scripted fake portal on httpx.MockTransport (no tests here)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path
from urllib.parse import parse_qs

import httpx

from tui.core.clock import FakeClock
from tui.core.settings import NetworkSettings
from tui.portal import PortalClient, build_http_client

FIXTURES = Path(__file__).parent / "fixtures" / "arcgis"  # example ArcGIS answers (see its README.md)
PORTAL_URL = "https://portal.test/portal"
ROOT = PORTAL_URL + "/sharing/rest"
REFERER = "allsource-tui:0123456789abcdef0123456789abcdef"
ARCGIS_CONTENT_TYPE = "text/plain;charset=utf-8"  # how ArcGIS Online labels its JSON

Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def arcgis(body: object, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    """A response labelled like ArcGIS Online does (JSON body, text/plain content-type)."""
    return httpx.Response(status, content=json.dumps(body).encode(),
                          headers={"content-type": ARCGIS_CONTENT_TYPE, **(headers or {})})


def http_date(epoch: float) -> str:
    return formatdate(epoch, usegmt=True)


@dataclass
class FakePortal:
    """Answers by (method, path suffix); each route replays its replies in order, repeating the last one."""

    routes: dict[tuple[str, str], list[Reply]] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)

    def on(self, method: str, suffix: str, *replies: Reply) -> FakePortal:
        self.routes[(method, suffix)] = list(replies)
        return self

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        for (method, suffix), replies in self.routes.items():
            if request.method == method and request.url.path.endswith(suffix):
                reply = replies.pop(0) if len(replies) > 1 else replies[0]
                if isinstance(reply, Exception):
                    raise reply
                return reply(request) if callable(reply) and not isinstance(reply, httpx.Response) else reply
        return httpx.Response(404, text="<html>Not Found</html>", headers={"content-type": "text/html"})

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)

    def count(self, suffix: str) -> int:
        return sum(1 for request in self.requests if request.url.path.endswith(suffix))


def form(request: httpx.Request) -> dict[str, str]:
    """The decoded form body of a POST."""
    return {key: values[-1] for key, values in parse_qs(request.content.decode(), keep_blank_values=True).items()}


class Sleeps(list):
    """An injected ``sleep`` that records the delays instead of waiting."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_client(fake: FakePortal, *, clock: FakeClock | None = None, max_retries: int = 3,
                sleeps: Sleeps | None = None, network: NetworkSettings | None = None) -> PortalClient:
    http = build_http_client(network or NetworkSettings(), transport=fake.transport)
    return PortalClient(PORTAL_URL, http, referer=REFERER, clock=clock or FakeClock(), max_retries=max_retries,
                        sleep=sleeps if sleeps is not None else Sleeps())
