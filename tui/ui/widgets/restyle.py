"""A screen is styled again when it is shown only if the CSS changed since its widgets were styled.

Textual styles each widget as it mounts, and then, when push_screen shows the screen, re-applies the whole stylesheet
to every widget of it (``ScreenResume.refresh_styles``), after which each widget renders anew. With the CSS unchanged
that second pass changes nothing: on the first show it was ~9 ms of the sign-in window's cold start and ~4 ms of the
start page's, and on every later show of a kept screen (tui/ui/kept_screens.py) a third of the time from `s` to
Settings drawn (README › Figures). Only a change of the CSS itself can leave a screen's styles stale — another theme,
or a stylesheet read since. Class changes, focus, hover and a widget's own state restyle the widgets they concern
when they happen, on or off the screen stack; a screen's width class (tui/ui/widgets/breakpoints.py) is set in
``compose``, before its widgets mount, and the screens' stylesheets use it for their widgets only.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from textual import events
from textual.app import App
from textual.screen import Screen

CssGeneration = tuple[str, bool | None, int]


def css_generation(app: App[object]) -> CssGeneration:
    """What the styles of every widget follow from: the theme (its colours and variables), whether ANSI colours are
    used, and the stylesheets read so far (Textual reads a screen's own the first time it is shown).

    A widget class's DEFAULT_CSS does not count: Textual adds it when the first widget of that class mounts (the
    Footer's keys, often just after their screen's own mount), styles that widget with it, and restyles nothing
    else for it."""
    return app.theme, app.ansi_color, sum(1 for source in app.stylesheet.source.values() if not source.is_defaults)


# The CSS each screen's widgets were last styled for; a screen calls ``mounted`` in its on_mount and ``resume`` in its
# on_screen_resume.
_styled_for: WeakKeyDictionary[Screen[Any], CssGeneration] = WeakKeyDictionary()


def mounted(screen: Screen[Any]) -> None:
    """The screen's widgets have mounted, each styled with the CSS of now."""
    _styled_for[screen] = css_generation(screen.app)


def resume(screen: Screen[Any], event: events.ScreenResume) -> None:
    # The screen subclass's handler runs before Screen's own, which reads refresh_styles.
    generation = css_generation(screen.app)
    if _styled_for.get(screen) == generation:
        event.refresh_styles = False
    _styled_for[screen] = generation


def whole_app_styled(app: App[object]) -> None:
    """``Stylesheet.update(app)`` has just styled every widget of ``app`` with the CSS of now: the screens on its
    stack need no second pass when they are shown. (The other screens' stylesheets are read this way just after the
    first frame, which may come between the first screen's mount and its first show.)"""
    for screen in app.screen_stack:
        if screen in _styled_for:
            _styled_for[screen] = css_generation(app)
