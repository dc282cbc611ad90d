"""Demo portal: fault injection (latency, HTTP status, reset, hang, 498), its CLI form and control endpoint, and the
request log."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from tui.demo_portal import FaultInjector, create_app
from tui.demo_portal.faults import FaultRule
from tui.demo_portal.testing import DemoClient


@pytest.fixture
def app(tmp_path):
    return create_app(tmp_path / "portal")


@pytest.fixture
def faults(app) -> FaultInjector:
    return app.state.demo.faults


async def test_latency_delays_only_the_matching_path(app, faults):
    faults.set("portals/self", latency=0.2)
    async with DemoClient(app) as client:
        started = time.monotonic()
        answer = await client.get("portals/self")
        slow = time.monotonic() - started
        started = time.monotonic()
        await client.get("info")
        fast = time.monotonic() - started
    print(f"latency fault: matching path {slow:.3f} s, other path {fast:.3f} s")
    assert answer["portalName"] and slow >= 0.2 and fast < slow  # only the matching path is delayed


async def test_status_fault_for_a_number_of_times_then_normal(app, faults):
    faults.set("generateToken", status=503, times=2)
    async with DemoClient(app) as client:
        statuses = []
        for _ in range(3):
            response = await client.http.post(f"{client.root}/generateToken",
                                              data={"username": "pro_adv", "password": "allsource-demo",
                                                    "client": "referer", "referer": client.computer, "f": "json"})
            statuses.append(response.status_code)
    assert statuses == [503, 503, 200]
    assert "token" in response.json() and faults.rules == []


async def test_reset_raises_a_transport_error_in_process(app, faults):
    faults.set("community/self", reset=True, times=1)
    async with DemoClient(app) as client:
        token = await client.token("pro_adv")
        with pytest.raises(httpx.TransportError):
            await client.get("community/self", token)
        assert (await client.get("community/self", token))["username"] == "pro_adv"


async def test_error_498_fault_answers_the_invalid_token_envelope(app, faults):
    faults.set("/portal/sharing/rest/community/self", error_498=True)
    async with DemoClient(app, enterprise=True) as enterprise, DemoClient(app) as online:
        hit = await enterprise.get("community/self", await enterprise.token("ent_user"))
        untouched = await online.get("community/self", await online.token("pro_adv"))
    assert hit == {"error": {"code": 498, "message": "Invalid token.", "details": []}}
    assert untouched["username"] == "pro_adv"


async def test_hang_never_answers(app, faults):
    faults.set("portals/self", hang=True)
    async with DemoClient(app) as client:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(client.get("portals/self"), timeout=0.3)


def test_parse_the_cli_form():
    rules = FaultInjector.parse("generateToken:latency=0.2,times=3; content/listings/*/allsourceTui*:reset;"
                                "portals/self:status=503 ; community/self:498,hang")
    assert rules == [FaultRule("generateToken", latency=0.2, times=3),
                     FaultRule("content/listings/*/allsourceTui*", reset=True),
                     FaultRule("portals/self", status=503),
                     FaultRule("community/self", error_498=True, hang=True)]
    for bad in ("generateToken", "generateToken:latency=x", "x:colour=red", "x:status=42", ":reset", "x:times=0"):
        with pytest.raises(ValueError):
            FaultInjector.parse(bad)


def test_globs_match_the_tail_or_the_whole_path():
    offline = FaultRule("content/listings/*/allsourceTui*")
    assert offline.matches("/portal/sharing/rest/content/listings/" + "a" * 32 + "/allsourceTuiCheckIn")
    assert not offline.matches("/sharing/rest/content/listings/" + "a" * 32 + "/userEntitlements")
    whole = FaultRule("/portal/*")
    assert whole.matches("/portal/sharing/rest/info") and not whole.matches("/sharing/rest/info")


def test_add_spec_replaces_the_rule_of_the_same_glob_and_clear_empties():
    faults = FaultInjector()
    faults.add_spec("generateToken:latency=1")
    faults.add_spec("generateToken:status=500;info:reset")
    assert [(r.path_glob, r.status, r.latency) for r in faults.rules] == [("generateToken", 500, 0.0),
                                                                         ("info", None, 0.0)]
    faults.clear("info")
    assert [r.path_glob for r in faults.rules] == ["generateToken"]
    faults.clear()
    assert faults.rules == []


async def test_control_endpoint_drives_faults_from_loopback_only(app, faults):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://127.0.0.1:8443") as local:
        added = await local.post("/__demo__/faults", json={"spec": "info:status=502,times=1"})
        listed = await local.get("/__demo__/faults")
        hit = await local.get("/sharing/rest/info", params={"f": "json"})
        await local.post("/__demo__/faults", json={"path_glob": "info", "latency": 0.01})
        await local.post("/__demo__/faults", json={"clear": True})
        bad = await local.post("/__demo__/faults", json={"spec": "nonsense"})
    remote_transport = httpx.ASGITransport(app=app, client=("192.0.2.7", 5000))
    async with httpx.AsyncClient(transport=remote_transport, base_url="https://127.0.0.1:8443") as remote:
        refused = await remote.post("/__demo__/faults", json={"spec": "info:reset"})
    assert added.status_code == 200 and listed.json()["rules"][0]["status"] == 502
    assert hit.status_code == 502 and faults.rules == []
    assert bad.status_code == 400 and refused.status_code == 403


async def test_request_log_keeps_method_path_query_and_headers(app):
    async with DemoClient(app) as client:
        token = await client.token("pro_adv")
        await client.get("community/self", token)
        await client.http.get("/__demo__/faults")
    log = app.state.demo.request_log
    assert [(r.method, r.path) for r in log] == [("POST", "/sharing/rest/generateToken"),
                                                 ("GET", "/sharing/rest/community/self")]
    assert log[1].query == "f=json"
    assert log[1].headers["x-esri-authorization"] == f"Bearer {token}"
    assert log[1].headers["referer"] == client.computer
    assert all("token=" not in record.query for record in log)
