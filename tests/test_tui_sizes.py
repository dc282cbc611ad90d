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



def rendered_text(widget) -> str:
    """What the widget draws, its lines joined without the padding: a wrapped path reads back whole."""
    return "".join("".join(segment.text for segment in widget.render_line(y)).strip()
                   for y in range(widget.size.height))


async def test_about_wraps_long_paths_instead_of_clipping_them(make_local_app):
    app = await signed_in_app(make_local_app)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("s", "3")
        await settle(pilot)
        state_line = app.screen.query_one("#state-path")
        path = str(app.service.store.path)
        assert len(path) > state_line.size.width  # the case of the finding: longer than the pane is wide
        assert state_line.size.height > 1 and rendered_text(state_line) == path
        assert state_line.region.right <= app.screen.query_one("#about").region.right
        assert "Config file (yours; read, never" in screen_text(app)  # the widest heading wraps, whole
        assert "written)" in screen_text(app)


async def test_the_start_pages_top_line_wraps_so_the_portal_stays_visible(make_local_app):
    app = await signed_in_app(make_local_app)
    async with app.run_test(size=(40, 20)) as pilot:  # narrower than "Avery Pro (pro_adv) · https://127.0.0.1:8443"
        await settle(pilot)
        identity = app.screen.query_one("#identity")
        assert rendered_text(identity).replace(" ", "") == "AveryPro(pro_adv)·https://127.0.0.1:8443"


async def test_the_sign_in_window_is_styled_for_its_width_from_the_first_frame(make_local_app, monkeypatch):
    """The breakpoint class is set in compose (tui/ui/widgets/breakpoints.py), before the first styling, so the first
    Resize has nothing to restyle; later resizes still move it."""
    from screens.sign_in import SignInScreen

    seen_at_mount: list[set[str]] = []
    original_on_mount = SignInScreen._on_mount  # inherited: SignInScreen's own on_mount must still run

    def record(screen, event) -> None:
        seen_at_mount.append(set(screen.classes))
        original_on_mount(screen, event)

    app = make_local_app()
    # monkeypatch, not assignment: undone, it deletes the attribute again. A plain restore left Screen's _on_mount in
    # SignInScreen's own dict, where Textual looks first, so SignInScreen.on_mount never ran again in that process.
    monkeypatch.setattr(SignInScreen, "_on_mount", record)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert {"-narrow"} <= seen_at_mount[0] and "-wide" not in seen_at_mount[0]
        sign_in, configure = app.screen.query_one("#sign-in"), app.screen.query_one("#configure")
        assert configure.region.y > sign_in.region.y  # stacked: both labels whole at 60 columns
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert app.screen.has_class("-wide") and not app.screen.has_class("-narrow")
        assert app.screen.query_one("#configure").region.y == app.screen.query_one("#sign-in").region.y
