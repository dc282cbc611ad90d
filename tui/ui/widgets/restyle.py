"""A kept screen (tui/ui/kept_screens.py) shown again is styled again only when the CSS changed while it was away.

Textual's push_screen asks the screen it shows to re-apply the whole stylesheet to every one of its widgets
(``ScreenResume.refresh_styles``), and each widget then drops the lines it had rendered. For a screen composed once and
shown many times that work is almost always for nothing: it was a third of the time from `s` to Settings drawn
(README › Figures). Only a change of the CSS itself can leave a kept screen's styles stale — another theme, or a
stylesheet read after it was last shown. Class changes, focus, hover and a widget's own state restyle the widgets they
concern when they happen, on or off the screen stack.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App
from textual.screen import Screen

CssGeneration = tuple[str, bool | None, int]


def css_generation(app: App[object]) -> CssGeneration:
    """What the styles of every widget follow from: the theme (its colours and variables), whether ANSI colours are
    used, and the stylesheets read so far (Textual reads a screen's own the first time it is shown)."""
    return app.theme, app.ansi_color, len(app.stylesheet.source)


class KeptStyles:
    """Owned by a kept screen, whose ``on_screen_resume`` calls ``resume``: its first show is styled as Textual does,
    a later one only after a change of the CSS."""

    def __init__(self) -> None:
        self.styled_for: CssGeneration | None = None

    def resume(self, screen: Screen[Any], event: events.ScreenResume) -> None:
        # The screen subclass's handler runs before Screen's own, which reads refresh_styles.
        generation = css_generation(screen.app)
        if generation == self.styled_for:
            event.refresh_styles = False
        self.styled_for = generation
