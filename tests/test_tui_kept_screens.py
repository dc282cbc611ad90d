"""Settings and Help are composed once and kept (tui/ui/kept_screens.py): `s`/`l` show the same Settings again, it
shows what changed while it was away, and another session gets a freshly composed one; F1 shows the same Help, from
the top of the text."""

from __future__ import annotations

import re

import pytest
from textual.widgets import ContentSwitcher, Label

import screens
from screens import HelpScreen, SettingsScreen, SignInScreen, StartScreen
from tests.conftest import DEMO_PASSWORD, screen_text, settle, sign_in_with_keys


async def signed_in_app(make_local_app):
    service = make_local_app(app=False)
    await service.sign_in("pro_adv", DEMO_PASSWORD)
    await service.aclose()
    return make_local_app(check_license_at_start=False)


async def test_settings_is_composed_once_and_shows_what_changed_while_it_was_away(make_local_app):
    app = await signed_in_app(make_local_app)
    async with app.run_test() as pilot:
        await pilot.press("s")
        await pilot.pause()
        first = app.screen
        assert isinstance(first, SettingsScreen)
        await pilot.press("3", "escape")  # leave it on the About tab
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        app.service.set_alias("kept-screen-alias")  # state.toml changes while Settings is away

        await pilot.press("l")
        await pilot.pause()
        assert app.screen is first, "Settings was composed again"
        assert first.query_one("#panes", ContentSwitcher).current == "licensing"
        assert app.focused is not None and app.focused.id == "licensing"  # `l` moves into the pane
        assert str(first.query_one("#alias", Label).render()) == "kept-screen-alias"
        await pilot.press("escape", "s")
        await pilot.pause()
        assert app.screen is first
        assert (first.query_one("#panes", ContentSwitcher).current, app.focused.id) == ("licensing", "tabs")


async def test_another_session_gets_a_new_settings_screen(make_local_app):
    app = await signed_in_app(make_local_app)
    async with app.run_test() as pilot:
        await pilot.press("s")
        await pilot.pause()
        first = app.screen
        await pilot.press("escape")
        await pilot.pause()
        await app.service.sign_out()  # then a sign-in of another user on this computer
        await app.service.sign_in("creator_std", DEMO_PASSWORD)
        app.signed_in()
        await settle(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen) and app.screen is not first
        assert re.search(r"Standard +Yes", screen_text(app))  # creator_std's level, not pro_adv's Advanced
        assert not first.is_attached  # the old one was removed, not left behind in the DOM


async def test_the_app_reads_the_stylesheet_of_every_screen_that_has_one(make_local_app):
    """A screen class with a CSS_PATH the App has not read would make Textual parse all CSS again on its first show
    (see the next test); so every screen module with a stylesheet is in the App's list. The first frame waits only for
    the first screen's; the others are read right after it."""
    import importlib
    import inspect
    from pathlib import Path

    from textual.screen import Screen

    import screens

    app = make_local_app(check_license_at_start=False)
    screens_folder = Path(screens.__file__).parent
    with_stylesheets = set()
    for module_file in screens_folder.glob("*.py"):
        module = importlib.import_module(f"screens.{module_file.stem}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Screen) and cls.__module__ == module.__name__ and cls.CSS_PATH:
                with_stylesheets.add((screens_folder / str(cls.CSS_PATH)).resolve())
    assert with_stylesheets and with_stylesheets == set(screens.STYLESHEETS.values())
    assert set(app.css_path) & with_stylesheets == {screens.STYLESHEETS["SignInScreen"]}  # signed out: sign-in first
    async with app.run_test() as pilot:
        await settle(pilot)
        assert with_stylesheets <= set(app.css_path)
        assert all(app.stylesheet.has_source(str(path)) for path in with_stylesheets)


async def test_no_first_show_of_a_screen_parses_the_css_again_and_help_is_composed_once(make_local_app, monkeypatch):
    """Signed out → sign in → start page → Settings → Help → Settings → Help: Textual's full re-parse never runs, the
    screens shown after the first are styled by their stylesheets, and F1 shows the same Help again, from the top of
    the text (one walk: laying out the Help text is the costly part)."""
    from textual.css.stylesheet import Stylesheet

    reparses = []
    monkeypatch.setattr(Stylesheet, "reparse", lambda self: reparses.append(self))
    app = make_local_app(check_license_at_start=False)
    async with app.run_test() as pilot:
        await settle(pilot)
        await sign_in_with_keys(pilot, "pro_adv")
        summary = app.screen.query_one("#summary")
        assert isinstance(app.screen, StartScreen) and summary.styles.border_top[0] == "round"  # start.tcss
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("escape", "f1")
        await pilot.pause()
        first = app.screen
        assert isinstance(first, HelpScreen)
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        assert first.query_one("#help").scroll_y > 0
        await pilot.press("escape", "s", "f1")  # and again over Settings
        await pilot.pause()
        assert app.screen is first
        assert first.query_one("#help").scroll_y == 0
        assert "Help" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
    assert reparses == []


async def test_settings_composes_a_tab_when_first_shown_with_what_changed_before(make_local_app):
    """Only the Licensing pane is composed with Settings; Portals is composed on its first show, from the newest
    Status (a portal added while Settings was on the Licensing tab is listed)."""
    from screens.portals_pane import PortalsPane

    app = await signed_in_app(make_local_app)
    async with app.run_test() as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen) and not app.screen.query(PortalsPane)
        app.service.add_portal("https://gis.example.com/portal")
        app.publish_status()
        await pilot.press("2")
        await pilot.pause()
        assert app.screen.query_one("#panes", ContentSwitcher).current == "portals"
        assert "https://gis.example.com/portal" in screen_text(app)


