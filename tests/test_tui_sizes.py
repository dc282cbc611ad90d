"""Screens at the narrow end (issue 17, item 6): at 60 columns the Licensing tab's tables keep every column, and
long paths on the About tab wrap instead of being clipped.
"""

from __future__ import annotations

from textual.widgets import DataTable

from tests.conftest import DEMO_PASSWORD, screen_text, settle

NARROW = (60, 20)


async def signed_in_app(make_local_app):
    service = make_local_app(app=False)
    await service.sign_in("pro_adv", DEMO_PASSWORD)
    await service.aclose()
    return make_local_app()


async def test_at_60_columns_the_extensions_licensed_column_stays_on_screen(make_local_app):
    app = await signed_in_app(make_local_app)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        pane = app.screen.query_one("#licensing")
        for table in app.screen.query(DataTable):
            assert table.region.right <= pane.region.right - 1, f"#{table.id} is clipped at 60 columns"
            assert table.size.width >= table.virtual_size.width, f"#{table.id} hides columns"
        extensions = app.screen.query_one("#extensions", DataTable)
        extensions.scroll_visible(animate=False)
        await pilot.pause()
        text = screen_text(app)
        assert "Spatial Analyst" in text
        row = next(line for line in text.splitlines() if "Spatial Analyst" in line)
        assert "Yes" in row  # the Licensed value sits on the same line as its extension

