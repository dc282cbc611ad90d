"""PortalBase: how every portal call is sent — f=json, Referer, the token header, retries, logging, error typing.

Rules enforced here (docs/reliability.md, X-1, X-5, X-6, N-4): a token goes only in the ``X-Esri-Authorization`` header,
or in the POST body where an API demands it; never in a URL. Debug log lines carry the method and path only.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import quote

import httpx

from tui.core.clock import Clock, SystemClock
from tui.core.errors import PortalUnreachable, UnexpectedResponse
from tui.core.secret import Secret
from tui.portal.envelope import error_from_transport, parse_answer
from tui.portal.http import RetryPolicy, retry_after_seconds, server_date
from tui.portal.models import Malformed

log = logging.getLogger("tui.portal")
T = TypeVar("T")
Sleep = Callable[[float], Awaitable[object]]
TOKEN_HEADER = "X-Esri-Authorization"
DEADLINE_SECONDS = 60.0  # one portal operation, retries and a trickling answer included (issue 16 finding 6)
PAGE_SIZE = 100
MAX_PAGES = 100  # 10,000 entries: the portal's own observed cap on userEntitlements lists


@dataclass(frozen=True)
class Answer:
    """A parsed answer plus the times needed for expiry arithmetic (T-1)."""

    body: dict
    server_date: float | None  # the response's Date header, epoch s
    received_at: float  # local clock.now() when the answer arrived


def segment(value: str) -> str:
    """One URL path segment (usernames may hold '@', spaces or '/')."""
    return quote(value, safe="")


class PortalBase:
    def __init__(self, portal_url: str, http: httpx.AsyncClient, *, referer: str, clock: Clock | None = None,
                 max_retries: int = 3, backoff_base: float = 0.5, sleep: Sleep = asyncio.sleep,
                 deadline: float = DEADLINE_SECONDS) -> None:
        self.portal_url = portal_url.rstrip("/")
        self.root = self.portal_url + "/sharing/rest"
        self.referer = referer
        self.clock: Clock = clock or SystemClock()
        self._http = http
        self._policy = RetryPolicy(max_retries=max(0, max_retries), backoff_base=backoff_base)
        self._sleep = sleep
        self.deadline = deadline
        url = httpx.URL(self.portal_url)
        self.host = url.host + (f":{url.port}" if url.port else "")

    # --- the verbs the endpoint modules use ---------------------------------------------------------------------------
    async def get(self, path: str, *, token: Secret | None = None, params: Mapping[str, str] | None = None) -> dict:
        """GET a resource under [root]: idempotent, so 5xx, timeouts and resets are retried."""
        answer = await self.send("GET", f"{self.root}/{path}", token=token, fields=params, idempotent=True)
        return answer.body

    async def post(self, path: str, *, token: Secret | None = None, data: Mapping[str, str] | None = None,
                   idempotent: bool = False) -> dict:
        """POST an operation under [root]; retried only on connect errors unless ``idempotent``."""
        answer = await self.send("POST", f"{self.root}/{path}", token=token, fields=data, idempotent=idempotent)
        return answer.body

    async def send(self, method: str, url: str, *, token: Secret | None = None, fields: Mapping[str, str] | None = None,
                   idempotent: bool, token_in_body: bool = False) -> Answer:
        """One call with f=json and the Referer header; ``token_in_body`` for APIs that demand it (portaladmin)."""
        values = {**(fields or {}), "f": "json"}
        headers = {"Referer": self.referer, "Accept": "application/json"}
        if token is not None and token_in_body:
            values["token"] = token.reveal()
        elif token is not None:
            headers[TOKEN_HEADER] = f"Bearer {token.reveal()}"
        def build() -> httpx.Request:
            if method == "GET":
                return self._http.build_request("GET", url, params=values, headers=headers)
            return self._http.build_request(method, url, data=values, headers=headers)

        response = await self._within_deadline(self._send_with_retries(method, build, idempotent=idempotent))
        received_at = self.clock.now()
        return Answer(body=parse_answer(response, self.host), server_date=server_date(response),
                      received_at=received_at)

    def parse(self, parser: Callable[..., T], data: object, *args: object) -> T:
        """Run a models parser; a missing field becomes UnexpectedResponse naming this portal."""
        if not isinstance(data, dict):
            raise UnexpectedResponse(f"{self.host} sent an answer of the wrong shape; it did not answer like an "
                                     "ArcGIS portal.")
        try:
            return parser(data, *args)
        except Malformed as missing:
            raise UnexpectedResponse(f"{self.host}'s answer lacks the field '{missing.args[0]}'; it did not answer "
                                     "like an ArcGIS portal.") from None

    # --- paging (docs/portal-protocol.md, "Conventions": start is 1-based, nextStart -1 at the end) -------------
    async def paged(self, path: str, key: str, token: Secret, params: dict[str, str] | None = None) -> list[dict]:
        """Every entry of a paged list, following ``nextStart`` for at most MAX_PAGES pages."""
        rows: list[dict] = []
        start = 1
        for _ in range(MAX_PAGES):
            body = await self.get(path, token=token, params={**(params or {}), "start": str(start),
                                                               "num": str(PAGE_SIZE)})
            page = body.get(key)
            if not isinstance(page, list):
                raise UnexpectedResponse(f"{self.host}'s answer has no '{key}' list; it did not answer like an "
                                         "ArcGIS portal.")
            rows.extend(row for row in page if isinstance(row, dict))
            next_start = body.get("nextStart")
            if not isinstance(next_start, int) or isinstance(next_start, bool) or next_start <= start:
                return rows
            start = next_start
        return rows

    async def _within_deadline(self, sending: Awaitable[httpx.Response]) -> httpx.Response:
        """The per-phase httpx timeouts restart with every byte, so a portal that trickles an answer (or retries that
        keep failing slowly) could hold a command for ever: the whole operation ends at ``deadline`` seconds."""
        try:
            async with asyncio.timeout(self.deadline):
                return await sending
        except TimeoutError:
            raise PortalUnreachable(f"Could not reach {self.host}: the portal did not answer within "
                                    f"{self.deadline:g} seconds. Check the URL and your network or proxy.") from None

    # --- retries ----------------------------------------------------------------------------------------------------
    async def _send_with_retries(self, method: str, build: Callable[[], httpx.Request], *,
                                 idempotent: bool) -> httpx.Response:
        slept = 0.0
        for attempt in itertools.count():
            request = build()
            log.debug("%s %s", method, request.url.path)
            response: httpx.Response | None = None
            failure: httpx.TransportError | None = None
            try:
                response = await self._http.send(request)
            except httpx.TransportError as error:
                failure = error
            delay = self._retry_delay(response, failure, attempt=attempt, idempotent=idempotent)
            if delay is None or slept + delay > self._policy.budget:
                if failure is not None:
                    raise error_from_transport(failure, self.host) from None
                assert response is not None
                return response
            reason = f"HTTP {response.status_code}" if response is not None else type(failure).__name__
            log.debug("retrying %s %s after %s in %.2f s", method, request.url.path, reason, delay)
            slept += delay
            await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _retry_delay(self, response: httpx.Response | None, failure: httpx.TransportError | None, *,
                     attempt: int, idempotent: bool) -> float | None:
        """Seconds to wait before the next attempt, or None when this outcome is final."""
        policy = self._policy
        if failure is not None:
            retry = policy.should_retry_exception(failure, attempt=attempt, idempotent=idempotent)
            return policy.delay(attempt) if retry else None
        assert response is not None
        if not policy.should_retry_status(response.status_code, attempt=attempt, idempotent=idempotent):
            return None
        return policy.delay(attempt, retry_after_seconds(response, self.clock.now()))


# The operation groups (OAuth, offline, admin) are mixins of PortalClient, which puts PortalBase last among its bases.
# For the type checker a mixin is a PortalBase (so its calls of ``self.post`` etc. are checked); at run time it is a
# plain class, so no class chain is deeper than PortalClient → PortalBase.
if TYPE_CHECKING:
    PortalCalls = PortalBase
else:
    PortalCalls = object
