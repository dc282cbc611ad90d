"""The demo portal: a local HTTPS server speaking the ArcGIS REST API with demo accounts (README "The demo portal").

Self-contained: it imports nothing else of allsource-tui, so it can stand in for a real ArcGIS portal in tests and
demos. Public API: ``create_app`` (the Starlette app), ``DemoPortal`` (uvicorn runner), ``ACCOUNTS``,
``DEMO_PASSWORD``, ``accounts_of``/``org_of_path`` (who can sign in where), ``FaultInjector`` and ``RequestRecord``.
"""

from tui.demo_portal.accounts import ACCOUNTS, DEMO_PASSWORD, DemoAccount, accounts_of, org_of_path
from tui.demo_portal.app import create_app
from tui.demo_portal.context import RequestRecord
from tui.demo_portal.faults import FaultInjector, FaultRule
from tui.demo_portal.runner import DemoPortal

__all__ = ["ACCOUNTS", "DEMO_PASSWORD", "DemoAccount", "DemoPortal", "FaultInjector", "FaultRule", "RequestRecord",
           "accounts_of", "create_app", "org_of_path"]
