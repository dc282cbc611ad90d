"""What every handler gets: the demo portal's shared parts (``DemoState``) and one request (``Call``)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol
from urllib.parse import parse_qsl

from starlette.requests import Request

from tui.demo_portal import tokens
from tui.demo_portal.accounts import DemoAccount, Org, find_account
from tui.demo_portal.envelopes import invalid_token, token_required
from tui.demo_portal.faults import FaultInjector
from tui.demo_portal.store import DemoStore

REQUEST_LOG_LIMIT = 10_000


class ClockLike(Protocol):
    def now(self) -> float: ...


class SystemClock:
    def now(self) -> float:
        return time.time()


class RequestRecord(NamedTuple):
    """One request as the portal saw it; ``headers`` has lower-case names (tokens in headers are kept as-is)."""

    method: str
    path: str
    query: str
    headers: dict[str, str]


@dataclass
class DemoState:
    """``app.state.demo``: the store, the fault injector, the request log and the clock."""

    store: DemoStore
    faults: FaultInjector = field(default_factory=FaultInjector)
    request_log: list[RequestRecord] = field(default_factory=list)
    clock: ClockLike = field(default_factory=SystemClock)
    oauth: Any = None  # tui.demo_portal.oauth.PendingSignIns, set by create_app
    date_header: bool = False  # the middleware writes the Date header (over HTTPS, instead of uvicorn)

    def now(self) -> float:
        return float(self.clock.now())

    def log_request(self, record: RequestRecord) -> None:
        self.request_log.append(record)
        if len(self.request_log) > REQUEST_LOG_LIMIT:
            del self.request_log[: len(self.request_log) - REQUEST_LOG_LIMIT]


@dataclass
class Call:
    """One request to an organisation's REST tree, with its parameters and (when given) its verified token."""

    demo: DemoState
    org: Org
    request: Request
    query: dict[str, str]
    form: dict[str, str]
    captures: dict[str, str]
    auth: tokens.TokenInfo | None = None
    account: DemoAccount | None = None

    def param(self, name: str, default: str = "") -> str:
        """A parameter from the form body, else the query string (ArcGIS accepts either)."""
        return self.form.get(name, self.query.get(name, default))

    @property
    def host(self) -> str:
        """host[:port] as the client addressed us, so every URL we hand out works for that client."""
        return self.request.headers.get("host") or self.request.url.netloc

    @property
    def base_url(self) -> str:
        return f"https://{self.host}{self.org.prefix}"

    @property
    def root(self) -> str:
        return f"{self.base_url}/sharing/rest"

    @property
    def referer(self) -> str:
        return self.request.headers.get("referer", "")

    @property
    def client_ip(self) -> str:
        client = self.request.client
        return client.host if client else "unknown"

    def require_account(self) -> DemoAccount:
        if self.account is None:
            raise token_required()
        return self.account

    def require_auth(self) -> tokens.TokenInfo:
        """The verified token of a call whose endpoint requires one."""
        if self.auth is None:
            raise token_required()
        return self.auth

    def authenticate(self, required: bool) -> None:
        """Check the request's token: none ⇒ 499 when required; unknown, expired, revoked, of another org, a refresh
        token, or a referer-bound token without its Referer ⇒ 498."""
        token = tokens.bearer_token(self.request.headers, self.form, self.query)
        if token is None:
            if required:
                raise token_required()
            return
        with self.demo.store.reading() as state:
            info = tokens.lookup(state, token, self.demo.now())
        if info is None or info.org != self.org.key or info.kind == tokens.KIND_REFRESH:
            raise invalid_token()
        if info.referer is not None and info.referer != self.referer:
            raise invalid_token()
        account = find_account(self.org, info.username)
        if account is None:
            raise invalid_token()
        self.auth, self.account = info, account


async def read_params(request: Request) -> tuple[dict[str, str], dict[str, str]]:
    """(query, form) of a request; the form is read from an x-www-form-urlencoded body (the last value wins).

    Parsed here rather than with ``request.form()`` so the demo portal needs no multipart library.
    """
    query = dict(request.query_params)
    form: dict[str, str] = {}
    if request.method == "POST":
        content_type = request.headers.get("content-type", "")
        body = await request.body()
        if body and (not content_type or "x-www-form-urlencoded" in content_type):
            form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return query, form


Handler = Callable[[Call], Awaitable[Any]]


@dataclass(frozen=True)
class Endpoint:
    """One operation or resource under ``[root]`` = ``<org>/sharing/rest``.

    ``pattern`` is a regular expression over the path after ``sharing/rest/`` with named groups; ``auth`` is
    ``none`` (token ignored), ``optional`` (checked when given) or ``required``; ``json_only`` endpoints answer an HTML
    page without ``f=json``, as ArcGIS does.
    """

    pattern: str
    handler: Handler
    methods: frozenset[str] = frozenset({"GET", "POST"})
    auth: str = "required"
    json_only: bool = True
