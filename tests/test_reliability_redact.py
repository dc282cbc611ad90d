"""TP-REDACT and TP-URLTOK, full runs at debug logging against the demo portal over HTTPS.

The rules are X-1..X-3 of docs/reliability.md; the tests are in its "Test plan".

Three walks — the LicensingService in this process, the real CLI in subprocesses with --debug, and the TUI under
Pilot ending in a forced crash — each through sign-in (password and SSO), license, alias, offline authorize,
check-in, sign-out and the error paths (wrong password, 498, unreachable). Every sink is then scanned for every
secret of the run (see tests/leak_sweep.py): logs, exception text, CLI stdout/stderr, files in the state folders,
the crash screen, and the demo portal's request log.
"""

from __future__ import annotations

import io
import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from screens import SignInScreen
from tests.conftest import DEMO_PASSWORD, cli_env, screen_text, settle, sign_in_with_keys, type_text
from tests.leak_sweep import (
    SecretTap,
    Sweep,
    bad_request_urls,
    debug_log_to,
    file_mode,
    secrets_in_headers,
    state_without_allowed_secrets,
)
from tests.sso_browser import approve_in_browser
from tui.core.errors import AllSourceError, AuthError, NoLicenseError, NotSignedIn, PortalUnreachable

WRONG_PASSWORD = "Wrong-Passw0rd-q7Zx"
STRESS = os.environ.get("ALLSOURCE_TUI_STRESS") == "1"


@pytest.fixture
def tap(monkeypatch: pytest.MonkeyPatch) -> SecretTap:
    return SecretTap(monkeypatch, passwords=[DEMO_PASSWORD, WRONG_PASSWORD])


@pytest.fixture
def no_keyring():
    """No usable keyring, so the tokens go to state.toml: the case where the state file must be checked."""
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


async def expect(sweep: Sweep, error_type: type[AllSourceError], call) -> None:
    with pytest.raises(error_type) as caught:
        await call
    sweep.add_exception(f"exception {error_type.__name__}", caught.value)


def sweep_states(sweep: Sweep, root: Path) -> int:
    """Every file under ``root`` (state folders): state files minus their token fields; all must be 0600."""
    loose = 0
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        loose += file_mode(path) & 0o077 != 0
        if path.name in ("state.toml", "state.toml.bak"):
            sweep.add(f"state file {path.parent.name}", state_without_allowed_secrets(path))
        else:
            sweep.add_file("state folder", path)
    return loose


def sweep_portal(sweep: Sweep, portal) -> tuple[int, list[str], int]:
    """The demo portal's own files (state.json keeps token hashes only) and request log; returns the URL figures."""
    for path in sorted(portal.data_dir.glob("*.json")):
        sweep.add_file("demo portal data", path)
    secrets = sweep.tap.random_secrets() | sweep.tap.passwords
    return (len(portal.request_log), bad_request_urls(portal.request_log, secrets),
            secrets_in_headers(portal.request_log, secrets))


def report(sweep: Sweep, portal, label: str, loose_files: int, *, min_requests: int = 30) -> None:
    requests, bad_urls, header_leaks = sweep_portal(sweep, portal)
    leaks = sweep.leaks()
    print(f"\n{sweep.figure(label)}; state files with group/other bits: {loose_files}")
    print(f"TP-URLTOK ({label}): {len(bad_urls)} of {requests} request URLs carry token=/access_token=/"
          f"refresh_token=/password=/code= or a secret; {header_leaks} secrets in headers other than the token header")
    assert leaks == [] and bad_urls == [] and header_leaks == 0 and loose_files == 0
    assert requests >= min_requests and len(sweep.tap.random_secrets()) >= 3


# --- the LicensingService, in this process --------------------------------------------------------------------------
async def password_walk(service, portal, sweep: Sweep) -> None:
    await expect(sweep, AuthError, service.sign_in("pro_adv", WRONG_PASSWORD))
    await expect(sweep, NoLicenseError, service.sign_in("creator_none", DEMO_PASSWORD))
    await service.sign_in("pro_adv", DEMO_PASSWORD)
    state_toml = service.store.path
    assert "access_token" in state_toml.read_text() and file_mode(state_toml) == 0o600  # no keyring: file, 0600
    await service.refresh_license()
    service.set_alias("leak-sweep-box")
    await service.authorize_offline(connect=True)
    sweep.add("status --json", json.dumps(service.status().to_json()))
    await service.check_in()
    portal.faults.set("*/userLicenseType", error_498=True, times=1)  # a password session can't renew: sign in again
    await expect(sweep, NotSignedIn, service.refresh_license())
    await service.sign_in("pro_adv", DEMO_PASSWORD)
    await service.sign_out()


