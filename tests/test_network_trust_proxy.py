"""[network] trust (the OS store via truststore, certifi, or both) and HTTP(S) proxies from the environment and
from config.toml, against the demo portal over HTTPS behind a CONNECT proxy on 127.0.0.1."""

from __future__ import annotations

import ssl
import sys
from pathlib import Path

import pytest
import truststore

from tests.conftest import DEMO_PASSWORD, demo_settings
from tests.connect_proxy import ConnectProxy
from tui.core.config import load_settings
from tui.core.errors import ConfigError, PortalTLSError, PortalUnreachable
from tui.core.machine import MachineIdentity
from tui.core.settings import NetworkSettings
from tui.portal.http import build_ssl_context
from tui.service.licensing import LicensingService
from tui.state.store import StateStore


@pytest.fixture
def proxy():
    server = ConnectProxy().start()
    yield server
    server.stop()


def service_for(tmp_path: Path, settings) -> LicensingService:
    machine = MachineIdentity(machine_id="m1", os_user="tester", hostname="host-m1")
    return LicensingService(settings, StateStore(tmp_path / "state"), machine)


def test_trust_chooses_the_os_store_certifi_or_both(monkeypatch):
    certifi_only = build_ssl_context(NetworkSettings(trust="certifi"))
    assert not isinstance(certifi_only, truststore.SSLContext) and isinstance(certifi_only, ssl.SSLContext)
    mozilla = certifi_only.cert_store_stats()["x509_ca"]
    assert mozilla > 100
    assert build_ssl_context(NetworkSettings()).cert_store_stats()["x509_ca"] >= mozilla  # "both" is the default
    for platform in ("darwin", "win32"):  # where the OS store lives outside OpenSSL, truststore verifies
        monkeypatch.setattr(sys, "platform", platform)
        assert isinstance(build_ssl_context(NetworkSettings(trust="system")), truststore.SSLContext)
        assert isinstance(build_ssl_context(NetworkSettings(trust="both")), truststore.SSLContext)
    monkeypatch.setattr(sys, "platform", "linux")
    linux_system = build_ssl_context(NetworkSettings(trust="system"))
    assert not isinstance(linux_system, truststore.SSLContext)  # OpenSSL's default paths, loaded once
    assert linux_system.verify_mode == ssl.CERT_REQUIRED and linux_system.check_hostname


@pytest.mark.parametrize("trust", ["system", "certifi", "both"])
async def test_every_trust_choice_reaches_the_demo_portal_with_its_ca_bundle(tmp_path, demo_portal, trust):
    settings = demo_settings(demo_portal, trust=trust)
    async with service_for(tmp_path, settings) as service:
        assert (await service.sign_in("pro_adv", DEMO_PASSWORD)).level == "Advanced"


async def test_without_the_demo_ca_no_trust_choice_accepts_the_demo_certificate(tmp_path, demo_portal):
    settings = demo_settings(demo_portal, trust="system", ca_bundle=None)
    async with service_for(tmp_path, settings) as service:
        with pytest.raises(PortalTLSError):
            await service.sign_in("pro_adv", DEMO_PASSWORD)


def test_trust_is_validated_with_one_sentence(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[network]\ntrust = "os"\n')
    with pytest.raises(ConfigError) as bad:
        load_settings(config)
    assert bad.value.user_message == f'{config} line 2: [network] trust must be "system" or "certifi" or "both", ' \
                                     'not "os".'
    config.write_text('[network]\ntrust = "system"\n')
    assert load_settings(config).network.trust == "system"


async def test_a_proxy_from_config_carries_every_request(tmp_path, demo_portal, proxy):
    settings = demo_settings(demo_portal, proxy=proxy.url)
    async with service_for(tmp_path, settings) as service:
        assert (await service.sign_in("pro_adv", DEMO_PASSWORD)).level == "Advanced"
    assert proxy.tunnels and set(proxy.tunnels) == {f"127.0.0.1:{demo_portal.port}"}


async def test_https_proxy_from_the_environment_is_used_and_no_proxy_bypasses_it(tmp_path, demo_portal, proxy,
                                                                              monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    async with service_for(tmp_path, demo_settings(demo_portal)) as service:
        await service.sign_in("pro_adv", DEMO_PASSWORD)
    assert len(proxy.tunnels) > 0
    used = len(proxy.tunnels)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with service_for(tmp_path / "again", demo_settings(demo_portal)) as service:
        await service.sign_in("pro_adv", DEMO_PASSWORD)
    assert len(proxy.tunnels) == used


async def test_a_proxy_that_refuses_is_one_sentence_about_the_proxy(tmp_path, demo_portal, proxy):
    proxy.refuse = True
    settings = demo_settings(demo_portal, proxy=proxy.url, max_retries=0)
    async with service_for(tmp_path, settings) as service:
        with pytest.raises(PortalUnreachable) as failure:
            await service.sign_in("pro_adv", DEMO_PASSWORD)
    assert "proxy" in failure.value.user_message and failure.value.exit_code == 5
