"""Typeahead on the sign-in window: keys that arrive in one burst (fast typing over SSH, a password manager) are all
queued at the focused field before the Tab among them moves the focus. The password typed after
"username<Tab>" must land in the hidden Password field, never in the visible Username field."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from screens.sign_in import SignInScreen
from tests.conftest import DEMO_PASSWORD, wait_until


def burst(app, text: str) -> None:
    """Post every key at once, as the terminal driver does for a burst of input (no pause between keys)."""
    for char in text:
        key = {"\t": "tab", "\r": "enter", "\x7f": "backspace"}.get(char, char)
        app.post_message(events.Key(key, char if key == char else None))


async def test_a_password_typed_ahead_after_tab_lands_in_the_password_field(make_local_app):
    app = make_local_app()
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        burst(app, f"pro_adv\t{DEMO_PASSWORD}")
        await pilot.pause()
        await pilot.pause()
        username = app.screen.query_one("#username", Input)
        password = app.screen.query_one("#password", Input)
        assert username.value == "pro_adv"
        assert password.value == DEMO_PASSWORD
        assert app.focused is password


async def test_backspace_typed_ahead_after_tab_edits_the_password(make_local_app):
    app = make_local_app()
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        burst(app, "pro_adv\tsecretX\x7f")
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#username", Input).value == "pro_adv"
        assert app.screen.query_one("#password", Input).value == "secret"


async def test_typing_in_the_username_again_after_shift_tab_stays_there(make_local_app):
    app = make_local_app()
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        await pilot.press(*"pro", "tab", *"pw", "shift+tab", "end", *"_adv")
        assert app.screen.query_one("#username", Input).value == "pro_adv"
        assert app.screen.query_one("#password", Input).value == "pw"
