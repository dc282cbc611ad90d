"""Settings as a seasoned terminal user expects it (issue 17, items 2, 5, 8 and 10): the panes' keys work from the
side tabs, the footer shows only keys that work now and stays whole at 60 columns, a visible "← Back" and "Sign in"
at the top, the name and active portal on every screen, and the Licensing tab under two headings."""

from __future__ import annotations

from textual.widgets import DataTable

from screens import AliasDialog, SettingsScreen, SignInScreen, StartScreen
from screens.add_portal_dialog import AddPortalDialog
from tests.conftest import DEMO_PASSWORD, TUI_SNAPSHOT_URL, screen_text, settle, type_text, wait_until


async def signed_in_app(make_local_app, *, offline: bool = False):
    service = make_local_app(app=False)
    await service.sign_in("pro_adv", DEMO_PASSWORD)
    if offline:
        await service.authorize_offline(connect=False)
    await service.aclose()
    return make_local_app(check_license_at_start=False)


def rows(app, table_id: str) -> list[tuple[str, ...]]:
    table = app.screen.query_one(f"#{table_id}", DataTable)
    return [tuple(str(cell) for cell in table.get_row_at(index)) for index in range(table.row_count)]


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


async def test_the_panes_keys_work_while_the_focus_is_on_the_side_tabs(make_local_app):
    app = await signed_in_app(make_local_app)
    async with app.run_test() as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert app.focused.id == "tabs"
        assert "e Alias" in footer(app) and "w Offline" in footer(app)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, AliasDialog)  # the alias typed next goes into its field, not the tab list
        await pilot.press("ctrl+u")
        await type_text(pilot, "field-laptop")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one("#alias").visual.plain == "field-laptop"
        await pilot.press("2")
        await pilot.pause()
        assert app.focused.id == "tabs" and "a Add" in footer(app) and "e Alias" not in footer(app)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AddPortalDialog)


async def test_the_footer_fits_60_columns_and_offers_no_sign_out_or_refresh_without_a_session(make_local_app):
    app = await signed_in_app(make_local_app, offline=True)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        keys = footer(app)
        assert "Sign out" not in keys and "Refresh" not in keys
        assert keys.rstrip().endswith("f1 Help")  # whole: the last key is not cut off
        before = rows(app, "levels")
        await pilot.press("r")
        await settle(pilot)
        assert rows(app, "levels") == before and not app.screen.query_one("#licensing").loading
        notes = app.screen.query_one("#license-notes").visual.plain
        assert notes.startswith("Disconnected: yes")  # the license notes, under the tables


async def test_settings_at_60_columns_back_and_name_on_top_a_whole_footer_on_every_tab_and_two_headings(
        make_local_app):
    app = await signed_in_app(make_local_app)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        top = screen_text(app).splitlines()[0]
        assert "← Back [Esc]" in top and "Avery Pro (pro_adv)" in top
        assert TUI_SNAPSHOT_URL in " ".join(screen_text(app).splitlines()[:2])
        for keys in ((), ("2",), ("enter",), ("3",)):  # the signed-in footer is whole on every tab
            await pilot.press(*keys)
            await pilot.pause()
            assert footer(app).rstrip().endswith("f1 Help"), footer(app)
            assert "o Sign out" in footer(app)
        await pilot.press("1")  # the Licensing tab: two headings, as on the help page
        await pilot.pause()
        headings = [str(label.render()) for label in app.screen.query(".heading")]
        assert headings[:2] == ["Named User License", "Extensions"]
        levels = app.screen.query_one("#levels", DataTable)
        assert [str(column.label) for column in levels.columns.values()] == ["Level", "Licensed"]
        extensions = app.screen.query_one("#extensions", DataTable)
        assert [str(column.label) for column in extensions.columns.values()] == ["Extension", "Licensed"]
        await pilot.click("#back")  # visible and clickable at 60 columns
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)


async def test_sign_in_at_the_top_of_the_start_page_when_not_signed_in(make_local_app):
    app = await signed_in_app(make_local_app, offline=True)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert "Sign in [i]" in screen_text(app).splitlines()[0]
        await pilot.click("#sign-in")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
    signed_in = await signed_in_app(make_local_app)
    async with signed_in.run_test() as pilot:
        await pilot.pause()
        assert "Sign in [i]" not in screen_text(signed_in)


async def test_the_sign_in_window_and_start_page_footers_are_whole_at_60_columns(make_local_app):
    app = make_local_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await wait_until(pilot, lambda: "f1 Help" in footer(app))  # the footer fills in once the bindings are read
        assert "Configure your licensing options [F2]" in screen_text(app)  # the buttons stack, none is cut off
