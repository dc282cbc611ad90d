"""The App shell: [keys] remaps, [ui] settings, the audited key table, help, and the crash screen's redaction."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.widgets import Input

from screens import HelpScreen, SettingsScreen, SignInScreen, StartScreen
from screens.about_pane import AboutPane
from tests.conftest import DEMO_PASSWORD, screen_text
from tui.core.secret import Secret
from tui.core.settings import UISettings
from tui.ui import bindings
from tui.ui.app import LicenseApp

OUR_SCREENS = (LicenseApp, SignInScreen, StartScreen, SettingsScreen, HelpScreen)


async def signed_in_app(make_local_app, **options) -> LicenseApp:
    service = make_local_app(app=False)
    await service.sign_in("pro_adv", DEMO_PASSWORD)
    await service.aclose()
    return make_local_app(check_license_at_start=False, **options)


def test_every_binding_has_an_audited_id_and_no_key_a_terminal_swallows():
    ids = bindings.binding_ids()
    for owner in OUR_SCREENS:
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding) and binding.id in ids, (owner.__name__, binding)
    for key in bindings.ALL_KEYS:
        assert not set(key.keys.split(",")) & bindings.FORBIDDEN_KEYS, key


def test_the_example_config_remaps_only_known_binding_ids():
    text = (Path(__file__).parent.parent / "config.example.toml").read_text(encoding="utf-8")
    keys_section = text[text.index("[keys]"):]
    remapped = re.findall(r"^# ([a-z_]+\.[a-z_]+) = ", keys_section, flags=re.MULTILINE)
    assert remapped and set(remapped) <= bindings.binding_ids()


async def test_keys_from_config_replace_the_defaults(make_local_app):
    app = await signed_in_app(make_local_app, keys={"start.settings": "f3", "app.quit": "f10"})
    async with app.run_test() as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("f10")
        await pilot.pause()
    assert app.return_code == 0


@pytest.mark.parametrize("blink", [False, True])
async def test_ui_settings_theme_and_cursor_blink(make_local_app, blink):
    app = make_local_app()
    app.service.settings = app.service.settings._replace(ui=UISettings(theme="nord", cursor_blink=blink))
    app = LicenseApp(app.service)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == "nord"
        assert app.focused.id == "username"
        assert app.screen.query_one("#username", Input).cursor_blink is blink


async def test_f1_opens_help_from_any_screen_and_esc_or_q_closes_it(make_local_app):
    app = await signed_in_app(make_local_app)
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "ctrl+q" in text and "Command palette" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        await pilot.press("s", "f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)


async def test_help_lists_every_shown_key():
    text = (Path(__file__).parent.parent / "screens" / "help.md").read_text()
    for key in bindings.ALL_KEYS:
        first = key.keys.split(",")[0]
        key_names = {"ctrl+q": "ctrl+q", "f1": "F1", "f2": "F2", "f3": "F3", "f4": "F4", "f5": "F5", "escape": "Esc",
                     "enter": "Enter"}
        shown = key_names.get(first, first)
        assert f"`{shown}`" in text or f"`{shown}` " in text, key


async def test_the_crash_screen_shows_no_locals_and_no_secrets(make_local_app, capsys):
    token = Secret("tok-0123456789-abcdefghij")
    app = make_local_app()

    def crash() -> None:
        unregistered_local = "local-value-shown-by-rich-tracebacks"  # noqa: F841 - rich would print it
        raise RuntimeError(f"portal answered token={token.reveal()}")

    with pytest.raises(RuntimeError):
        async with app.run_test() as pilot:
            app.call_later(crash)
            await pilot.pause()
    crash_text = capsys.readouterr().err
    assert "RuntimeError" in crash_text and "run it with --debug" in crash_text
    assert token.reveal() not in crash_text
    assert "local-value-shown-by-rich-tracebacks" not in crash_text
    assert app.return_code == 1


async def test_about_shows_where_the_config_lives(make_local_app, tmp_path):
    app = await signed_in_app(make_local_app)
    config = tmp_path / "config.toml"
    app = LicenseApp(app.service, config_path=config, check_license_at_start=False)
    async with app.run_test() as pilot:
        await pilot.press("s", "3")
        assert app.screen.query_one(AboutPane).query_one("#config-path").visual.plain == (
            f"{config} (not found: the defaults are in use)")


async def test_settings_need_a_license_to_open(make_local_app):
    app = make_local_app()
    async with app.run_test() as pilot:
        app.action_settings()
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
