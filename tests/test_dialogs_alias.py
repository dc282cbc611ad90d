"""AliasDialog ("Edit Alias"): validate_alias messages while typing, OK only when valid, Esc/Cancel -> None."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from screens.alias_dialog import AliasDialog
from tui.core.errors import UsageError
from tui.service.offline import MAX_ALIAS_LENGTH, validate_alias


class Host(App[None]):
    def __init__(self, current: str | None) -> None:
        super().__init__()
        self.current = current
        self.results: list[str | None] = []

    def compose(self) -> ComposeResult:
        yield Static("host screen")

    def on_mount(self) -> None:
        self.push_screen(AliasDialog(self.current), callback=self.results.append)


def refusal(value: str) -> str:
    """The sentence validate_alias gives for ``value`` (the dialog must show exactly this)."""
    try:
        validate_alias(value)
    except UsageError as error:
        return error.user_message
    raise AssertionError(f"{value!r} was expected to be refused")


def feedback(app: App) -> str:
    return app.screen.query_one("#alias-feedback", Static).visual.plain


def alias_input(app: App) -> Input:
    return app.screen.query_one("#alias", Input)


async def test_prefilled_alias_is_returned_with_enter() -> None:
    app = Host("host-a")
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, AliasDialog)
        assert alias_input(app).value == "host-a"
        assert feedback(app).startswith("Valid")
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == ["host-a"]
        assert not isinstance(app.screen, AliasDialog)


async def test_typed_alias_is_cleaned_and_returned_by_the_ok_button() -> None:
    app = Host("old name")
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("ctrl+u", *"  Lab PC 7  ")
        assert alias_input(app).value == "  Lab PC 7  "
        await pilot.press("tab")            # focus moves to "OK [Enter]"
        assert app.focused is not None and app.focused.id == "ok"
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == ["Lab PC 7"]


async def test_each_refusal_is_shown_as_you_type_and_ok_does_nothing() -> None:
    app = Host("ok-name")
    async with app.run_test() as pilot:
        await pilot.pause()
        field = alias_input(app)

        await pilot.press("ctrl+u")
        assert feedback(app) == f"Error: {refusal('')}"
        assert field.has_class("-invalid")
        await pilot.press("enter")
        await pilot.press("tab", "enter")     # the OK button too
        await pilot.pause()
        assert app.results == [] and isinstance(app.screen, AliasDialog)
        assert app.focused is field           # a refused OK sends the user back to the field

        too_long = "x" * (MAX_ALIAS_LENGTH + 1)
        await pilot.press(*"xxxx")
        field.post_message(events.Paste(too_long[4:]))
        await pilot.pause()
        assert field.value == too_long
        assert feedback(app) == f"Error: {refusal(too_long)}"
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [] and isinstance(app.screen, AliasDialog)

        await pilot.press("backspace")        # exactly the maximum: valid again
        assert feedback(app).startswith("Valid") and not field.has_class("-invalid")

        await pilot.press("ctrl+u")
        pasted = "lab\x07pc"                    # a pasted control character (BEL)
        field.post_message(events.Paste(pasted))
        await pilot.pause()
        assert field.value == pasted
        assert feedback(app) == f"Error: {refusal(pasted)}"
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [] and isinstance(app.screen, AliasDialog)

        await pilot.press("ctrl+u", *"lab-pc")
        assert feedback(app).startswith("Valid")
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == ["lab-pc"]


async def test_empty_start_shows_why_ok_is_refused() -> None:
    app = Host(None)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert alias_input(app).value == ""
        assert feedback(app) == f"Error: {refusal('')}"
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == []


async def test_escape_and_cancel_button_return_none() -> None:
    app = Host("host-a")
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press(*"-changed", "escape")
        await pilot.pause()
        assert app.results == [None]
        app.push_screen(AliasDialog("host-a"), callback=app.results.append)
        await pilot.pause()
        await pilot.press("tab", "tab", "enter")      # Input -> OK -> Cancel
        await pilot.pause()
        assert app.results == [None, None]


async def test_mouse_clicks_ok_and_cancel() -> None:
    app = Host("desk-12")
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.click("#ok")
        await pilot.pause()
        app.push_screen(AliasDialog("desk-12"), callback=app.results.append)
        await pilot.pause()
        await pilot.click("#cancel")
        await pilot.pause()
        assert app.results == ["desk-12", None]