async def sso_walk(service, portal, sweep: Sweep) -> None:
    request = service.begin_sso()
    code, _ = await approve_in_browser(request.authorize_url, portal.ca_path, "creator_std", DEMO_PASSWORD)
    await service.complete_sso(request, f"SUCCESS code={code}")
    await expect(sweep, AuthError, service.complete_sso(request, code))  # a code is single-use
    portal.faults.set("*/userLicenseType", error_498=True, times=1)  # one renewal, one replay
    await service.refresh_license()
    await service.authorize_offline(connect=False)  # ends the session
    request = service.begin_sso()
    code, _ = await approve_in_browser(request.authorize_url, portal.ca_path, "creator_std", DEMO_PASSWORD)
    await service.complete_sso(request, code)
    await service.check_in()
    portal.faults.set("*/userLicenseType", error_498=True)  # the renewed token is refused too: sign in again
    await expect(sweep, NotSignedIn, service.refresh_license())
    portal.faults.clear()


async def unreachable_walk(make_service, portal, sweep: Sweep) -> None:
    portal.faults.set("generateToken", reset=True, times=1)
    async with make_service("machine-c") as service:
        await expect(sweep, PortalUnreachable, service.sign_in("pro_adv", DEMO_PASSWORD))
    portal.faults.set("generateToken", hang=True, times=1)
    async with make_service("machine-d", read_timeout=0.3) as service:
        await expect(sweep, PortalUnreachable, service.sign_in("pro_adv", DEMO_PASSWORD))


@pytest.mark.e2e
async def test_tp_redact_service_full_run_at_debug(tmp_path, demo_portal, make_service, tap, no_keyring):
    sweep = Sweep(tap)
    with debug_log_to(tmp_path / "debug.log") as log:
        async with make_service("machine-a") as service:
            await password_walk(service, demo_portal, sweep)
        async with make_service("machine-b") as service:
            await sso_walk(service, demo_portal, sweep)
        await unreachable_walk(make_service, demo_portal, sweep)
    sweep.add_file("debug log", log)
    assert "POST /sharing/rest/generateToken" in log.read_text()  # the log really is at debug level
    report(sweep, demo_portal, "service", sweep_states(sweep, tmp_path / "state"))


# --- the CLI, in subprocesses with --debug ------------------------------------------------------------------------
def run_cli(sweep: Sweep, env: dict, *args: str, stdin: str = "", expect_code: int = 0) -> str:
    result = subprocess.run([sys.executable, "-m", "tui", "--debug", *args], input=stdin, env=env,
                            capture_output=True, text=True, timeout=60)
    sweep.add(f"cli {args[0]} stdout", result.stdout)
    sweep.add(f"cli {args[0]} stderr", result.stderr)
    assert result.returncode == expect_code, (args, result.returncode, result.stderr[-500:])
    return result.stdout


