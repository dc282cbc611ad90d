"""The screens' stylesheets (``screens.STYLESHEETS``): the first screen's is read with the App's own, before the first
frame; the others right after it.

Textual, the first time it shows a screen whose CSS_PATH it has not read, parses all the CSS it has again (every
widget's DEFAULT_CSS too: ~21 ms for the first start page after a sign-in, ~24 ms for the first Settings). Read after
the first frame, only the new files are parsed; read at start, they would delay it (docs/tui.md, "Speed").
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App

import screens
from tui.service.status import Status
from tui.ui.widgets.restyle import whole_app_styled


def first_screens_stylesheet(status: Status) -> Path:
    """The stylesheet of the screen the App shows first (the same rule as ``LicenseApp.on_mount``)."""
    return screens.STYLESHEETS["StartScreen" if status.can_start_without_sign_in else "SignInScreen"]


def read_the_other_stylesheets(app: App) -> None:
    unread = [path for path in screens.STYLESHEETS.values() if path not in app.css_path]
    app.stylesheet.read_all(unread)
    app.stylesheet.parse()  # only the new sources: the ones read at start come from the parse cache
    app.stylesheet.update(app)
    app.css_path.extend(unread)
    whole_app_styled(app)