async def test_a_kept_screen_shown_again_is_restyled_only_after_the_css_changed(make_local_app, monkeypatch):
    """Textual re-applies the stylesheet to every widget of a screen each time it is pushed; a kept Settings or Help
    shown again skips that (tui/ui/widgets/restyle.py) — until the theme changed while it was away: then it shows the
    new theme's colours like the screen under it."""
    from textual.css.stylesheet import Stylesheet

    styled: list[object] = []
    update_nodes = Stylesheet.update_nodes

    def counting(self, nodes, animate=False):
        nodes = list(nodes)
        styled.extend(node for node in nodes if isinstance(node, SettingsScreen | HelpScreen))
        return update_nodes(self, nodes, animate)

    monkeypatch.setattr(Stylesheet, "update_nodes", counting)
    app = await signed_in_app(make_local_app)
    async with app.run_test() as pilot:
        # The first shows: each composed and styled; Settings once more, as Help's stylesheet came after it.
        for key in ("s", "escape", "f1", "escape", "s", "escape"):
            await pilot.press(key)
            await pilot.pause()
        settings, help_screen = app.get_screen("settings"), app.get_screen("help")
        styled.clear()
        for key in ("s", "escape", "l", "escape", "f1", "escape"):
            await pilot.press(key)
            await pilot.pause()
        assert styled == [], "a kept screen was styled again with the same CSS"

        start = app.screen
        background = settings.styles.background
        app.theme = next(name for name in ("textual-light", "nord") if name != app.theme)
        await pilot.pause()
        assert start.styles.background != background  # the start page, on the stack, follows at once
        await pilot.press("s")
        await pilot.pause()
        assert app.screen is settings and settings in styled
        assert settings.styles.background == start.styles.background  # the new theme's, not the old one's
        await pilot.press("escape", "f1")
        await pilot.pause()
        assert app.screen is help_screen and help_screen in styled


class LateWidget(Label):
    DEFAULT_CSS = "LateWidget { color: red; }"


@pytest.mark.parametrize("between", ["the other stylesheets are read", "a new widget class's DEFAULT_CSS is added"])
async def test_the_first_screen_is_shown_without_a_second_styling_whatever_comes_between_its_mount_and_show(
        make_local_app, monkeypatch, between):
    """Between the first screen's mount and its first show Textual may run the read of the other screens'
    stylesheets (tui/ui/stylesheets.py), which styles every widget with the new CSS, or mount the first widget of a
    class it has not seen (the Footer's keys), adding that class's DEFAULT_CSS. Neither leaves the screen's styles
    stale, so the show must not style it all again (it did, now and then: a flaky first-screen test)."""
    from textual.screen import Screen

    from tui.ui import stylesheets

    shown: list[tuple[str, bool]] = []
    resume, mounted = Screen._on_screen_resume, SignInScreen.on_mount

    def recording(self, event):
        shown.append((type(self).__name__, event.refresh_styles))
        return resume(self, event)

    def mounted_then_something_between(self) -> None:  # the race, made certain
        mounted(self)
        if between == "the other stylesheets are read":
            stylesheets.read_the_other_stylesheets(self.app)
        else:
            self.mount(LateWidget("late"))

    monkeypatch.setattr(Screen, "_on_screen_resume", recording)
    monkeypatch.setattr(SignInScreen, "on_mount", mounted_then_something_between)
    app = make_local_app(check_license_at_start=False)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert [refresh for name, refresh in shown if name == "SignInScreen"] == [False]
        assert app.screen.query_one("#form").styles.border_top[0] == "round"
        if between == "the other stylesheets are read":
            assert all(path in app.css_path for path in screens.STYLESHEETS.values())
        else:
            assert app.screen.query_one(LateWidget).styles.color.rgb == (255, 0, 0)  # styled as it mounted


@pytest.mark.parametrize("signed_in", [False, True])
async def test_the_first_screen_is_styled_once_as_it_mounts_not_again_when_shown(make_local_app, monkeypatch,
                                                                                 signed_in):
    """Textual styles the widgets as they mount and again, all of them, when the screen is shown; with the CSS
    unchanged the second pass is skipped (tui/ui/widgets/restyle.py): ~9 ms of the sign-in window's cold start.
    The screen still shows its stylesheet's styles (start.tcss's and sign_in.tcss's round borders)."""
    from textual.screen import Screen

    shown: list[tuple[str, bool]] = []
    resume = Screen._on_screen_resume

    def recording(self, event):
        shown.append((type(self).__name__, event.refresh_styles))
        return resume(self, event)

    monkeypatch.setattr(Screen, "_on_screen_resume", recording)
    app = await signed_in_app(make_local_app) if signed_in else make_local_app(check_license_at_start=False)
    async with app.run_test() as pilot:
        await pilot.pause()
        first = app.screen
        assert isinstance(first, StartScreen if signed_in else SignInScreen)
        assert (type(first).__name__, False) in shown and (type(first).__name__, True) not in shown
        box = first.query_one("#summary" if signed_in else "#form")
        assert box.styles.border_top[0] == "round" and box.size.width > 0
