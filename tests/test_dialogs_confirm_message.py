"""ConfirmDialog and MessageDialog: every way out returns the right value (keyboard, plus one mouse click each)."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from screens.confirm_dialog import ConfirmDialog
from screens.message_dialog import MessageDialog


class Host(App[None]):
    """Pushes one dialog with a callback and records what it was dismissed with."""

    def __init__(self, dialog: ModalScreen | None) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[object] = []

    def compose(self) -> ComposeResult:
        yield Static("host screen")

    def on_mount(self) -> None:
        if self.dialog is not None:
            self.push_screen(self.dialog, callback=self.results.append)


def confirm() -> ConfirmDialog:
    return ConfirmDialog("Release license", "Release the license checked out to this computer?",
                         yes_label="Release", no_label="Keep")


WAYS_OUT: list[tuple[tuple[str, ...], bool]] = [
    (("y",), True),
    (("n",), False),
    (("escape",), False),
    (("enter",), False),                  # focus starts on No
    (("left", "enter"), True),
    (("right", "enter"), True),
    (("left", "right", "enter"), False),
    (("tab", "enter"), True),
    (("left", "escape"), False),          # Esc is "no" even with Yes highlighted
]


async def test_confirm_every_way_out() -> None:
    """One app, a fresh dialog per key sequence (cheaper than one app per sequence)."""
    app = Host(None)
    async with app.run_test() as pilot:
        for keys, expected in WAYS_OUT:
            dialog = confirm()
            app.results.clear()
            app.push_screen(dialog, callback=app.results.append)
            await pilot.pause()
            assert app.focused is not None and app.focused.id == "no", keys
            await pilot.press(*keys)
            await pilot.pause()
            assert app.results == [expected], keys
            assert app.screen is not dialog, keys


async def test_confirm_focus_starts_on_no_and_labels_name_their_keys() -> None:
    app = Host(confirm())
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert app.focused is not None and app.focused.id == "no"
        labels = {b.id: str(b.label) for b in app.screen.query(Button)}
        assert labels == {"yes": "Release [y]", "no": "Keep [n]"}
        await pilot.press("left")
        assert app.focused.id == "yes"
        assert app.results == []
        app.push_screen(ConfirmDialog("Sign out", "Sign out?", yes_label="Sign out [y]", no_label="Stay [N]"))
        await pilot.pause()
        labels = {b.id: str(b.label) for b in app.screen.query(Button)}
        assert labels == {"yes": "Sign out [y]", "no": "Stay [N]"}   # a hint the caller wrote isn't doubled


async def test_confirm_shows_bracketed_text_literally() -> None:
    text = "Failed: [Errno 111] Connection refused [b]not bold[/b]"
    app = Host(ConfirmDialog("[title]", text))
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.screen.query_one("#message", Static).visual.plain == text
        title = app.screen.query_one("#dialog").border_title
        assert title is not None and Content.from_markup(title).plain == "[title]"


@pytest.mark.parametrize(("button", "expected"), [("#yes", True), ("#no", False)])
async def test_confirm_mouse_click(button: str, expected: bool) -> None:
    app = Host(confirm())
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.click(button)
        await pilot.pause()
        assert app.results == [expected]


async def test_confirm_long_message_scrolls_and_keeps_buttons_visible() -> None:
    app = Host(ConfirmDialog("Long", "A sentence that repeats. " * 200))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        body = app.screen.query_one("#body")
        assert body.max_scroll_y > 0
        for button in app.screen.query(Button):
            assert app.screen.region.contains_region(button.region)
        await pilot.press("down")
        assert body.scroll_y > 0
        await pilot.press("y")
        await pilot.pause()
        assert app.results == [True]


async def test_message_closes_with_enter_escape_and_o() -> None:
    app = Host(None)
    async with app.run_test() as pilot:
        for key in ("enter", "escape", "o"):
            dialog = MessageDialog("Licensing portal", "Restart to use the new portal.")
            app.results.clear()
            app.push_screen(dialog, callback=app.results.append)
            await pilot.pause()
            await pilot.press(key)
            await pilot.pause()
            assert app.results == [None], key
            assert app.screen is not dialog, key


async def test_message_mouse_click_and_literal_text() -> None:
    text = "Could not save: [Errno 28] No space left on device"
    app = Host(MessageDialog("Error", text))
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.screen.query_one("#message", Static).visual.plain == text
        assert str(app.screen.query_one("#ok", Button).label) == "OK [Enter]"
        await pilot.click("#ok")
        await pilot.pause()
        assert app.results == [None]
        assert not isinstance(app.screen, MessageDialog)
