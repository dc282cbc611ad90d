"""Width breakpoint classes (``-narrow``/``-wide``) in place before a screen is first styled."""

from __future__ import annotations

from textual.screen import Screen


def set_width_breakpoint(screen: Screen) -> None:
    """Give ``screen`` the class its HORIZONTAL_BREAKPOINTS choose for the terminal's width, without a style update.

    Textual sets it on the screen's first Resize, after the first styling: adding a class then styles the whole
    screen a second time (~8 ms of the sign-in window's cold start). Call it from ``compose``; Resize then finds
    the class already there and changes nothing.
    """
    own = screen.HORIZONTAL_BREAKPOINTS  # None: the App's, as in Textual's Screen._on_resize
    breakpoints = (screen.app.HORIZONTAL_BREAKPOINTS if own is None else own) or []
    width = screen.app.size.width
    fitting = [(at, name) for at, name in breakpoints if width >= at]
    chosen = max(fitting)[1] if fitting else None
    screen.update_classes({name: name == chosen for _, name in breakpoints}, update=False)
