"""Demo portal over real HTTPS: its own CA is required and trusted, a reset really drops the connection, and a
restart reuses the CA and the check-out kept in the data dir."""

from __future__ import annotations

import secrets
import signal
import ssl
import subprocess
import sys
import time

import httpx
import pytest

from tui.demo_portal import DEMO_PASSWORD, DemoPortal
from tui.demo_portal import tokens as demo_tokens

pytestmark = pytest.mark.e2e


def test_https_with_the_demo_ca_and_a_restart_that_keeps_ca_and_check_out(tmp_path):
    data = tmp_path / "demo-portal"
    portal = DemoPortal(data, port=0)
    portal.start()
    try:
        assert portal.url == f"https://127.0.0.1:{portal.port}" and portal.enterprise_url == portal.url + "/portal"
        assert portal.ca_path == data / "ca.pem" and (data.stat().st_mode & 0o777) == 0o700
        assert (data / "ca-key.pem").stat().st_mode & 0o777 == 0o600
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            httpx.get(f"{portal.url}/sharing/rest/info?f=json", timeout=5)
        ca_before = portal.ca_path.read_bytes()
        with _client(portal) as client:
            info = client.get(f"{portal.enterprise_url}/sharing/rest/info", params={"f": "json"}).json()
            token, checkout = _sign_in_and_check_out(client, portal, "holder")
            portal.faults.set("portals/self", reset=True, times=1)
            with pytest.raises(httpx.TransportError):
                client.get(f"{portal.url}/sharing/rest/portals/self", params={"f": "json"})
            assert client.get(f"{portal.url}/sharing/rest/portals/self", params={"f": "json"}).json()["portalName"]
            _timed_out_sign_in_still_takes_a_computer(client, portal)
        assert info["authInfo"]["tokenServicesUrl"] == f"{portal.enterprise_url}/sharing/rest/generateToken"
    finally:
        portal.stop()

    restarted = DemoPortal(data, port=0)
    restarted.start()
    try:
        assert restarted.ca_path.read_bytes() == ca_before
        with _client(restarted) as client:
            status = _post(client, restarted, "allsourceTuiCheckOutStatus", token, "holder",
                           machineId="holder", intentId=checkout["intentId"])
            elsewhere = client.post(f"{restarted.url}/sharing/rest/generateToken",
                                    data=_credentials("other"), headers={"Referer": "allsource-tui:other"}).json()
        assert status == {"checkOut": checkout}
        assert elsewhere["error"]["messageCode"] == "ASTUI_OFFLINE_HELD"
        assert all("token=" not in record.query for record in restarted.request_log)
        print(f"\nreal HTTPS: {len(portal.request_log)} + {len(restarted.request_log)} requests, CA reused, "
              f"check-out of intent {checkout['intentId'][:8]}… found after restart")
    finally:
        restarted.stop()


def _timed_out_sign_in_still_takes_a_computer(client: httpx.Client, portal: DemoPortal) -> None:
    """A client that gives up during a slow generateToken does not stop the portal from minting the token."""
    portal.faults.set("generateToken", latency=0.4, times=1)
    with pytest.raises(httpx.ReadTimeout):
        client.post(f"{portal.url}/sharing/rest/generateToken", data=_credentials("ghost", "creator_std"), timeout=0.1,
                    headers={"Referer": "allsource-tui:ghost"})
    deadline = time.monotonic() + 5
    while "allsource-tui:ghost" not in _computers(portal, "creator_std"):
        assert time.monotonic() < deadline, "the slow sign-in was never processed"
        time.sleep(0.05)


def _computers(portal: DemoPortal, username: str) -> set[str]:
    with portal.demo.store.reading() as state:
        return demo_tokens.live_computers(state, username, time.time())


def _client(portal: DemoPortal) -> httpx.Client:
    return httpx.Client(verify=ssl.create_default_context(cafile=str(portal.ca_path)), timeout=10)


def _credentials(machine: str, username: str = "pro_adv") -> dict:
    return {"username": username, "password": DEMO_PASSWORD, "client": "referer",
            "referer": f"allsource-tui:{machine}", "f": "json"}


def _post(client: httpx.Client, portal: DemoPortal, operation: str, token: str, machine: str, **form) -> dict:
    listing = "a1150c3e7d9b4f2a8c6e0d4b2f9a7c51"
    return client.post(f"{portal.url}/sharing/rest/content/listings/{listing}/{operation}", data={"f": "json", **form},
                       headers={"X-Esri-Authorization": f"Bearer {token}",
                                "Referer": f"allsource-tui:{machine}"}).json()


def _sign_in_and_check_out(client: httpx.Client, portal: DemoPortal, machine: str) -> tuple[str, dict]:
    token = client.post(f"{portal.url}/sharing/rest/generateToken", data=_credentials(machine),
                        headers={"Referer": f"allsource-tui:{machine}"}).json()["token"]
    answer = _post(client, portal, "allsourceTuiCheckOut", token, machine, machineId=machine, osUser="tester",
                   workstationAlias="desk", intentId=secrets.token_hex(16))
    return token, answer["checkOut"]


def test_serve_forever_inside_a_running_event_loop_stops_cleanly_on_ctrl_c(tmp_path):
    """How the CLI runs it: from async code, in the foreground; Ctrl-C (SIGINT) ends it with exit status 0."""
    script = ("import asyncio, sys\nfrom tui.demo_portal import DemoPortal\n"
              "async def main():\n    portal = DemoPortal(sys.argv[1], port=0)\n"
              "    print(portal.url, flush=True)\n    portal.serve_forever()\n"
              "asyncio.run(main())\n")
    child = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "d")], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        url = child.stdout.readline().strip()
        trust = ssl.create_default_context(cafile=str(tmp_path / "d" / "ca.pem"))
        deadline = time.monotonic() + 10
        while True:
            try:
                answer = httpx.get(f"{url}/sharing/rest/info?f=json", verify=trust, timeout=2)
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline, "the demo portal did not start"
                time.sleep(0.05)
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=10)
    finally:
        child.kill()
    assert answer.json()["authInfo"]["tokenServicesUrl"] == f"{url}/sharing/rest/generateToken"
    assert child.returncode == 0, stderr
