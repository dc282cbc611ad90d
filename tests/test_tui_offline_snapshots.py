"""80x24 snapshots of offline work and portal connections: the offline prompt, Edit Alias opened from the Licensing
tab, the Licensing tab of an offline license (expiry and user), and the Portals tab.

Same approach as tests/test_tui_snapshots.py: the demo portal in-process at https://127.0.0.1:8443, a fixed theme, no
cursor blink; the demo Online org sets no offline time limit, so the expiry reads "no end date" on every run. Update
with `pytest tests/test_tui_offline_snapshots.py --snapshot-update` after checking snapshot_report.html.
"""

from __future__ import annotations

from screens.offline_prompt import OfflinePrompt
from tests.conftest import settle, sign_in_with_keys, wait_until

SIZE = (80, 24)


async def signed_in(pilot) -> None:
    await sign_in_with_keys(pilot, "pro_adv")


def test_offline_prompt(snap_compare, make_local_app):
    async def run_before(pilot) -> None:
        await signed_in(pilot)
        await pilot.press("l", "w")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, OfflinePrompt))
        await pilot.pause()

    assert snap_compare(make_local_app(), run_before=run_before, terminal_size=SIZE)


def test_alias_dialog_from_the_licensing_tab(snap_compare, make_local_app):
    async def run_before(pilot) -> None:
        await signed_in(pilot)
        await pilot.press("l", "e")
        await pilot.pause()

    assert snap_compare(make_local_app(), run_before=run_before, terminal_size=SIZE)


def test_licensing_tab_working_offline(snap_compare, make_local_app):
    async def run_before(pilot) -> None:
        await signed_in(pilot)
        await pilot.press("l", "w")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, OfflinePrompt))
        await pilot.press("n")
        await settle(pilot)
        pilot.app.clear_notifications()  # the status line keeps the outcome; the toast would hide the tab
        await pilot.press("end")  # the offline details sit at the end of the tab
        await pilot.pause()

    assert snap_compare(make_local_app(), run_before=run_before, terminal_size=SIZE)


def test_portals_tab(snap_compare, make_local_app):
    async def run_before(pilot) -> None:
        await signed_in(pilot)
        pilot.app.service.add_portal("https://gis.example.org/portal")
        await pilot.press("s", "2", "enter")
        await pilot.pause()

    assert snap_compare(make_local_app(), run_before=run_before, terminal_size=SIZE)
