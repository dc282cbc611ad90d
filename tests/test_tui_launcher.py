"""Starting the TUI: locale and config checks before the screen opens, the debug log file, and --demo."""

from __future__ import annotations

import asyncio
import io
import logging
import socket
import stat
import sys

import pytest

from tests.conftest import DEMO_PASSWORD
from tui.cli.main import main
from tui.ui import launcher as tui_launcher


class Runs(list):
    """The runs of the TUI, recorded instead of opening a screen; ``action`` acts inside a run (portal up)."""

    action = None

    def record(self, service, locations, settings, *, demo_hint: str = "") -> int:
        run = {"service": service, "locations": locations, "settings": settings, "demo_hint": demo_hint}
        if self.action is not None:
            self.action(run)
        self.append(run)
        return 0


@pytest.fixture
def captured_runs(monkeypatch) -> Runs:
    runs = Runs()
    monkeypatch.setattr(tui_launcher, "run_app", runs.record)
    return runs


@pytest.fixture
def root_logging():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    noisy = {name: logging.getLogger(name).level for name in ("httpx", "httpcore", "uvicorn.access")}
    yield root
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, noisy_level in noisy.items():
        logging.getLogger(name).setLevel(noisy_level)


def test_a_non_utf8_terminal_gets_one_sentence_and_exit_2(monkeypatch, capsys, captured_runs):
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
    assert main([]) == 2
    assert capsys.readouterr().err == ("allsource-tui needs a UTF-8 terminal; set LANG=C.UTF-8 (or another UTF-8 "
                                       "locale) and start it again.\n")
    assert captured_runs == []


def test_a_bad_config_stops_before_the_screen_opens(tmp_path, capsys, captured_runs):
    config = tmp_path / "config.toml"
    config.write_text("[ui]\nmouse = 'sometimes'\n")
    assert main(["--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "config.toml" in err and "mouse" in err
    assert captured_runs == []


def test_debug_logs_go_to_a_private_file_not_the_screen(tmp_path, captured_runs, root_logging):
    assert main(["--debug", "--state-dir", str(tmp_path / "state")]) == 0
    log_file = tmp_path / "state" / tui_launcher.LOG_FILE_NAME
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    to_terminal = [h for h in root_logging.handlers if isinstance(h, logging.StreamHandler)
                   and getattr(h, "stream", None) in (sys.stderr, sys.stdout, sys.__stderr__, sys.__stdout__)]
    assert to_terminal == []
    logging.getLogger("tui.test").warning("token=abcdefghijklmnop")
    for handler in root_logging.handlers:
        handler.flush()
    assert "token=***" in log_file.read_text()


def test_demo_runs_the_demo_portal_trusts_its_ca_and_uses_the_demo_state(tmp_path, captured_runs):
    captured_runs.action = lambda run: asyncio.run(_sign_in_and_close(run["service"]))
    assert main(["--demo", "--state-dir", str(tmp_path / "state")]) == 0
    run = captured_runs[0]
    demo_dir = tmp_path / "state" / "demo"
    assert run["locations"].state_dir == demo_dir
    assert run["settings"].network.ca_bundle == demo_dir / "portal" / "ca.pem"
    url = run["settings"].portal.licensing_portal_url
    assert url.startswith("https://127.0.0.1:")
    assert run["demo_hint"] == ("Demo (Online organization): pro_adv, creator_std or creator_none, "
                                "password allsource-demo")
    assert run["service"].status().signed_in
    assert (demo_dir / "portal" / tui_launcher.LAST_PORT_FILE).read_text().strip() == url.rsplit(":", 1)[1]


def test_demo_reuses_its_port_and_the_stored_url_follows_when_the_port_moves(tmp_path, captured_runs):
    captured_runs.action = lambda run: asyncio.run(_sign_in_and_close(run["service"]))
    state = ["--demo", "--state-dir", str(tmp_path / "state")]
    assert main(state) == 0
    first_url = captured_runs[0]["settings"].portal.licensing_portal_url
    captured_runs.action = None
    assert main(state) == 0
    assert captured_runs[1]["settings"].portal.licensing_portal_url == first_url  # the port was free again
    with socket.socket() as squatter:  # someone else took the port since
        squatter.bind(("127.0.0.1", int(first_url.rsplit(":", 1)[1])))
        squatter.listen()
        assert main(state) == 0
    moved = captured_runs[2]["service"].status()
    new_url = captured_runs[2]["settings"].portal.licensing_portal_url
    assert new_url != first_url
    assert moved.licensing_portal.url == new_url
    assert moved.session.portal_url == new_url and moved.active_portal == new_url


async def _sign_in_and_close(service) -> None:
    await service.sign_in("pro_adv", DEMO_PASSWORD)
    await service.aclose()


def test_the_demo_state_dir_is_private_from_the_first_start(tmp_path):
    from tui.ui.launcher import start_demo_portal

    demo_state = tmp_path / "state" / "demo"
    portal = start_demo_portal(demo_state)
    try:
        assert demo_state.stat().st_mode & 0o777 == 0o700
    finally:
        portal.stop()


def test_demo_hint_lists_the_accounts_of_the_licensing_portals_organization():
    hint = tui_launcher.demo_hint
    assert hint("https://127.0.0.1:8443") == ("Demo (Online organization): pro_adv, creator_std or creator_none, "
                                              "password allsource-demo")
    enterprise = "Demo (Enterprise organization): ent_user or ent_admin, password allsource-demo"
    assert hint("https://127.0.0.1:8443/portal") == enterprise
    assert hint("https://[::1]:9000/portal") == enterprise
    assert hint("https://127.0.0.1:8443/portalx").startswith("Demo (Online organization)")
    assert hint("https://www.arcgis.com") == ""  # a real portal: the demo accounts would not work there


@pytest.mark.parametrize("enterprise", [False, True])
async def test_every_account_in_the_demo_hint_signs_in_on_that_portal(make_service, demo_portal, enterprise):
    from tui.core.errors import InvalidCredentials, NoLicenseError

    url = demo_portal.enterprise_url if enterprise else demo_portal.url
    names = tui_launcher.demo_hint(url).split(": ", 1)[1].split(", password ")[0].replace(" or ", ", ").split(", ")
    assert len(names) >= 2
    for number, username in enumerate(names):
        service = make_service(f"machine-{number}", enterprise=enterprise)
        try:
            await service.sign_in(username, DEMO_PASSWORD)
        except NoLicenseError:  # signed in, but this account has no AllSource license (creator_none, on purpose)
            assert username == "creator_none"
        except InvalidCredentials:  # the bug: a name from the hint the portal doesn't know
            pytest.fail(f"{username} is in the hint for {url} but can't sign in there")
        finally:
            await service.aclose()


def test_demo_on_the_enterprise_licensing_portal_hints_the_enterprise_accounts(tmp_path, captured_runs):
    async def move_to_enterprise(run) -> None:
        service = run["service"]
        enterprise_url = run["settings"].portal.licensing_portal_url + "/portal"
        await service.set_licensing_portal("enterprise", enterprise_url)
        await service.aclose()

    state = ["--demo", "--state-dir", str(tmp_path / "state")]
    captured_runs.action = lambda run: asyncio.run(move_to_enterprise(run))
    assert main(state) == 0
    captured_runs.action = None
    assert main(state) == 0
    assert captured_runs[1]["demo_hint"].startswith("Demo (Enterprise organization): ent_user or ent_admin")
