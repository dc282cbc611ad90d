"""States × actions: the CLI and the TUI give the answer of ``availability()`` for the same state.toml.

Each state is written to disk through the service's own StateStore transaction. The CLI runs in-process through its
real entry point (``tui.cli.main.main``): a refusal is the availability sentence with its exit code; an allowed action
goes on to the portal, which is a closed loopback port here, so it ends in "unreachable" (exit 5) — the proof that no
rule stopped it. The TUI runs under Pilot: a control is enabled or its dialog opens when allowed; otherwise the control
is unavailable or the refusal sentence is on the status line (or in the error toast).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from screens import LicensingPortalDialog, SettingsScreen
from screens.confirm_dialog import ConfirmDialog
from screens.message_dialog import MessageDialog
from tui.cli.main import main as cli_main
from tui.core.errors import EXIT_OK, EXIT_UNREACHABLE
from tui.core.models import LicenseInfo, OfflineLicense, Session
from tui.core.secret import Secret
from tui.service.actions import Action, Availability, availability
from tui.service.licensing import LicensingService, open_service, resolve_locations
from tui.state.model import AppState
from tui.ui.app import LicenseApp
from tui.ui.widgets.status_line import StatusLine

CLOSED_PORTAL = "https://127.0.0.1:9"  # nothing listens on the discard port: an allowed action ends "unreachable"
ADVANCED = LicenseInfo(level="Advanced", extensions={"Spatial Analyst": True}, user_type="GIS Professional",
                       listing_id="listing-1", checked_at=1.0)


def _session(*, expired: bool = False) -> Session:
    now = time.time()
    return Session(portal_url=CLOSED_PORTAL, username="pro_adv", full_name="Avery Pro", auto_sign_in=True,
                   method="password", access_token=Secret("token-" + "x" * 20), signed_in_at=now - 60,
                   expires_at=now - 3600 if expired else now + 3600)


def _offline(machine_key: str, *, os_user: str = "tester") -> OfflineLicense:
    return OfflineLicense(portal_url=CLOSED_PORTAL, username="pro_adv", full_name="Avery Pro", machine_id=machine_key,
                          os_user=os_user, alias="field-laptop", license=ADVANCED._replace(disconnected=True),
                          expires_at=None, checked_out_at=1.0, device_credential=Secret("credential-" + "y" * 20))


def _signed_in(state: AppState, key: str) -> None:
    state.session, state.license = _session(), ADVANCED


STATES: dict[str, Callable[[AppState, str], None]] = {
    "signed out": lambda state, key: None,
    "signed in": _signed_in,
    "signed in, offline here": lambda state, key: (_signed_in(state, key),
                                                   state.offline.update({key: _offline(key)})),
    "offline here, not signed in": lambda state, key: state.offline.update({key: _offline(key)}),
    "offline here by another OS user": lambda state, key: (_signed_in(state, key), state.offline.update(
        {key: _offline(key, os_user="someone-else")})),
    "offline on another computer": lambda state, key: (_signed_in(state, key),
                                                       state.offline.update({"other": _offline("other")})),
    "session expired": lambda state, key: setattr(state, "session", _session(expired=True)),
    "signed in, another portal active": lambda state, key: (_signed_in(state, key), state.offline.update(
        {key: _offline(key)}), setattr(state, "portal_urls", [CLOSED_PORTAL, "https://127.0.0.1:9/other"]),
        setattr(state, "active_portal", "https://127.0.0.1:9/other")),
}

CLI_COMMANDS: dict[Action, list[str]] = {
    Action.SIGN_IN: ["sign-in", "--username", "pro_adv", "--password-stdin"],
    Action.SIGN_OUT: ["sign-out"],
    Action.REFRESH_LICENSE: ["license"],
    Action.AUTHORIZE_OFFLINE: ["offline", "authorize", "--connect"],
    Action.CHECK_IN: ["offline", "check-in"],
    Action.CHANGE_LICENSING_PORTAL: ["portal", "set", "enterprise", "https://127.0.0.1:9/portal"],
    Action.REMOVE_PORTAL: ["portals", "remove", CLOSED_PORTAL],
}


@pytest.fixture
def service_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., LicensingService]:
    """A service (and the CLI's environment) whose state.toml holds the named state."""
    config = tmp_path / "config.toml"
    config.write_text(f'[portal]\nlicensing_portal_url = "{CLOSED_PORTAL}"\nlicensing_portal_kind = "online"\n'
                      "[network]\nconnect_timeout = 2\nread_timeout = 2\nmax_retries = 0\n")
    monkeypatch.setenv("ALLSOURCE_TUI_CONFIG", str(config))
    monkeypatch.setenv("ALLSOURCE_TUI_MACHINE_ID", "machine-a")
    monkeypatch.setenv("ALLSOURCE_TUI_OS_USER", "tester")

    def build(name: str, copy: str = "") -> LicensingService:
        """A fresh state directory per copy: an allowed action changes the state the next one would see."""
        folder = (name + copy).replace(" ", "-").replace(",", "")
        monkeypatch.setenv("ALLSOURCE_TUI_STATE_DIR", str(tmp_path / folder))
        service = open_service(resolve_locations(None, None))
        with service.edit_state() as state:
            STATES[name](state, service.machine.machine_key)
        return service

    return build


def run_cli(args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO("allsource-demo\n"))
    code = cli_main(args)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("state_name", list(STATES))
def test_the_cli_answers_what_availability_says(state_name, service_in, monkeypatch, capsys):
    for action, args in CLI_COMMANDS.items():
        answer = availability(service_in(state_name, action.value).status(), action, CLOSED_PORTAL)
        code, output = run_cli(args, monkeypatch, capsys)
        if answer.allowed:
            assert code in (EXIT_OK, EXIT_UNREACHABLE), (state_name, action, code, output)
        else:
            assert (code, answer.reason in output) == (answer.exit_code, True), (state_name, action, output)


# --- the TUI --------------------------------------------------------------------------------------------------------
def tui_app(service: LicensingService) -> tuple[LicenseApp, list[str]]:
    app = LicenseApp(service, check_license_at_start=False)
    toasts: list[str] = []
    notify = app.notify
    app.notify = lambda message, **options: (toasts.append(str(message)), notify(message, **options))[1]  # type: ignore[method-assign]
    return app, toasts


def shown(app: LicenseApp, toasts: list[str]) -> str:
    lines = [line.visual.plain for line in app.screen.query(StatusLine)]  # type: ignore[attr-defined]
    return " ".join([*lines, *toasts])


async def settle(pilot) -> None:
    for _ in range(4):
        await pilot.pause()


async def tui_opens(app: LicenseApp, pilot, trigger: Callable[[], object], dialog: type) -> bool:
    trigger()
    await settle(pilot)
    opened = isinstance(app.screen, dialog)
    if opened:
        await pilot.press("escape")  # cancel: nothing changes
        await settle(pilot)
    return opened


def expect(answer: Availability, allowed: bool, text: str) -> None:
    assert allowed == answer.allowed, (answer, text)
    if not answer.allowed and not answer.needs_sign_in:
        assert answer.reason in text


@pytest.mark.parametrize("state_name", list(STATES))
async def test_the_tui_answers_what_availability_says(state_name, service_in):
    service = service_in(state_name)
    status = service.status()
    app, toasts = tui_app(service)
    async with app.run_test() as pilot:
        await settle(pilot)
        commands = {command.name for command in app.palette_commands()}
        assert ("Sign out" in commands) == availability(status, Action.SIGN_OUT).allowed
        assert ("Refresh license" in commands) == availability(status, Action.REFRESH_LICENSE).allowed
        opened = await tui_opens(app, pilot, app.action_configure_portal, LicensingPortalDialog)
        expect(availability(status, Action.CHANGE_LICENSING_PORTAL), opened, shown(app, toasts))
        opened = await tui_opens(app, pilot, app.action_sign_out, ConfirmDialog)
        expect(availability(status, Action.SIGN_OUT), opened, shown(app, toasts))
        app.action_licensing()
        await settle(pilot)
        settings = isinstance(app.screen, SettingsScreen)
        expect(availability(status, Action.OPEN_SETTINGS), settings, shown(app, toasts))
        if settings:
            assert sign_out_key_enabled(app) == availability(status, Action.SIGN_OUT).allowed
            await offline_box_agrees(app, pilot, status, toasts)


def sign_out_key_enabled(app: LicenseApp) -> bool:
    """The Settings footer's Sign out key: shown (and enabled), or not shown at all."""
    keys = [active for active in app.screen.active_bindings.values() if active.binding.action == "app.sign_out"]
    assert len(keys) <= 1
    return bool(keys) and keys[0].enabled


async def offline_box_agrees(app: LicenseApp, pilot, status, toasts: list[str]) -> None:
    """Unchecked, the box is the check-out; checked (an offline license here), clearing it is the check-in."""
    box = app.screen.query_one("#offline-checkbox")
    authorize, check_in = availability(status, Action.AUTHORIZE_OFFLINE), availability(status, Action.CHECK_IN)
    if status.offline is None:
        assert (not box.disabled) == authorize.allowed
        assert not check_in.allowed  # nothing here to check in
        return
    assert not authorize.allowed and not box.disabled
    await pilot.press("w")
    await settle(pilot)
    dialog = app.screen
    if check_in.allowed or check_in.needs_sign_in:
        assert isinstance(dialog, MessageDialog)
        text = dialog.query_one("#message").visual.plain  # type: ignore[attr-defined]
        assert ("checked in now" in text) == check_in.allowed
        await pilot.press("escape")  # OK: the flow goes on (to the closed portal, or to the sign-in window)
        await app.workers.wait_for_complete()
        await settle(pilot)
    else:
        assert isinstance(dialog, SettingsScreen) and check_in.reason in shown(app, toasts)
