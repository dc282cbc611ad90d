"""Issue 12, fixes 1-6: the service against a portal that answers like a real ArcGIS portal (httpx.MockTransport).

Unlike the demo portal, this one knows the user only by the canonical username of community/self, refuses
userEntitlements when told to, has no revoke for generateToken tokens, and may omit fullName.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.test_portal_support import arcgis, fixture, form
from tui.cli.output import license_lines, status_lines
from tui.core.errors import AccountLocked, Forbidden
from tui.core.machine import MachineIdentity
from tui.core.settings import PortalSettings, Settings
from tui.service.licensing import LicensingService
from tui.state.store import StateStore

PORTAL = "https://gis.corp.test/portal"
LISTING = "0123456789abcdef0123456789abcdef"
NOT_FOUND_USER = {"error": {"code": 400, "messageCode": "COM_0003",
                            "message": "User does not exist or is inaccessible.", "details": []}}


class RealShapedPortal:
    def __init__(self, *, full_name: str | None = "Jane Doe", entitlements: object = None, disconnected=False,
                 included: tuple[str, ...] = (), locked: bool = False) -> None:
        self.full_name, self.included, self.locked = full_name, included, locked
        self.entitlements = ["desktopStdN", "spatialAnalystN"] if entitlements is None else entitlements
        self.disconnected = disconnected
        self.requests: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path.removeprefix("/portal/sharing/rest/")
        if path == "generateToken":
            if self.locked:
                return arcgis({"error": {"code": 400, "message": "Unable to generate token.",
                                         "details": ["Too many invalid attempts. Please try again later."]}})
            expires = int((time.time() + 3600) * 1000)
            return arcgis({"token": "tok-" + form(request)["username"][-4:], "expires": expires, "ssl": True})
        if path == "info":
            return arcgis(fixture("sharing-rest-info.json"))
        if path == "oauth2/revokeToken":
            return arcgis({"error": {"code": 400, "error": "invalid_client_id", "message": "Invalid client_id",
                                     "error_description": "Invalid client_id", "details": []}})
        if path == "community/self":
            user = {"username": "jdoe", "orgId": "org1", "role": "org_user", "disabled": False}
            return arcgis(user | ({"fullName": self.full_name} if self.full_name is not None else {}))
        if not path.startswith(("community/users/jdoe/", f"content/listings/{LISTING}/userEntitlements/jdoe")):
            return arcgis(NOT_FOUND_USER)
        return self._user_scoped(path)

    def _user_scoped(self, path: str) -> httpx.Response:
        if path.endswith("userLicenseType"):
            apps = [{"id": LISTING, "title": "ArcGIS AllSource", "entitlements": list(self.included)}] \
                if self.included else []
            return arcgis({"id": "creatorUT", "name": "Creator", "apps": apps})
        if path.endswith("provisionedListings"):
            return arcgis({"provisionedListings": [{"itemId": LISTING, "title": "ArcGIS AllSource"}],
                           "nextStart": -1})
        if isinstance(self.entitlements, dict):  # an error envelope
            return arcgis(self.entitlements)
        return arcgis({"userEntitlements": {"username": "jdoe", "lastLogin": -1, "disconnected": self.disconnected,
                                            "entitlements": self.entitlements}})

    def paths(self) -> list[str]:
        return [r.url.path.removeprefix("/portal/sharing/rest/") for r in self.requests]


def make_service(tmp_path: Path, portal: RealShapedPortal) -> LicensingService:
    settings = Settings(portal=PortalSettings(licensing_portal_url=PORTAL, licensing_portal_kind="enterprise"))
    machine = MachineIdentity(machine_id="m1", os_user="tester", hostname="host-m1")
    return LicensingService(settings, StateStore(tmp_path / "state"), machine,
                            transport=httpx.MockTransport(portal.handler))


async def test_a_directory_style_login_uses_the_canonical_username_for_every_user_call(tmp_path):
    portal = RealShapedPortal()
    async with make_service(tmp_path, portal) as service:
        license_info = await service.sign_in("CORP\\jdoe", "secret")
        assert license_info.level == "Standard" and license_info.licensed_extensions == ["Spatial Analyst"]
        assert service.status().username == "jdoe"
    user_calls = [p for p in portal.paths() if "/users/" in p or "/userEntitlements/" in p]
    assert user_calls and all(p.split("/")[-1] == "jdoe" or "/jdoe/" in p for p in user_calls)


async def test_unreadable_own_entitlements_are_a_notice_and_unknown_extensions(tmp_path):
    portal = RealShapedPortal(entitlements=fixture("error-403-no-permission.json"), included=("desktopBasicN",))
    async with make_service(tmp_path, portal) as service:
        license_info = await service.sign_in("jdoe", "secret")
        status = service.status()
    assert license_info.level == "Basic" and license_info.entitlements_known is False
    assert license_info.to_json()["extensions"]["Spatial Analyst"] is None
    assert status.to_json()["license"]["entitlements_known"] is False
    assert any(n.startswith("Your entitlements could not be read: ") for n in status.to_json()["notices"])
    text = "\n".join(status_lines(status))
    assert "the others are unknown" in text and "Note: Your entitlements could not be read" in text


async def test_unreadable_entitlements_without_an_included_level_are_not_reported_as_no_license(tmp_path):
    portal = RealShapedPortal(entitlements=fixture("error-403-no-permission.json"))
    async with make_service(tmp_path, portal) as service:
        with pytest.raises(Forbidden) as refused:
            await service.sign_in("jdoe", "secret")
    assert refused.value.exit_code == 6
    assert refused.value.user_message.startswith("Your ArcGIS AllSource entitlements could not be read")


async def test_disconnected_is_shown_in_json_and_text(tmp_path):
    portal = RealShapedPortal(disconnected=True)
    async with make_service(tmp_path, portal) as service:
        await service.sign_in("jdoe", "secret")
        status = service.status()
    assert status.to_json()["license"]["disconnected"] is True
    assert "Disconnected: yes" in "\n".join(license_lines(status.license))


async def test_a_locked_account_is_exit_6_with_the_portals_reason(tmp_path):
    portal = RealShapedPortal(locked=True)
    async with make_service(tmp_path, portal) as service:
        with pytest.raises(AccountLocked) as locked:
            await service.sign_in("jdoe", "secret")
    assert locked.value.exit_code == 6
    from tui.ui.widgets.text import try_next

    assert try_next(locked.value).startswith("Try: wait about 15 minutes")
    assert "Too many invalid attempts" in locked.value.user_message
    assert "administrator to unlock it" in locked.value.user_message


async def test_a_missing_full_name_falls_back_to_the_username(tmp_path):
    portal = RealShapedPortal(full_name=None)
    async with make_service(tmp_path, portal) as service:
        await service.sign_in("jdoe", "secret")
        status = service.status()
    assert status.full_name == "jdoe"
    assert status_lines(status)[0] == f"Signed in as jdoe (jdoe) on {PORTAL}"


async def test_sign_out_of_a_password_session_does_not_call_revoke_on_a_real_portal(tmp_path, caplog):
    portal = RealShapedPortal()
    async with make_service(tmp_path, portal) as service:
        await service.sign_in("jdoe", "secret")
        with caplog.at_level(logging.WARNING):
            notices = await service.sign_out()
    assert "oauth2/revokeToken" not in portal.paths()
    assert len(notices) == 1 and "no way to end a password sign-in early" in notices[0]
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_an_unlicensed_sign_in_writes_nothing_but_its_sentence_to_stderr(tmp_path):
    """The refused sign-in's best-effort revoke fails at a real portal: no stray logging line may reach stderr."""
    script = f"""
import asyncio, sys
sys.path.insert(0, {str(Path(__file__).parents[1])!r})
from pathlib import Path
from tests.test_real_portal_protocol import RealShapedPortal, make_service
from tui.service.session import SessionFlows

async def revoke_anyway(self, client, session):
    await client.revoke_token(session.access_token, client_id="allsource-tui")
    return True

async def main():
    SessionFlows._revoke = revoke_anyway  # the real portal refuses this revoke
    portal = RealShapedPortal(entitlements=[])
    async with make_service(Path({str(tmp_path)!r}), portal) as service:
        try:
            await service.sign_in("jdoe", "secret")
        except Exception as error:
            print(type(error).__name__)
asyncio.run(main())
"""
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.strip() == "NoLicenseError"
    assert done.stderr == ""


def test_the_licensing_tab_text_shows_unknown_extensions_and_disconnected():
    from tui.core.models import LicenseInfo
    from tui.ui.widgets.text import extension_rows, extensions_line, license_notes

    info = LicenseInfo(level="Basic", extensions={"3D Analyst": True, "Spatial Analyst": False},
                       disconnected=True, entitlements_known=False, entitlements_notice="Your entitlements …")
    assert extension_rows(info) == [("3D Analyst", "Yes"), ("Spatial Analyst", "Unknown")]
    assert extensions_line(info) == "Extensions: 3D Analyst known, the others unknown (not readable)"
    assert extension_rows(LicenseInfo(level="Basic", extensions={"Spatial Analyst": False})) == \
        [("Spatial Analyst", "No")]
    assert license_notes(info) == ["Disconnected: yes — the portal says this license is checked out for offline use",
                                   "Your entitlements …"]
