"""Settings › Organization (issue 14) on its own: the table, sorting, filtering by typing, the offline mark, the
member dialog with its confirmation, and the AdminAction messages the pane posts up."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from screens.confirm_dialog import ConfirmDialog
from screens.member_dialog import AdminAction, MemberDialog
from screens.organization_pane import OrganizationPane
from tests.conftest import screen_text
from tests.organization_host import MEMBERS, PaneHost, member

SIZE = (80, 24)


def rows(app: PaneHost) -> list[list[str]]:
    table = app.query_one("#members", DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


def usernames(app: PaneHost) -> list[str]:
    return [row[0] for row in rows(app)]


def actions(app: PaneHost) -> list[AdminAction]:
    return [message for message in app.posted if isinstance(message, AdminAction)]


async def test_the_table_lists_members_by_user_and_marks_offline_holders_with_their_alias():
    app = PaneHost(MEMBERS)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert usernames(app) == sorted(m.username for m in MEMBERS)
        by_user = {row[0]: row for row in rows(app)}
        assert by_user["member017"] == ["member017", "Basic", "✈ Field tablet 2", "Rae Fischer", "user type"]
        assert by_user["creator_std"][2] == ""
        text = screen_text(app)
        assert "8 members · 2 offline (✈) · offline use allowed" in text
        assert "User ▲" in text
        assert isinstance(app.focused, Input)  # typing filters at once


async def test_f6_f7_f8_sort_by_user_level_offline_and_again_reverses():
    app = PaneHost(MEMBERS)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        levels = [row[1] for row in rows(app)]
        assert levels == sorted(levels, key=["Basic", "Standard", "Advanced"].index)
        assert usernames(app)[:2] == ["member001", "member017"]  # ties broken by username
        await pilot.press("f7")
        assert next(row[1] for row in rows(app)) == "Advanced"
        await pilot.press("f8")
        assert usernames(app)[:2] == ["member034", "member017"]  # offline first, by alias: Boat, Field
        await pilot.press("f6", "f6")
        assert usernames(app) == sorted((m.username for m in MEMBERS), reverse=True)
        assert "User ▼" in screen_text(app)


async def test_typing_filters_esc_clears_and_arrows_move_in_the_table():
    app = PaneHost(MEMBERS)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"boat")
        assert usernames(app) == ["member034"]
        assert "1 of 8 members" in screen_text(app)
        await pilot.press("escape")
        assert len(usernames(app)) == 8 and app.query_one("#filter", Input).value == ""
        await pilot.press(*"advanced")
        assert set(usernames(app)) == {"member010", "org_admin", "pro_adv"}
        await pilot.press("down")
        assert app.query_one(OrganizationPane).highlighted.username == "org_admin"


async def test_enter_on_a_checked_out_member_offers_only_release_and_says_why():
    app = PaneHost(MEMBERS)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"rae", "enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MemberDialog) and dialog.member.username == "member017"
        text = screen_text(app)
        assert "Offline: ✈ Field tablet 2 — computer machine-member017, OS user" in text
        assert "member017-os, checked out 2026-08-29T10:40:00Z" in text and "the portal allows no" in text
        assert "Apply" not in text and "Unassign" not in text  # neither a button nor a key while it is out
        await pilot.press("a", "u")  # not offered while checked out: nothing happens
        await pilot.pause()
        assert app.screen is dialog
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Release member017's offline license on 'Field tablet 2'?" in screen_text(app)
        await pilot.press("y")
        await pilot.pause()
        assert not isinstance(app.screen, (MemberDialog, ConfirmDialog))
    assert [(a.kind, a.username) for a in actions(app)] == [("release", "member017")]


async def test_assign_a_level_and_extensions_after_confirmation_and_no_means_nothing_is_posted():
    app = PaneHost(MEMBERS)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"casey", "enter")
        await pilot.pause()
        await pilot.click("#level-Advanced")
        await pilot.press("a")
        await pilot.pause()
        assert "Assign ArcGIS AllSource Advanced with Geostatistical Analyst to" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, MemberDialog) and actions(app) == []
        await pilot.press("a", "y")
        await pilot.pause()
    [action] = actions(app)
    assert (action.kind, action.username, action.level, action.extensions) == (
        "assign", "creator_std", "Advanced", ("Geostatistical Analyst",))


async def test_unassign_is_offered_for_add_ons_only():
    app = PaneHost(MEMBERS)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"avery", "enter", "u")
        await pilot.pause()
        assert isinstance(app.screen, MemberDialog)  # a user-type license can't be unassigned here
        await pilot.press("escape", "ctrl+u", *"fay", "enter", "u", "y")
        await pilot.pause()
    assert [(a.kind, a.username) for a in actions(app)] == [("unassign", "member005")]


async def test_f9_asks_then_posts_the_organization_wide_offline_switch():
    app = PaneHost(MEMBERS, offline_allowed=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        assert "Prevent taking ArcGIS AllSource offline for the whole organization?" in screen_text(app)
        await pilot.press("y")
        await pilot.pause()
    assert [a.kind for a in actions(app)] == ["prevent_offline"]


async def test_without_members_it_asks_for_them_and_then_shows_updates_and_refusals():
    app = PaneHost(None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert [type(m) for m in app.posted] == [OrganizationPane.LoadRequested]
        assert "Reading the organization's members…" in screen_text(app)
        pane = app.query_one(OrganizationPane)
        pane.show_members(MEMBERS[:3], offline_allowed=False)
        await pilot.pause()
        pane.show_notice("member017's license is checked out; release it first.")
        await pilot.pause()
        assert len(usernames(app)) == 3 and "release it first" in screen_text(app)
        pane.update_member(member("creator_std", "Casey Creator", None))  # unassigned: leaves the list
        pane.update_member(member("member017", "Rae Fischer", "Basic", user_type="GIS Professional Basic"))
        await pilot.pause()
        assert usernames(app) == ["member017", "pro_adv"]
        assert rows(app)[0][2] == "" and "0 offline" in screen_text(app)
