"""Snapshots of Settings › Organization (issue 14) at 80x24: the pane hosted alone (tests/organization_host.py),
and the tab in the real app signed in as org_admin.

Update with `pytest tests/test_tui_organization_snapshots.py --snapshot-update` after checking snapshot_report.html.
"""

from __future__ import annotations

from tests.conftest import settle, sign_in_with_keys
from tests.organization_host import MEMBERS, PaneHost

SIZE = (80, 24)


def press(*keys: str):
    async def run_before(pilot) -> None:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()

    return run_before


def test_organization_pane(snap_compare) -> None:
    assert snap_compare(PaneHost(MEMBERS), terminal_size=SIZE, run_before=press())


def test_organization_pane_filtered_and_sorted_by_offline(snap_compare) -> None:
    assert snap_compare(PaneHost(MEMBERS, offline_allowed=False), terminal_size=SIZE,
                        run_before=press("f8", *"standard"))


def test_member_dialog_add_on(snap_compare) -> None:
    assert snap_compare(PaneHost(MEMBERS), terminal_size=SIZE, run_before=press(*"casey", "enter"))


def test_member_dialog_checked_out(snap_compare) -> None:
    assert snap_compare(PaneHost(MEMBERS), terminal_size=SIZE, run_before=press(*"rae", "enter"))


def test_organization_tab_in_the_app_signed_in_as_org_admin(snap_compare, make_local_app):
    """The real app on the demo portal: Settings › Organization (4) once its 233 members are read."""
    async def run_before(pilot) -> None:
        await sign_in_with_keys(pilot, "org_admin")
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(make_local_app(), run_before=run_before, terminal_size=SIZE)