def cli_sso_sign_in(sweep: Sweep, env: dict, portal) -> None:
    """`sign-in --sso`: read the link from stderr, approve it in the 'browser', paste the code."""
    import asyncio

    child = subprocess.Popen([sys.executable, "-m", "tui", "sign-in", "--sso"], env=env, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    shown, deadline = "", time.monotonic() + 30
    while "\nCode: " not in shown and time.monotonic() < deadline:
        if select.select([child.stderr], [], [], 1)[0]:
            shown += os.read(child.stderr.fileno(), 65536).decode()
    url = next(line for line in shown.splitlines() if "oauth2/authorize" in line).strip()
    code, _ = asyncio.run(approve_in_browser(url, portal.ca_path, "pro_adv", DEMO_PASSWORD))
    out, err = child.communicate(code + "\n", timeout=60)
    sweep.add("cli sign-in --sso stderr", shown + err)
    sweep.add("cli sign-in --sso stdout", out)
    assert child.returncode == 0, err[-500:]


def cli_walk(sweep: Sweep, env: dict, portal) -> None:
    password = DEMO_PASSWORD + "\n"
    run_cli(sweep, env, "sign-in", "--username", "pro_adv", "--password-stdin", stdin=WRONG_PASSWORD + "\n",
            expect_code=3)
    run_cli(sweep, env, "sign-in", "--portal", portal.url, "--username", "pro_adv", "--password-stdin", stdin=password)
    for args in (["status"], ["status", "--json"], ["license", "--json"], ["alias", "set", "leak-sweep-cli"],
                 ["alias", "show"], ["offline", "authorize", "--connect"], ["status", "--json"],
                 ["offline", "check-in"]):
        run_cli(sweep, env, *args)
    portal.faults.set("*/userLicenseType", error_498=True, times=1)
    run_cli(sweep, env, "license", expect_code=3)
    run_cli(sweep, env, "sign-in", "--username", "pro_adv", "--password-stdin", stdin=password)
    run_cli(sweep, env, "sign-out")
    cli_sso_sign_in(sweep, env, portal)
    portal.faults.set("*/userLicenseType", error_498=True, times=1)
    run_cli(sweep, env, "license", "--json")  # renewed with the refresh token, replayed once
    run_cli(sweep, env, "sign-out")
    portal.faults.set("generateToken", reset=True, times=1)
    run_cli(sweep, env, "sign-in", "--username", "pro_adv", "--password-stdin", stdin=password, expect_code=5)


@pytest.mark.e2e
def test_tp_redact_cli_full_run_at_debug(tmp_path, demo_portal, tap):
    sweep = Sweep(tap)
    env = cli_env(tmp_path, demo_portal)
    env.update({"ALLSOURCE_TUI_DEBUG": "1", "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    cli_walk(sweep, env, demo_portal)
    debug_lines = sum(text.count(" DEBUG ") for sink, text in sweep.texts if "stderr" in sink)
    assert debug_lines > 50, "the CLI really logged at debug level"
    report(sweep, demo_portal, "CLI --debug", sweep_states(sweep, tmp_path / "cli-state"))


# --- the TUI under Pilot, ending in a crash ------------------------------------------------------------------------
def crash_console(app) -> io.StringIO:
    """Point the app's error console (where Textual prints the crash screen on exit) at a string."""
    from rich.console import Console

    buffer = io.StringIO()
    app.error_console = Console(file=buffer, width=120, color_system=None, markup=False, highlight=False)
    return buffer


def leaky_bug(app) -> None:
    """A bug in a handler whose locals and message hold raw secrets: the worst case the crash screen must survive."""
    session = app.service.read_state().session
    raw_token = session.access_token.reveal()
    raise RuntimeError(f"simulated bug with token={raw_token} in {session!r} ({raw_token})")


async def tui_crash_run(make_app, sweep: Sweep, *, in_worker: bool) -> str:
    app = make_app("machine-w" if in_worker else "machine-h", check_license_at_start=False)
    buffer = crash_console(app)
    with pytest.raises(Exception) as caught:
        async with app.run_test() as pilot:
            await sign_in_with_keys(pilot, "pro_adv")
            await pilot.press("s")
            await pilot.press("r")
            await settle(pilot)
            if in_worker:
                app.run_worker(lambda: leaky_bug(app), thread=True)
            else:
                app.call_later(leaky_bug, app)
            await pilot.pause(0.2)
    crash = buffer.getvalue()
    sweep.add(f"crash screen ({'worker' if in_worker else 'handler'})", crash)
    raw = str(caught.value)  # the bug itself carries the raw token: the crash screen had something to mask
    assert any(secret in raw for secret in sweep.tap.random_secrets())
    assert "allsource-tui stopped on an unexpected error" in crash
    assert ("WorkerFailed" if in_worker else "Traceback") in crash  # Textual's WorkerFailed carries no traceback
    return crash


@pytest.mark.e2e
async def test_tp_redact_tui_run_and_crash_screen(tmp_path, demo_portal, make_app, tap, no_keyring):
    sweep = Sweep(tap)
    with debug_log_to(tmp_path / "debug.log") as log:
        wrong = make_app("machine-x")
        async with wrong.run_test() as pilot:
            await sign_in_with_keys(pilot, "pro_adv", WRONG_PASSWORD)
            sweep.add("sign-in window", screen_text(wrong))
            await type_text(pilot, DEMO_PASSWORD)
            await pilot.press("enter")
            await settle(pilot)
            for key in ("s", "r", "2", "3"):  # Settings, refresh the license, Portals and About tabs
                await pilot.press(key)
                await settle(pilot)
                sweep.add(f"screen after {key}", screen_text(wrong))
            await pilot.press("o")  # sign out: its worker waits on the confirmation, so don't wait for workers
            await pilot.pause(0.2)
            await pilot.press("y")
            await settle(pilot)
            assert isinstance(wrong.screen, SignInScreen)
        handler_crash = await tui_crash_run(make_app, sweep, in_worker=False)
        await tui_crash_run(make_app, sweep, in_worker=True)
    sweep.add_file("debug log", log)
    assert "simulated bug with token=***" in handler_crash  # the crash screen shows the bug, masked
    report(sweep, demo_portal, "TUI + crash screen", sweep_states(sweep, tmp_path / "state"), min_requests=20)


def test_the_sweep_finds_a_whole_secret_and_an_8_character_piece(monkeypatch):
    """Negative control: the scanner does see what it is meant to catch."""
    from tui.core.secret import Secret

    tap = SecretTap(monkeypatch, passwords=["Planted-Passw0rd"])
    token = Secret("pLaNtEd-t0ken-" + os.urandom(16).hex())
    sweep = Sweep(tap)
    sweep.add("clean", "nothing to see, token=*** and X-Esri-Authorization: Bearer ***")
    sweep.add("whole", f"oops {token.reveal()}")
    sweep.add("piece", f"oops {token.reveal()[5:13]}")
    sweep.add("password", "typed Planted-Passw0rd")
    assert [(leak.sink, leak.what) for leak in sweep.leaks()] == [("whole", "whole"), ("piece", "piece"),
                                                                   ("password", "whole")]
    assert bad_request_urls([type("R", (), {"method": "GET", "path": "/x", "query": "f=json&token=abc"})()],
                            set()) == ["GET /x"]


# --- generated tokens through the sinks (docs/reliability.md TP-REDACT, hypothesis) -----------------------------------
ARCGIS_CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."


def through_the_sinks(registered: str, unregistered: str, log_file: Path) -> list[str]:
    """One example: a registered secret and an unregistered one (another process's, in token fields and the token
    header) through a log line with a traceback, and through HTTPStatusError text; returns what the sinks show."""
    import logging

    import httpx

    from tui.core.redact import redact
    from tui.core.secret import Secret

    fields = (f"token={unregistered}&f=json X-Esri-Authorization: Bearer {unregistered} "
              f'{{"refresh_token": "{unregistered}"}} password={unregistered}')
    request = httpx.Request("GET", f"https://portal.test/x?token={registered}")
    status_error = httpx.HTTPStatusError(f"Bad {request.url} {registered}", request=request,
                                         response=httpx.Response(500, request=request))
    offset = log_file.stat().st_size
    try:
        raise RuntimeError(f"failed with {registered}") from status_error
    except RuntimeError:
        logging.getLogger("tui.test.redact").error("call with %s / %r failed; %s", registered, Secret(registered),
                                                   fields, exc_info=True)
    with log_file.open(encoding="utf-8") as written:
        written.seek(offset)
        return [written.read(), redact(str(status_error)), redact(repr(status_error)), redact(fields)]


def test_tp_redact_generated_tokens_through_logs_and_error_text(tmp_path) -> None:
    """Registered tokens (every Secret is) never reach a log line, a traceback or an error text; an unregistered one
    (another process's) is still masked wherever it appears as a token field or header."""
    from hypothesis import HealthCheck, assume, given, settings
    from hypothesis import strategies as st

    from tui.core.secret import Secret, forget_secret

    examples, leaks = [0], []

    @settings(max_examples=2000 if STRESS else 300, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(st.text(ARCGIS_CHARSET, min_size=16, max_size=512), st.text(ARCGIS_CHARSET, min_size=16, max_size=64))
    def check(registered: str, unregistered: str) -> None:
        # Hypothesis also tries literals from the code, e.g. "X-Esri-Authoriza": a secret equal to a piece of the
        # sinks' own words (a header name) is no real token, and masking it would hide the pattern that follows.
        assume(unregistered not in neutral and registered not in neutral)
        examples[0] += 1
        Secret(registered)
        try:
            texts = through_the_sinks(registered, unregistered, log_file)
        finally:
            forget_secret(registered)  # one example's secret must not mask the next example's text
        assert "failed with ***" in texts[0]  # the line, with its traceback, was written
        found = [text for text in texts if registered in text or unregistered in text]
        leaks.extend(found)
        assert not found, (registered, unregistered, found)  # hypothesis shrinks and reports the example

    with debug_log_to(tmp_path / "generated.log") as log_file:
        Secret("R" * 16)
        neutral = "".join(through_the_sinks("R" * 16, "U" * 16, log_file))
        forget_secret("R" * 16)
        check()
    print(f"\nTP-REDACT generated: {examples[0]} examples (registered tokens 16-512 chars, ArcGIS charset, plus "
          f"unregistered ones in token fields/headers) through log lines with tracebacks and HTTPStatusError text: "
          f"{len(leaks)} occurrences")
    assert leaks == [] and examples[0] >= 300
