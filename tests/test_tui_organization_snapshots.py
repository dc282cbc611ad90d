"""Snapshots of Settings › Organization (issue 14) at 80x24, hosted alone (tests/organization_host.py).

Update with `pytest tests/test_tui_organization_snapshots.py --snapshot-update` after checking snapshot_report.html.
"""

from __future__ import annotations

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
