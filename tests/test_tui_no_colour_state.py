"""Selection and focus read without colour (issue 17, item 7): under NO_COLOR and in the 16-colour `ansi-dark` theme
the selected side tab is drawn reversed and bold, the focused panel has a heavy border (a different glyph, not a
different colour), and the side list's border is drawn in a colour that differs from the background.
"""

from __future__ import annotations

import pytest
from rich.segment import Segment
from textual.widgets import OptionList

from tests.conftest import DEMO_PASSWORD, settle


async def settings_app(make_local_app):
    service = make_local_app(app=False)
    await service.sign_in("pro_adv", DEMO_PASSWORD)
    await service.aclose()
    return make_local_app()


def line_segments(widget, y: int) -> list[Segment]:
    return list(widget.render_line(y))


def text_of(segments: list[Segment]) -> str:
    return "".join(segment.text for segment in segments)


def row_style(tabs: OptionList, index: int):
    return line_segments(tabs, index)[0].style


def visible_on(color, background) -> bool:
    """A border colour the terminal draws: not transparent, not the background, and not ANSI black (ansi-dark's
    $border-blurred, invisible on a dark terminal)."""
    if color.ansi is not None:  # an ANSI border is drawn in the terminal's own palette: -1 is its text colour
        return color.ansi != 0
    return color.a > 0 and color != background


@pytest.mark.parametrize("mode", ["no_color", "ansi-dark"])
async def test_selected_tab_and_focus_show_without_colour(make_local_app, monkeypatch, mode):
    if mode == "no_color":
        monkeypatch.setenv("NO_COLOR", "1")
    app = await settings_app(make_local_app)
    async with app.run_test(size=(80, 24)) as pilot:
        if mode == "ansi-dark":
            app.theme = "ansi-dark"
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        tabs = app.screen.query_one("#tabs", OptionList)
        pane = app.screen.query_one("#licensing")
        assert tabs.has_focus and text_of(line_segments(tabs, 0)).startswith("1 Licensing")
        for step in range(3):  # the selected tab is bold and underlined, the others are neither
            styles = [row_style(tabs, index) for index in range(3)]
            assert [bool(style.underline and style.bold) for style in styles] == [i == step for i in range(3)]
            await pilot.press("down")
        await pilot.press("1", "enter")
        await settle(pilot)
        # focus is told by the border's glyphs: heavy where the keys go, round elsewhere
        assert pane.has_focus and pane.styles.border_left[0] == "heavy" and tabs.styles.border_left[0] == "round"
        assert bool(row_style(tabs, 0).underline)  # the selection stays marked when the list is not focused
        background = app.screen.styles.background
        assert visible_on(tabs.styles.border_left[1], background), tabs.styles.border_left
        await pilot.press("escape")
