"""The parse boundary: portal strings arrive cleaned, and any top-level "error" member is an error (issue 11)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.hostile_support import hostile_strings, strings_in
from tui.core.errors import PortalError
from tui.core.machine import MachineIdentity
from tui.core.settings import NetworkSettings, PortalSettings, Settings
from tui.core.text import clean, has_unsafe
from tui.portal.envelope import parse_answer
from tui.portal.models import User, UserLicenses


@given(st.text())
def test_clean_leaves_no_unsafe_character_and_is_idempotent(text: str) -> None:
    cleaned = clean(text)
    assert not has_unsafe(cleaned) and clean(cleaned) == cleaned
    assert "\n" not in cleaned and "\r" not in cleaned


@given(hostile_strings)
def test_multiline_keeps_newlines_only(text: str) -> None:
    cleaned = clean(text, multiline=True)
    assert not has_unsafe(cleaned.replace("\n", ""))


def test_controls_are_shown_not_dropped() -> None:
    assert clean("A\x1b]0;t\x07B\x9bC\u202eD\r\nE\x7f") == "A␛]0;t␇B\\x9bC\\u202eD E␡"


@given(hostile_strings)
def test_every_string_of_an_answer_is_cleaned_where_it_is_parsed(text: str) -> None:
    body = {"fullName": text, "username": "u", text: [text, {"name": text}], "nested": {"details": [text]}}
    parsed = parse_answer(httpx.Response(200, json=body), "portal.test")
    assert not any(has_unsafe(s) for s in strings_in(parsed))
    assert User.parse(parsed).full_name == clean(text)


@given(hostile_strings)
def test_error_message_and_details_are_cleaned(text: str) -> None:
    body = {"error": {"code": 400, "message": text, "details": [text], "messageCode": "ASTUI_WRONG_COMPUTER"}}
    with pytest.raises(PortalError) as caught:
        parse_answer(httpx.Response(200, json=body), "portal.test")
    error = caught.value
    assert not has_unsafe(error.message) and not any(has_unsafe(d) for d in error.details)


def test_json_inside_a_string_is_cleaned_after_it_is_decoded() -> None:
    inner = json.dumps({"username": "a\x1b[2Jb", "entitlements": ["x\u202ey"], "licenses": []})
    licenses = UserLicenses.parse(parse_answer(httpx.Response(200, json={"userEntitlementsString": inner}), "p"))
    assert (licenses.username, licenses.entitlements) == ("a␛[2Jb", ("x\\u202ey",))


@pytest.mark.parametrize("error", ["invalid_request", "Something failed", 498, ["bad"], True, {"code": 500}])
def test_any_top_level_error_member_is_an_error(error: object) -> None:
    with pytest.raises(PortalError):
        parse_answer(httpx.Response(200, json={"error": error, "name": "Advanced"}), "portal.test")


def test_an_oauth_error_string_keeps_its_code_and_description() -> None:
    body = {"error": "invalid_grant", "error_description": "The code has expired\x1b[2J"}
    with pytest.raises(PortalError) as caught:
        parse_answer(httpx.Response(400, json=body), "portal.test")
    assert caught.value.message_code == "invalid_grant" and "expired␛[2J" in caught.value.message


class _ErrorStringFor(httpx.AsyncBaseTransport):
    """The demo portal in-process, except that one path answers HTTP 200 with ``{"error": <value>}``."""

    def __init__(self, demo_app, path_end: str) -> None:
        self._asgi, self.path_end, self.value = httpx.ASGITransport(app=demo_app), path_end, None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.value is not None and request.url.path.endswith(self.path_end):
            return httpx.Response(200, json={"error": self.value}, request=request)
        return await self._asgi.handle_async_request(request)


@pytest.mark.parametrize("value", ["Service unavailable", 503, ["busy"]])
async def test_a_string_error_body_never_overwrites_the_stored_license(value: object, tmp_path: Path) -> None:
    from tui.demo_portal import create_app
    from tui.service.licensing import LicensingService
    from tui.state.store import StateStore

    transport = _ErrorStringFor(create_app(tmp_path / "portal"), "/userLicenseType")
    settings = Settings(portal=PortalSettings(licensing_portal_url="https://127.0.0.1:8443"),
                        network=NetworkSettings(max_retries=0))
    machine = MachineIdentity(machine_id="machine-a", os_user="tester", hostname="host-a")
    service = LicensingService(settings, StateStore(tmp_path / "state"), machine, transport=transport)
    async with service:
        await service.sign_in("pro_adv", "allsource-demo")
        before = service.store.path.read_bytes()
        transport.value = value
        with pytest.raises(PortalError):
            await service.refresh_license()
        assert service.store.path.read_bytes() == before
        assert service.status().license.level == "Advanced"


def test_the_fast_scan_agrees_with_the_per_character_rule() -> None:
    from tui.core.text import is_unsafe

    for code in range(0x3000):
        char = chr(code)
        assert has_unsafe(char) == is_unsafe(char), hex(code)
