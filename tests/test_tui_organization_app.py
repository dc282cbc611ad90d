"""Settings › Organization (issue 14) in the real app, against the demo portal over HTTPS: present only for an
organization administrator, the members read across pages, filtering by typing, an action carried out by the App's
workflow, and the portal's refusal for a member whose license went offline meanwhile (with the release offered)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static

from screens import ConfirmDialog, SettingsScreen
from screens.member_dialog import MemberDialog
from tests.conftest import DEMO_PASSWORD, screen_text, settle, sign_in_with_keys, type_text, wait_until
from tui.demo_portal import accounts, licenses
from tui.demo_portal.store import empty_state

pytestmark = pytest.mark.e2e

SIZE = (80, 24)


def licensed_in_demo() -> set[str]:
    state = empty_state()
    return {m.username for m in accounts.members(accounts.ONLINE) if licenses.has_license(state, m)}


def settings(app) -> SettingsScreen:
    """The Settings screen, also under a dialog."""
    return next(screen for screen in app.screen_stack if isinstance(screen, SettingsScreen))


def rows(app) -> dict[str, list[str]]:
    table = settings(app).query_one("#members", DataTable)
    return {str(row[0]): [str(cell) for cell in row] for row in (table.get_row_at(i) for i in range(table.row_count))}


async def until_release_is_offered(pilot) -> None:
    """The action's worker waits on the question, so it never completes meanwhile: wait for the dialog itself."""
    await wait_until(pilot, lambda: getattr(pilot.app.screen, "heading", "") == "License checked out")


def pane_text(app, widget_id: str) -> str:
    return str(settings(app).query_one(f"#{widget_id}", Static).render())


def status_line(app) -> str:
    return str(settings(app).query_one("#status", Static).render())


async def open_organization_tab(pilot, username: str = "org_admin") -> None:
    await sign_in_with_keys(pilot, username)
    await pilot.press("s")
    await pilot.pause()
    await pilot.press("4")
    await settle(pilot)


async def test_an_administrator_gets_the_tab_filters_by_typing_and_a_confirmed_assign_changes_the_license(
        make_app, make_service):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_organization_tab(pilot)
        assert isinstance(app.screen, SettingsScreen) and app.screen.current_tab == "organization"
        members = rows(app)
        assert set(members) == licensed_in_demo() and len(members) == 233  # three pages of userEntitlements
        assert members["member017"] == ["member017", "Basic", "✈ Field tablet 2", "Rae Fischer", "user type"]
        assert members["creator_std"][:3] == ["creator_std", "Standard", ""]
        offline = len(accounts.SEEDED_CHECKOUTS)
        assert f"233 members · {offline} offline (✈) · offline use allowed" in pane_text(app, "summary")
        assert "4 Organization" in screen_text(app)
        await pilot.press("enter")  # into the pane: the filter field
        assert isinstance(app.focused, Input) and app.focused.id == "filter"
        await type_text(pilot, "casey")
        assert list(rows(app)) == ["creator_std"]
        assert "1 of 233 members" in pane_text(app, "summary")
        await pilot.press("enter")  # Enter opens the member
        await pilot.pause()
        assert isinstance(app.screen, MemberDialog) and app.screen.member.username == "creator_std"
        await pilot.click("#level-Advanced")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert rows(app)["creator_std"][:2] == ["creator_std", "Advanced"]
        assert "Done: creator_std now holds ArcGIS AllSource Advanced (add-on) with Geostatistical Analyst." \
            in status_line(app)
    async with make_service("casey-laptop") as member:  # the member's own client sees it
        assert (await member.sign_in("creator_std", DEMO_PASSWORD)).level == "Advanced"


async def test_a_member_checked_out_meanwhile_is_refused_with_why_and_a_release_offered_declined_then_taken(
        make_app, make_service):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot, make_service("field-laptop", os_user="avery") as member:
        await open_organization_tab(pilot)
        assert rows(app)["pro_adv"][2] == ""  # listed before the member goes offline
        await member.sign_in("pro_adv", DEMO_PASSWORD)
        member.set_alias("Field laptop")
        await member.authorize_offline(connect=True)
        await pilot.press("enter")
        await type_text(pilot, "avery")
        await pilot.press("enter", "a", "y")  # Apply on the stale listing, confirmed
        await until_release_is_offered(pilot)
        why = ("pro_adv's ArcGIS AllSource license is checked out to work offline on 'Field laptop', and the portal "
               "allows no change while it is out; ask them to check it in, or release it.")
        assert isinstance(app.screen, ConfirmDialog)
        assert why in app.screen.message and "Release pro_adv's offline license now?" in app.screen.message
        assert pane_text(app, "notice") == why
        assert rows(app)["pro_adv"][2] == ""  # the table as it was
        await pilot.press("n")  # declined: nothing changes on the portal
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert pane_text(app, "notice") == why
        assert (await member.refresh_license()).disconnected is True
        await pilot.press("enter", "a", "y")  # the same member again, and this time release it
        await until_release_is_offered(pilot)
        assert why in app.screen.message and rows(app)["pro_adv"][2] == ""
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert rows(app)["pro_adv"][2] == "" and pane_text(app, "notice") == ""
        assert "Done: pro_adv's offline license is released and back with the organization." in status_line(app)
        assert (await member.refresh_license()).disconnected is False  # what the member's client meets next


async def test_a_non_administrator_has_no_organization_tab_key_or_command(make_app, demo_portal):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_organization_tab(pilot, "pro_adv")  # "4" does nothing here
        assert isinstance(app.screen, SettingsScreen) and app.screen.current_tab == "licensing"
        assert "Organization" not in screen_text(app)
        assert not app.screen.query("#organization")
        commands = {command.name for command in app.palette_commands()}
        assert "Settings › About" in commands and "Settings › Organization" not in commands
    assert not any(r.path.endswith("/userEntitlements") for r in demo_portal.request_log)


async def test_the_palette_offers_the_organization_tab_to_an_administrator(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in_with_keys(pilot, "org_admin")
        [command] = [c for c in app.palette_commands() if c.name == "Settings › Organization"]
        command.run()
        await settle(pilot)
        assert app.screen.current_tab == "organization" and app.focused.id == "filter"
        assert len(rows(app)) == 233


async def test_a_refused_read_says_why_and_showing_the_tab_again_tries_again(make_app, demo_portal):
    """The session still says "manages licenses" but the portal no longer agrees (the role was taken away)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in_with_keys(pilot, "pro_adv")
        with app.service.store.transaction() as state:
            state["session"]["manages_licenses"] = True
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("4")
        await settle(pilot)
        assert pane_text(app, "notice") == ("Only an organization administrator can list who holds ArcGIS AllSource "
                                            "licenses; sign in as one.")
        assert "could not be read" in pane_text(app, "summary") and rows(app) == {}
        assert "Error: Only an organization administrator can" in status_line(app)
        reads = sum(1 for r in demo_portal.request_log if r.path.endswith("/userEntitlements"))
        await pilot.press("1", "4")
        await settle(pilot)
        assert sum(1 for r in demo_portal.request_log if r.path.endswith("/userEntitlements")) > reads
