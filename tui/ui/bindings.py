"""Binding ids and their default keys: the one place where the TUI's keys are chosen and audited (docs/tui.md, "Keys").

Each id is "<screen>.<action>"; `[keys]` in config.toml remaps any of them through `App.set_keymap`. Keys follow the
rules for terminals over SSH: no ctrl+h/i/m/[, no ctrl+enter/shift+enter, no alt/meta, no ctrl+a/b/z, no ctrl+shift.
Letters are only bound on screens where no text input can have focus; the sign-in form uses Enter, Esc and F-keys.
This module does not import Textual, so `allsource-tui --help` and the CLI stay fast.
"""

from typing import NamedTuple


class Key(NamedTuple):
    id: str
    keys: str
    description: str
    show: bool = True


APP_QUIT = Key("app.quit", "ctrl+q", "Quit")
APP_HELP = Key("app.help", "f1", "Help")

SIGN_IN_SUBMIT = Key("sign_in.submit", "enter", "Sign In")
SIGN_IN_CONFIGURE = Key("sign_in.configure", "f2", "Licensing")  # short: the footer stays whole at 60 columns
SIGN_IN_CANCEL = Key("sign_in.cancel", "escape", "Cancel sign-in")
SIGN_IN_SSO = Key("sign_in.sso", "f3", "SSO")
SIGN_IN_BACK = Key("sign_in.back", "escape", "Back")  # while working offline: back to the start page

SSO_COPY = Key("sso.copy", "f5", "Copy link")
SSO_CANCEL = Key("sso.cancel", "escape", "Cancel")

START_SETTINGS = Key("start.settings", "s", "Settings")
START_LICENSING = Key("start.licensing", "l", "Licensing")
START_SIGN_IN = Key("start.sign_in", "i", "Sign in")

SETTINGS_BACK = Key("settings.back", "escape", "Back", show=False)  # the "← Back [Esc]" button at the top
SETTINGS_REFRESH = Key("settings.refresh", "r,f5", "Refresh")
SETTINGS_SIGN_OUT = Key("settings.sign_out", "o", "Sign out")
SETTINGS_CONFIGURE = Key("settings.configure", "f2", "Licensing options", show=False)
SETTINGS_TABS = (
    Key("settings.tab_licensing", "1", "Licensing tab", show=False),
    Key("settings.tab_portals", "2", "Portals tab", show=False),
    Key("settings.tab_about", "3", "About tab", show=False),
)

LICENSING_EDIT_ALIAS = Key("licensing.edit_alias", "e", "Alias")  # the button says [e]
LICENSING_OFFLINE = Key("licensing.offline", "w", "Offline")

PORTALS_UP = Key("portals.up", "up", "Previous portal", show=False)
PORTALS_DOWN = Key("portals.down", "down", "Next portal", show=False)
PORTALS_ACTIVATE = Key("portals.activate", "enter,m", "Use")  # make it the active portal
PORTALS_ADD = Key("portals.add", "a", "Add")
PORTALS_REMOVE = Key("portals.remove", "d,delete", "Remove")
SETTINGS_PORTALS_ACTIVATE = Key("settings.portals_activate", "m", "Use")  # Enter too, in the list

HELP_CLOSE = Key("help.close", "escape,f1,q", "Close")

ALL_KEYS: tuple[Key, ...] = (APP_QUIT, APP_HELP, SIGN_IN_SUBMIT, SIGN_IN_CONFIGURE, SIGN_IN_CANCEL, SIGN_IN_SSO,
                             SIGN_IN_BACK,
                             SSO_COPY, SSO_CANCEL, START_SETTINGS,
                             START_LICENSING, START_SIGN_IN, SETTINGS_BACK, SETTINGS_REFRESH, SETTINGS_SIGN_OUT,
                             SETTINGS_CONFIGURE, *SETTINGS_TABS, LICENSING_EDIT_ALIAS, LICENSING_OFFLINE, PORTALS_UP,
                             PORTALS_DOWN, PORTALS_ACTIVATE, PORTALS_ADD, PORTALS_REMOVE, SETTINGS_PORTALS_ACTIVATE,
                             HELP_CLOSE)

# Settings › Organization (administrators): the filter field has the focus, so only F-keys, arrows, Enter and Esc.
ORGANIZATION_KEYS = (
    Key("organization.sort_user", "f6", "Sort: user"),
    Key("organization.sort_level", "f7", "Sort: level"),
    Key("organization.sort_offline", "f8", "Sort: offline"),
    Key("organization.offline_setting", "f9", "Allow/prevent offline"),
    Key("organization.clear_filter", "escape", "Clear filter", show=False),
)
MEMBER_APPLY = Key("member.apply", "a", "Apply")
MEMBER_UNASSIGN = Key("member.unassign", "u", "Unassign")
MEMBER_RELEASE = Key("member.release", "r", "Release")
MEMBER_CLOSE = Key("member.close", "escape", "Close")
SETTINGS_TAB_ORGANIZATION = Key("settings.tab_organization", "4", "Organization tab", show=False)  # administrators

# The sign-in window's Troubleshoot (only after an error that isn't a wrong password) and its report.
SIGN_IN_TROUBLESHOOT = Key("sign_in.troubleshoot", "f4", "Troubleshoot")
TROUBLESHOOT_CLOSE = Key("troubleshoot.close", "escape", "Close")

ALL_KEYS = (*ALL_KEYS, *ORGANIZATION_KEYS, MEMBER_APPLY, MEMBER_UNASSIGN, MEMBER_RELEASE, MEMBER_CLOSE,
            SETTINGS_TAB_ORGANIZATION, SIGN_IN_TROUBLESHOOT, TROUBLESHOOT_CLOSE)

# Keys a legacy terminal or a multiplexer can't deliver as themselves (docs/tui.md, "Keys"); a test checks the defaults.
FORBIDDEN_KEYS = frozenset({"ctrl+h", "ctrl+i", "ctrl+m", "ctrl+left_square_bracket", "ctrl+enter", "shift+enter",
                            "ctrl+a", "ctrl+b", "ctrl+z", "ctrl+slash"})


def binding_ids() -> set[str]:
    return {key.id for key in ALL_KEYS}
