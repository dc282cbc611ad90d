"""Shared fixtures: an isolated environment, the demo portal over real HTTPS, and LicensingService factories."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tui.machine import MachineIdentity
from tui.settings import NetworkSettings, PortalSettings, Settings

DEMO_PASSWORD = "allsource-demo"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every path the app uses into tmp_path, and drop variables that would change behaviour."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    for name in ("ALLSOURCE_TUI_CONFIG", "ALLSOURCE_TUI_STATE_DIR", "ALLSOURCE_TUI_MACHINE_ID",
                 "ALLSOURCE_TUI_DEBUG", "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY",
                 "https_proxy", "http_proxy", "all_proxy", "NO_COLOR", "PYTHON_KEYRING_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost,::1")
    return home


@pytest.fixture
def demo_portal(tmp_path: Path) -> Iterator:
    """The demo portal on a free loopback port over real HTTPS, with its own data dir."""
    from tui.demo_portal import DemoPortal

    portal = DemoPortal(tmp_path / "demo-portal", port=0)
    portal.start()
    try:
        yield portal
    finally:
        portal.stop()


def demo_settings(portal, *, enterprise: bool = False, **network) -> Settings:
    url = portal.enterprise_url if enterprise else portal.url
    return Settings(
        portal=PortalSettings(licensing_portal_url=url, licensing_portal_kind="enterprise" if enterprise else "online"),
        network=replace(NetworkSettings(ca_bundle=portal.ca_path, connect_timeout=5, read_timeout=10), **network))


@pytest.fixture
def make_service(tmp_path: Path, demo_portal) -> Iterator[Callable[..., object]]:
    """Factory of LicensingService instances acting as a given computer and OS user against the demo portal."""
    from tui.licensing import LicensingService
    from tui.state import StateStore

    made = []

    def factory(machine_id: str = "machine-a", *, os_user: str = "tester", enterprise: bool = False,
                state_dir: Path | None = None, clock=None, **network) -> LicensingService:
        machine = MachineIdentity(machine_id=machine_id, os_user=os_user, hostname=f"host-{machine_id}")
        store = StateStore(state_dir or tmp_path / "state" / f"{machine_id}-{os_user}")
        service = LicensingService(demo_settings(demo_portal, enterprise=enterprise, **network), store, machine,
                                   clock=clock)
        made.append(service)
        return service

    yield factory


def cli_env(tmp_path: Path, portal, *, machine_id: str = "machine-a", enterprise: bool = False) -> dict[str, str]:
    """Environment for running the real `allsource-tui` CLI in a subprocess against the demo portal."""
    state = tmp_path / "cli-state" / machine_id
    config = tmp_path / f"config-{machine_id}.toml"
    url = portal.enterprise_url if enterprise else portal.url
    kind = "enterprise" if enterprise else "online"
    config.write_text(f'[portal]\nlicensing_portal_url = "{url}"\nlicensing_portal_kind = "{kind}"\n'
                      f'[network]\nca_bundle = "{portal.ca_path}"\n')
    env = dict(os.environ)
    env.update({"ALLSOURCE_TUI_CONFIG": str(config), "ALLSOURCE_TUI_STATE_DIR": str(state),
                "ALLSOURCE_TUI_MACHINE_ID": machine_id})
    return env
