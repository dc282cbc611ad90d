"""LicensingPortalDialog: kind choice, as-you-type URL messages, the save worker and its errors, a real save.

The fake service stands for LicensingService: it records each call and answers with a portal or raises.
"""

from __future__ import annotations

import asyncio
import tomllib

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Button, Input, RadioSet, Static

from screens.portal_dialog import URL_EXAMPLES, LicensingPortalDialog
from tui.core.errors import LicenseRuleError, PortalUnreachable, UsageError
from tui.core.models import LicensingPortal
from tui.core.urls import normalize_portal_url, validate_portal_url_as_you_type

ONLINE = LicensingPortal(url="https://www.arcgis.com", kind="online")
ENTERPRISE_URL = "https://gis.example.com/portal"


class FakeService:
    def __init__(self, *answers: LicensingPortal | BaseException) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[str, str, bool]] = []
        self.release = asyncio.Event()
        self.hold = False

    async def set_licensing_portal(self, kind, url, *, save_if_unreachable=False) -> LicensingPortal:
        self.calls.append((kind, url, save_if_unreachable))
        if self.hold:
            await self.release.wait()
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


class Host(App[None]):
    def __init__(self, service, current: LicensingPortal = ONLINE) -> None:
        super().__init__()
        self.service, self.current = service, current
        self.results: list[LicensingPortal | None] = []

    def compose(self) -> ComposeResult:
        yield Static("host screen")

    def on_mount(self) -> None:
        self.push_screen(LicensingPortalDialog(self.service, self.current), callback=self.results.append)


def text_of(app: App, selector: str) -> str:
    return app.screen.query_one(selector, Static).visual.plain


async def type_url(pilot, url: str) -> None:
    """Clear the field and type ``url`` key by key (slow: ~0.1 s a key under Pilot)."""
    await pilot.press("ctrl+u", *url)


async def paste_url(pilot, url: str) -> None:
    """Clear the field and paste ``url`` as a terminal's bracketed paste does (one event)."""
    await pilot.press("ctrl+u")
    pilot.app.screen.query_one("#url", Input).post_message(events.Paste(url))
    await pilot.pause()


async def settle(app: App, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_prefill_and_switching_kind_changes_the_example() -> None:
    app = Host(FakeService(), LicensingPortal(url=ENTERPRISE_URL, kind="enterprise"))
    async with app.run_test() as pilot:
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, LicensingPortalDialog)
        url = dialog.query_one("#url", Input)
        assert url.value == ENTERPRISE_URL and dialog.kind == "enterprise"
        assert dialog.query_one("#kind", RadioSet).pressed_button.id == "enterprise"
        assert URL_EXAMPLES["enterprise"] in text_of(app, "#example") and "www." in text_of(app, "#example")
        assert url.placeholder == URL_EXAMPLES["enterprise"]

        await pilot.press("f3")                       # key bound on the dialog
        await pilot.pause()
        assert dialog.kind == "online"
        assert text_of(app, "#example") == f"Example: {URL_EXAMPLES['online']}"
        assert url.placeholder == URL_EXAMPLES["online"]
        # the same URL is now judged as ArcGIS Online
        assert text_of(app, "#url-feedback") == f"Error: {validate_portal_url_as_you_type(ENTERPRISE_URL, 'online')}"

        await pilot.press("shift+tab", "down", "space")   # the RadioSet itself: arrows + space
        await pilot.pause()
        assert app.focused is dialog.query_one("#kind", RadioSet)
        assert dialog.kind == "enterprise"
        assert URL_EXAMPLES["enterprise"] in text_of(app, "#example")
        assert text_of(app, "#url-feedback") == f"Valid URL: it will be saved as {ENTERPRISE_URL}"


async def test_inline_messages_as_you_type() -> None:
    service = FakeService()
    app = Host(service)
    async with app.run_test() as pilot:
        await pilot.pause()
        url = app.screen.query_one("#url", Input)
        cases = [
            ("online", "http://www.arcgis.com", "https"),
            ("enterprise", "https://www.example.com/portal", "www."),
            ("enterprise", "https://gis.example.com", "web adaptor"),
        ]
        for index, (kind, typed, hint) in enumerate(cases):
            await pilot.press("f3" if kind == "online" else "f4")
            await (type_url if index == 0 else paste_url)(pilot, typed)
            expected = validate_portal_url_as_you_type(typed, kind)
            assert expected is not None and hint in expected.lower(), (typed, expected)
            assert text_of(app, "#url-feedback") == f"Error: {expected}", typed
            assert url.has_class("-invalid"), typed
            await pilot.press("enter")                # OK is refused locally, the service isn't asked
            await pilot.pause()
            # the sentence stays under the field, once: not repeated on the status line below it
            assert text_of(app, "#url-feedback") == f"Error: {expected}", typed
            assert text_of(app, "#status") == "", typed
        assert service.calls == [] and app.results == []

        await paste_url(pilot, "HTTPS://GIS.example.com/portal/home/")
        assert text_of(app, "#url-feedback") == f"Valid URL: it will be saved as {ENTERPRISE_URL}"
        assert not url.has_class("-invalid") and text_of(app, "#status") == ""


