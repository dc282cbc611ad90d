"""Settings and Help are composed once and kept installed: `s`, `l`, F1 and Esc then move an existing screen instead of
composing its widgets anew on every key and tearing them down on every Esc (the key-to-screen target in the README's
Figures is 100 ms; composing Settings took about twice that, laying out the Help text about five times).

The kept Settings is bound to one session (who signed in, where, when): its tabs depend on it (an administrator also
gets Settings › Organization), so another session gets a freshly composed Settings. Everything else on it follows the
Status: the App posts every new Status to the screens on the stack only, so a kept screen that was away is given the
current Status when it comes back. Help depends on nothing. The Licensing dialog (F2) is kept too and starts over
from the current licensing portal each time it is shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tui.service.status import Status
from tui.ui.roles import administers

if TYPE_CHECKING:
    from textual.app import App

    from screens.portal_dialog import LicensingPortalDialog
    from tui.core.models import LicensingPortal
    from tui.service.licensing import LicensingService

SETTINGS = "settings"  # the names the kept screens are installed under
HELP = "help"
LICENSING_PORTAL = "licensing-portal"


def session_key(status: Status) -> tuple[str, str, float, bool] | None:
    """What Settings is built for: the session, and whether it has the Organization tab (tui/ui/roles.py)."""
    session = status.session
    return (session.portal_url, session.username, session.signed_in_at, administers(status)) if session else None


def open_settings(app: App[int], status: Status, *, tab: str, focus_pane: bool, config_path: Path | None,
                  state_path: Path) -> None:
    """Show Settings on ``tab``: the kept screen when it still fits the session, else a new one (then kept)."""
    from screens.settings import SettingsScreen  # on the first `s`, not before the App's first frame

    current = app.screen
    if isinstance(current, SettingsScreen):
        current.show_tab(tab, focus_pane=focus_pane)
        return
    kept = app.get_screen(SETTINGS) if app.is_screen_installed(SETTINGS) else None
    if isinstance(kept, SettingsScreen) and kept in app.screen_stack:
        # Already open below a dialog (e.g. the command palette's Settings from a dialog over Settings): a screen
        # can't be on the stack twice, so this one is a separate, unkept Settings, as before.
        app.push_screen(SettingsScreen(status, tab=tab, focus_pane=focus_pane, config_path=config_path,
                                       state_path=state_path))
        return
    if isinstance(kept, SettingsScreen) and session_key(kept.status) == session_key(status):
        app.push_screen(SETTINGS)
        if kept.status is not status:  # the App builds a new Status object for every change of state.toml
            kept.show_status(status)
        kept.show_tab(tab, focus_pane=focus_pane)
        return
    if kept is not None:  # another session's Settings
        app.uninstall_screen(SETTINGS)
        kept.remove()
    app.install_screen(SettingsScreen(status, tab=tab, focus_pane=focus_pane, config_path=config_path,
                                      state_path=state_path), SETTINGS)
    app.push_screen(SETTINGS)  # composed now; its on_mount shows ``tab``


def open_help(app: App[int]) -> None:
    """Help over the current screen, from the top of the text: the kept one (its Markdown is laid out once)."""
    from screens.help import HelpScreen  # on the first F1

    if isinstance(app.screen, HelpScreen):
        return
    if not app.is_screen_installed(HELP):
        app.install_screen(HelpScreen(), HELP)
        app.push_screen(HELP)
        return
    kept = app.get_screen(HELP)
    if kept in app.screen_stack:  # open below a dialog: a screen can't be on the stack twice
        app.push_screen(HelpScreen())
        return
    app.push_screen(HELP)
    kept.query_one("#help").scroll_home(animate=False)


def licensing_portal_dialog(app: App[int], service: LicensingService,
                            current: LicensingPortal) -> LicensingPortalDialog:
    """The Licensing dialog for ``current``: the kept one, started over, or (the first time) a new one, then kept."""
    from screens.portal_dialog import LicensingPortalDialog  # on the first F2

    kept = app.get_screen(LICENSING_PORTAL) if app.is_screen_installed(LICENSING_PORTAL) else None
    if not isinstance(kept, LicensingPortalDialog):
        dialog = LicensingPortalDialog(service, current)
        app.install_screen(dialog, LICENSING_PORTAL)
        return dialog
    if kept in app.screen_stack:  # still open (asked for again from the command palette): a screen can't be shown twice
        return LicensingPortalDialog(service, current)
    kept.start_over(current)
    return kept
