"""``create_app``: the demo portal as a Starlette app, with an ArcGIS-style router for each organisation.

Online-style org at ``/``, Enterprise-style org at ``/portal`` (web adaptor ``portal``); each has its own
``/sharing/rest/…`` tree. Under ``sharing/rest`` the router answers as ArcGIS does, with envelopes in HTTP 200:
unknown path ⇒ code 400 "Invalid URL"; GET on a POST-only operation ⇒ code 405 ``GWM_0005``; no token where one is
needed ⇒ 499; a bad one ⇒ 498; a JSON resource asked without ``f=json`` ⇒ an HTML page (ArcGIS's default format).
"""

from __future__ import annotations

import re
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from tui.demo_portal import admin, oauth, offline_ops, org_admin, rules, sharing_auth, sharing_resources
from tui.demo_portal.accounts import ENTERPRISE, ONLINE, Org
from tui.demo_portal.context import Call, ClockLike, DemoState, Endpoint, SystemClock, read_params
from tui.demo_portal.envelopes import (
    ApiError,
    html_format_page,
    html_response,
    invalid_url,
    json_response,
    method_not_supported,
)
from tui.demo_portal.middleware import DemoMiddleware, faults_control
from tui.demo_portal.store import DemoStore

METHODS = ["GET", "POST"]
_ENDPOINTS = [(re.compile(endpoint.pattern, re.IGNORECASE), endpoint)
              for module in (sharing_auth, sharing_resources, admin, org_admin, offline_ops, oauth)
              for endpoint in module.ENDPOINTS]


class DemoPortalApp(Starlette):
    """Starlette with the demo middleware OUTSIDE Starlette's own stack, so it gets uvicorn's raw ``send`` (needed to
    reset a connection) and sees every request first."""

    def build_middleware_stack(self):  # Starlette's ASGI app type
        return DemoMiddleware(super().build_middleware_stack(), self.state.demo)


def create_app(data_dir: Path, *, allow_offline_enterprise: bool = False, clock: ClockLike | None = None) -> Starlette:
    """The demo portal keeping its state in ``data_dir``; ``app.state.demo`` exposes faults, request_log and store.

    ``allow_offline_enterprise`` lets members of the Enterprise org take licenses offline from the start; without
    it the Enterprise org keeps its stored setting (prevented unless ``ent_admin`` allowed it).
    """
    store = DemoStore(Path(data_dir))
    if allow_offline_enterprise:
        with store.transaction() as state:
            _, max_duration = rules.disconnect_settings(state, ENTERPRISE)
            rules.set_disconnect_settings(state, ENTERPRISE, True, max_duration)
    demo = DemoState(store=store, clock=clock or SystemClock())
    demo.oauth = oauth.PendingSignIns()
    routes = [Route("/__demo__/faults", faults_control, methods=METHODS),
              *_org_routes(ENTERPRISE), *_org_routes(ONLINE)]
    app = DemoPortalApp(routes=routes)
    app.state.demo = demo
    return app


def _org_routes(org: Org) -> list[Route]:
    prefix = org.prefix
    routes = [Route(f"{prefix}/sharing/rest/{{rest:path}}", _dispatcher(org), methods=METHODS),
              Route(f"{prefix}/sharing/rest", _dispatcher(org, ""), methods=METHODS),
              Route(f"{prefix}/sharing/oauth2/signin", _dispatcher(org, "oauth2/signin"), methods=METHODS)]
    routes += [Route(f"{prefix}{path}", _dispatcher(org, "info"), methods=METHODS)
               for path in ("/info", "/rest/info", "/sharing/info")]
    routes += [Route(path, _home_page(org), methods=["GET"]) for path in (f"{prefix}/home", prefix or "/")]
    if org.is_portal:
        routes.append(Route(f"{prefix}/portaladmin/license/releaseLicense", admin.release_license, methods=METHODS))
    return routes


def _dispatcher(org: Org, fixed_path: str | None = None):  # a Starlette endpoint
    async def endpoint(request: Request) -> Response:
        path = fixed_path if fixed_path is not None else request.path_params["rest"]
        return await dispatch(request, org, path)

    return endpoint


def resolve(path: str) -> tuple[Endpoint | None, dict[str, str]]:
    """The endpoint for a path under ``sharing/rest`` and its captured parts (username, item id)."""
    trimmed = path.strip("/")
    for regex, endpoint in _ENDPOINTS:
        match = regex.fullmatch(trimmed)
        if match:
            return endpoint, match.groupdict()
    return None, {}


async def dispatch(request: Request, org: Org, path: str) -> Response:
    online = not org.is_portal
    endpoint, captures = resolve(path)
    try:
        if endpoint is None:
            raise invalid_url()
        if request.method not in endpoint.methods and not (request.method == "HEAD" and "GET" in endpoint.methods):
            raise method_not_supported()
        query, form = await read_params(request)
        call = Call(demo=request.app.state.demo, org=org, request=request, query=query, form=form, captures=captures)
        if endpoint.json_only and call.param("f").lower() not in ("json", "pjson"):
            return html_format_page()
        if endpoint.auth != "none":
            call.authenticate(required=endpoint.auth == "required")
        result = await endpoint.handler(call)
    except ApiError as error:
        return json_response(error.body(), online=online, status_code=error.http_status)
    except ClientDisconnect:  # the client left while sending its request: nobody to answer
        return Response(status_code=400)
    return result if isinstance(result, Response) else json_response(result, online=online)


def _home_page(org: Org):  # a Starlette endpoint
    async def endpoint(request: Request) -> Response:
        return html_response(f"<!DOCTYPE html><html><head><title>{org.name}</title></head><body>"
                             f"<h1>{org.name}</h1><p>The allsource-tui demo portal: an ArcGIS REST API with demo "
                             "accounts, for trying and testing allsource-tui.</p></body></html>")

    return endpoint