async def test_ok_saves_through_the_service_and_dismisses_with_its_portal() -> None:
    saved = LicensingPortal(url=ENTERPRISE_URL, kind="enterprise")
    service = FakeService(saved)
    app = Host(service)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("f4")
        await paste_url(pilot, ENTERPRISE_URL + "/sharing/rest")
        await pilot.press("enter")
        await settle(app, pilot)
        assert service.calls == [("enterprise", ENTERPRISE_URL, False)]
        assert app.results == [saved]
        assert not isinstance(app.screen, LicensingPortalDialog)


async def test_kind_mismatch_and_offline_refusals_stay_inline() -> None:
    mismatch = UsageError(f"{ENTERPRISE_URL} is an ArcGIS Online portal, not the kind you chose; choose ArcGIS Online.")
    offline = LicenseRuleError("Your license is authorized to work offline; check the license in first.")
    service = FakeService(mismatch, offline)
    app = Host(service)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("f4")
        await paste_url(pilot, ENTERPRISE_URL)
        for error in (mismatch, offline):
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, LicensingPortalDialog)
            assert text_of(app, "#status") == f"Error: {error.user_message}"
            assert not app.screen.has_class("-offer-save")
        assert len(service.calls) == 2 and app.results == []
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]


async def test_unreachable_offers_save_anyway() -> None:
    saved = LicensingPortal(url=ENTERPRISE_URL, kind="enterprise")
    unreachable = PortalUnreachable("Could not reach gis.example.com [Errno 111]. Save it anyway only if you are sure.")
    service = FakeService(unreachable, saved)
    app = Host(service)
    async with app.run_test() as pilot:
        await pilot.pause()
        dialog = app.screen
        save_anyway = dialog.query_one("#save-anyway", Button)
        assert not save_anyway.display
        await pilot.press("f2")                       # no offer yet: F2 does nothing
        await pilot.press("f4")
        await paste_url(pilot, ENTERPRISE_URL)
        await pilot.press("enter")
        await settle(app, pilot)
        status = text_of(app, "#status")
        assert status.startswith(f"Error: {unreachable.user_message}") and "F2" in status
        assert save_anyway.display and str(save_anyway.label) == "Save anyway [F2]"
        await pilot.press("f2")
        await settle(app, pilot)
        assert service.calls == [("enterprise", ENTERPRISE_URL, False), ("enterprise", ENTERPRISE_URL, True)]
        assert app.results == [saved]


async def test_editing_the_url_withdraws_the_offer() -> None:
    service = FakeService(PortalUnreachable("No answer."))
    app = Host(service)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.has_class("-offer-save")
        await pilot.press("backspace")
        assert not app.screen.has_class("-offer-save") and text_of(app, "#status") == ""
        await pilot.press("f2")
        await pilot.pause()
        assert len(service.calls) == 1 and app.results == []


async def test_progress_is_shown_and_escape_still_cancels() -> None:
    service = FakeService(ONLINE)
    service.hold = True
    app = Host(service)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert text_of(app, "#status").startswith("Checking https://www.arcgis.com")
        assert app.screen.query_one("#ok", Button).disabled
        await pilot.press("enter")                    # a second OK while busy starts nothing
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None] and service.calls == [("online", "https://www.arcgis.com", False)]


async def test_mouse_click_ok() -> None:
    service = FakeService(ONLINE)
    app = Host(service)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.click("#ok")
        await settle(app, pilot)
        assert app.results == [ONLINE]


async def test_real_service_switches_to_the_demo_enterprise_portal(demo_portal, make_service) -> None:
    service = make_service()
    app = Host(service, service.licensing_portal())
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("f4")
        await paste_url(pilot, demo_portal.enterprise_url)
        await pilot.press("enter")
        await settle(app, pilot)
    expected = LicensingPortal(url=normalize_portal_url(demo_portal.enterprise_url, "enterprise"), kind="enterprise")
    assert app.results == [expected]
    saved = tomllib.loads(service.store.path.read_text())
    assert saved["licensing_portal"] == {"url": expected.url, "kind": "enterprise"}


async def test_an_enterprise_url_error_gives_an_enterprise_example() -> None:
    """The examples follow the chosen kind: ArcGIS Enterprise is never shown https://www.arcgis.com, a URL the
    same dialog refuses for that kind."""
    app = Host(FakeService())
    async with app.run_test() as pilot:
        await pilot.press("f4")
        await paste_url(pilot, "gis.example.com/portal")
        feedback = text_of(app, "#url-feedback")
        assert feedback == ("Error: The portal URL must start with https://, for example "
                            "https://gis.example.com/portal.")
        assert validate_portal_url_as_you_type("https://gis.example.com/portal", "enterprise") is None
        await pilot.press("ctrl+u", "enter")
        await pilot.pause()
        shown = text_of(app, "#url-feedback") + text_of(app, "#status") + text_of(app, "#example")
        assert "www.arcgis.com" not in shown, shown
