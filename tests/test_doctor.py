"""`allsource-tui doctor`: every check against the demo portal over real HTTPS on 127.0.0.1, one test per failure
(wrong CA, wrong host name, expired certificate, stopped portal, skewed clock, proxy), plus the CLI's text and JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import trustme

from tests.conftest import DEMO_PASSWORD
from tests.connect_proxy import ConnectProxy
from tests.tls_server import TlsServer
from tui.core.errors import UsageError
from tui.doctor import run_doctor, troubleshoot_text
from tui.doctor.model import CHECK_NAMES


def write_config(tmp_path: Path, *, ca: Path | None = None, **network: str) -> Path:
    lines = ["[network]", "connect_timeout = 5", "read_timeout = 10"]
    if ca is not None:
        lines.append(f'ca_bundle = "{ca}"')
    lines += [f'{key} = "{value}"' for key, value in network.items()]
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


async def doctor(tmp_path: Path, url: str, config: Path):
    report = await run_doctor(config, tmp_path / "state", portal_url=url)
    assert [check.name for check in report.checks] == list(CHECK_NAMES)
    return report, {check.name: check for check in report.checks}


async def test_a_healthy_setup_passes_every_check_and_says_what_the_portal_is(tmp_path, demo_portal):
    report, checks = await doctor(tmp_path, demo_portal.enterprise_url, write_config(tmp_path, ca=demo_portal.ca_path))
    assert report.ok and report.exit_code == 0, report.text()
    assert "ArcGIS Enterprise" in checks["portal"].detail and "API version" in checks["portal"].detail
    assert checks["proxy"].detail.startswith("none: a direct connection")
    assert report.to_json()["ok"] is True
    assert set(report.to_json()["checks"][0]) == {"name", "ok", "detail", "fix"}


async def test_wrong_ca_names_the_issuer_and_the_ca_bundle_setting(tmp_path, demo_portal):
    report, checks = await doctor(tmp_path, demo_portal.url, write_config(tmp_path))
    tls = checks["tls"]
    assert not tls.ok and report.exit_code == 5
    assert "was issued by 'allsource-tui demo CA (loopback only)'" in tls.detail
    assert "does not trust" in tls.detail
    assert "[network] ca_bundle = " in tls.fix
    assert checks["portal"].skipped and checks["clock"].skipped


async def test_a_certificate_for_another_host_name_is_named(tmp_path):
    ca = trustme.CA()
    ca_path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    server = TlsServer(ca.issue_cert("portal.other.test")).start()
    try:
        report, checks = await doctor(tmp_path, server.url, write_config(tmp_path, ca=ca_path))
    finally:
        server.stop()
    assert not checks["tls"].ok and report.exit_code == 5
    assert "the certificate is for portal.other.test, not 127.0.0.1" in checks["tls"].detail
    assert "https://portal.other.test/" in checks["tls"].fix


async def test_an_expired_certificate_gives_its_end_date(tmp_path):
    ca = trustme.CA()
    ca_path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    ended = datetime(2024, 1, 2, 3, 4, tzinfo=UTC)
    cert = ca.issue_cert("127.0.0.1", not_before=ended - timedelta(days=30), not_after=ended)
    server = TlsServer(cert).start()
    try:
        report, checks = await doctor(tmp_path, server.url, write_config(tmp_path, ca=ca_path))
    finally:
        server.stop()
    assert not checks["tls"].ok and report.exit_code == 5
    assert "expired on 2024-01-02 03:04 UTC" in checks["tls"].detail
    assert "renew" in checks["tls"].fix


async def test_a_stopped_portal_fails_the_tcp_check(tmp_path, demo_portal):
    url = demo_portal.url
    demo_portal.stop()
    report, checks = await doctor(tmp_path, url, write_config(tmp_path, ca=demo_portal.ca_path))
    assert not checks["tcp"].ok and "connection refused" in checks["tcp"].detail
    assert report.exit_code == 5 and checks["tls"].skipped


async def test_a_skewed_portal_clock_fails_the_clock_check(tmp_path, demo_portal):
    demo_portal.faults.add_spec("*:date_skew=3600")
    report, checks = await doctor(tmp_path, demo_portal.url, write_config(tmp_path, ca=demo_portal.ca_path))
    clock = checks["clock"]
    assert not clock.ok and report.exit_code == 5
    assert "behind the portal's" in clock.detail and "60 min" in clock.detail
    assert "automatic time" in clock.fix
    assert checks["portal"].ok  # the answer itself is fine: only the clocks disagree


async def test_a_proxy_in_use_is_named_and_carries_the_checks(tmp_path, demo_portal):
    proxy = ConnectProxy().start()
    try:
        config = write_config(tmp_path, ca=demo_portal.ca_path, proxy=proxy.url)
        report, checks = await doctor(tmp_path, demo_portal.url, config)
    finally:
        proxy.stop()
    assert report.ok, report.text()
    assert checks["proxy"].detail == f"{proxy.url} from [network] proxy carried the connection"
    assert checks["tcp"].detail.endswith(f"(the proxy {proxy.url})")
    assert f"127.0.0.1:{demo_portal.port}" in proxy.tunnels


async def test_a_proxy_that_refuses_fails_the_proxy_check(tmp_path, demo_portal):
    proxy = ConnectProxy(refuse=True).start()
    try:
        report, checks = await doctor(tmp_path, demo_portal.url,
                                      write_config(tmp_path, ca=demo_portal.ca_path, proxy=proxy.url))
    finally:
        proxy.stop()
    assert not checks["proxy"].ok and report.exit_code == 5
    assert "refused to connect" in checks["proxy"].detail and "NO_PROXY" in checks["proxy"].fix


async def test_an_invalid_config_is_exit_2_and_the_other_checks_still_run(tmp_path, demo_portal):
    config = tmp_path / "config.toml"
    config.write_text('[network]\nconnect_timeout = "soon"\n')
    report, checks = await doctor(tmp_path, demo_portal.url, config)
    assert not checks["config"].ok and report.exit_code == 2
    assert "line 2: [network] connect_timeout must be" in checks["config"].detail
    assert checks["tcp"].ok  # the defaults stand in


async def test_the_session_token_is_checked_and_a_revoked_one_fails(tmp_path, demo_portal, make_service):
    service = make_service(state_dir=tmp_path / "state")
    await service.sign_in("pro_adv", DEMO_PASSWORD)
    config = write_config(tmp_path, ca=demo_portal.ca_path)
    report = await run_doctor(config, tmp_path / "state", portal_url=demo_portal.url, machine=service.machine)
    assert report.checks[8].ok and "signed in as pro_adv" in report.checks[8].detail, report.text()
    token = service.read_state().session.access_token
    await service.client(demo_portal.url).revoke_token(token, client_id=None)
    text = await troubleshoot_text(service)  # what the sign-in window's Troubleshoot action shows
    assert "✗ token    FAILED — the portal does not accept your session's token" in text
    assert "  Fix: Sign in again: `allsource-tui sign-in`." in text
    await service.aclose()


async def test_a_held_state_lock_fails_the_state_check(tmp_path, demo_portal):
    from tui.state.lock import exclusive_lock
    from tui.state.store import StateStore

    store = StateStore(tmp_path / "state")
    with store.transaction() as data:
        data["last_username"] = "someone"
    with exclusive_lock(store.lock_path, 1):
        # the probe runs in this thread: the in-process lock is what another process would hold
        import threading
        result = {}
        thread = threading.Thread(target=lambda: result.update(check=__import__(
            "tui.doctor.local", fromlist=["check_state"]).check_state(tmp_path / "state")))
        thread.start()
        thread.join()
    assert not result["check"].ok and "is held by" in result["check"].detail


async def test_a_bad_portal_url_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError):
        await run_doctor(write_config(tmp_path), tmp_path / "state", portal_url="ftp://nowhere")


def test_the_cli_prints_one_line_per_check_and_exits_with_the_first_failure(tmp_path, demo_portal):
    config = write_config(tmp_path)  # no ca_bundle: the TLS check fails
    base = [sys.executable, "-m", "tui", "--config", str(config), "--state-dir", str(tmp_path / "state"), "doctor",
            "--portal", demo_portal.url]
    text = subprocess.run(base, capture_output=True, text=True, timeout=60, check=False)
    assert text.returncode == 5 and text.stderr == ""
    lines = text.stdout.splitlines()
    assert any(line.startswith("✓ tcp      ok — connected to 127.0.0.1:") for line in lines)
    assert any(line.startswith("✗ tls      FAILED — the certificate of 127.0.0.1") for line in lines)
    assert any(line.startswith("  Fix: ") and "ca_bundle" in line for line in lines)
    as_json = subprocess.run([*base, "--json"], capture_output=True, text=True, timeout=60, check=False)
    data = json.loads(as_json.stdout)
    assert as_json.returncode == 5 and data["ok"] is False
    assert [check["name"] for check in data["checks"]] == list(CHECK_NAMES)


async def test_a_proxy_from_the_environment_is_named_with_its_variable(tmp_path, demo_portal, monkeypatch):
    proxy = ConnectProxy().start()
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    try:
        report, checks = await doctor(tmp_path, demo_portal.url, write_config(tmp_path, ca=demo_portal.ca_path))
    finally:
        proxy.stop()
    assert report.ok, report.text()
    assert checks["proxy"].detail == f"{proxy.url} from HTTPS_PROXY carried the connection"
    assert proxy.tunnels


async def test_an_unknown_host_name_fails_dns_unless_a_proxy_resolves_it(monkeypatch):
    import asyncio
    import socket

    from tui.doctor.network import check_dns
    from tui.portal.http import ProxyChoice

    async def no_such_host(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", no_such_host)
    direct = await check_dns("gis.example.test", 443, ProxyChoice(None, "no proxy is set"), 1)
    assert not direct.ok and direct.exit_class == 5
    assert direct.detail == "the host name gis.example.test could not be found (Name or service not known)"
    via_proxy = await check_dns("gis.example.test", 443, ProxyChoice("http://127.0.0.1:3128", "HTTPS_PROXY"), 1)
    assert via_proxy.ok and "the proxy http://127.0.0.1:3128 looks it up" in via_proxy.detail
