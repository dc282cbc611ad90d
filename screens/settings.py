"""SettingsScreen: side tabs (Licensing, Portals, About) on the left, the chosen tab's pane on the right.

↑/↓ move between the tabs and show each pane at once; Enter moves into the pane; 1–3 jump to a tab; Esc (or the
"← Back" button at the top) goes back to the start page; the top line keeps the name and the active portal. The
refresh key asks the App to re-read the license (RefreshLicense); every pane redraws from the Status the App posts
down (StatusChanged).
"""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, ContentSwitcher, Label, OptionList
from textual.widgets.option_list import Option

from screens.about_pane import AboutPane
from screens.licensing_pane import LicensingPane
from screens.organization_pane import OrganizationPane
from screens.portals_pane import PortalsPane
from tui.service.actions import Action, availability
from tui.service.status import Status
from tui.ui import bindings as keys
from tui.ui.intents import CancelLicenseCheck, RefreshLicense, StatusChanged
from tui.ui.roles import administers
from tui.ui.widgets import restyle
from tui.ui.widgets.breakpoints import set_width_breakpoint
from tui.ui.widgets.footer import Footer
from tui.ui.widgets.keys import bind
from tui.ui.widgets.status_line import StatusLine
from tui.ui.widgets.text import identity_line

ORGANIZATION_TAB = ("organization", "Organization")  # after TABS, only for an organization administrator
TABS = (("licensing", "Licensing"), ("portals", "Portals"), ("about", "About"))
PANE_KEYS = (("licensing", "edit_alias", keys.LICENSING_EDIT_ALIAS),
             ("licensing", "toggle_offline", keys.LICENSING_OFFLINE),
             ("portals", "add", keys.PORTALS_ADD), ("portals", "remove", keys.PORTALS_REMOVE),
             ("portals", "activate", keys.SETTINGS_PORTALS_ACTIVATE))


class SettingsScreen(Screen[None]):
    CSS_PATH = "settings.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (78, "-wide")]  # settings.tcss stacks the license tables when narrow
    BINDINGS = [
        bind(keys.SETTINGS_BACK, "back"),
        bind(keys.SETTINGS_REFRESH, "refresh"),
        bind(keys.SETTINGS_SIGN_OUT, "app.sign_out"),
        bind(keys.SETTINGS_CONFIGURE, "app.configure_portal"),
        bind(keys.SETTINGS_TAB_ORGANIZATION, "show_tab('organization')"),
        *(bind(key, f"show_tab('{tab}')") for key, (tab, _) in zip(keys.SETTINGS_TABS, TABS, strict=True)),
        # The panes' keys, bound here so they work wherever the focus is (also on the side tabs); each is shown
        # and works only while its tab is showing.
        *(bind(key, f"pane('{tab}', '{action}')") for tab, action, key in PANE_KEYS),
    ]

    def __init__(self, status: Status, *, tab: str = "licensing", focus_pane: bool = False,
                 config_path: Path | None = None, state_path: Path) -> None:
        super().__init__()
        self.status = status
        self.state_path = state_path
        self.initial_tab = tab
        self.focus_pane = focus_pane
        self.config_path = config_path
        self.tab_ids: list[str] = []  # the side tabs this user has (set in compose)

    def compose(self) -> ComposeResult:
        status = self.status
        set_width_breakpoint(self)
        with Horizontal(id="top"):
            yield Button(Content("← Back [Esc]"), id="back", compact=True, action="screen.back")
            yield Label("", id="title", markup=False)
        with Horizontal(id="main"):
            tabs = TABS + ((ORGANIZATION_TAB,) if administers(status) else ())
            self.initial_tab = self.initial_tab if self.initial_tab in dict(tabs) else TABS[0][0]
            yield OptionList(*(Option(f"{n} {label}", id=tab) for n, (tab, label) in enumerate(tabs, 1)), id="tabs")
            self.tab_ids = [tab for tab, _ in tabs]
            # The Licensing pane (the keys' and refresh's home) and the first tab shown; the others are composed when
            # first shown, so the first `s` doesn't pay for panes it doesn't show.
            with ContentSwitcher(initial=self.initial_tab, id="panes"):
                yield LicensingPane(status, id="licensing")
                if self.initial_tab != "licensing":
                    yield self._new_pane(self.initial_tab)
        yield StatusLine(id="status")
        # Only keys that work now, compact and without the palette's entry (ctrl+p still opens it; Help lists it), so
        # the footer stays whole at 60 columns.
        yield Footer(compact=True, show_command_palette=False)

    def _new_pane(self, tab: str) -> Widget:
        status = self.status
        if tab == "portals":
            return PortalsPane(status.connections, id="portals")
        if tab == "about":
            return AboutPane(status, config_path=self.config_path, state_path=self.state_path,
                             warnings=status.config_warnings, id="about")
        return OrganizationPane(id="organization")  # reads the members when first shown

    def _switch_to(self, tab: str) -> None:
        panes = self.query_one("#panes", ContentSwitcher)
        if not panes.query_children(f"#{tab}"):
            panes.mount(self._new_pane(tab))
        panes.current = tab

    def on_mount(self) -> None:
        restyle.mounted(self)  # styled again when shown only after a CSS change
        self.query_one("#title", Label).update(f"Settings · {identity_line(self.status)}")
        self.show_tab(self.initial_tab, focus_pane=self.focus_pane)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        restyle.resume(self, event)

    # --- tabs ----------------------------------------------------------------------------------------------------
    @property
    def tabs(self) -> OptionList:
        return self.query_one("#tabs", OptionList)

    @property
    def current_tab(self) -> str | None:
        return self.query_one("#panes", ContentSwitcher).current

    def action_show_tab(self, tab: str) -> None:
        self.show_tab(tab)

    def show_tab(self, tab: str, *, focus_pane: bool = False) -> None:
        if tab not in self.tab_ids:
            return  # e.g. Organization for someone who doesn't administer the organization
        self.tabs.highlighted = self.tabs.get_option_index(tab)
        self._switch_to(tab)
        self.refresh_bindings()
        (self.query_one(f"#{tab}") if focus_pane else self.tabs).focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._switch_to(event.option_id or TABS[0][0])
        self.refresh_bindings()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.show_tab(event.option_id or TABS[0][0], focus_pane=True)

    def action_back(self) -> None:
        if self.query_one(LicensingPane).loading:  # the first Esc stops the license read in progress (issue 16)
            self.post_message(CancelLicenseCheck())
            return
        self.dismiss(None)

    def action_pane(self, tab: str, action: str) -> None:
        getattr(self.query_one(f"#{tab}"), f"action_{action}")()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer shows only keys that do something now: a pane's keys on its tab, Refresh with a session."""
        if action == "pane":
            tab, pane_action = str(parameters[0]), str(parameters[1])
            return self.current_tab == tab and self.query_one(f"#{tab}").check_action(pane_action, ())
        if action == "refresh":
            return availability(self.status, Action.REFRESH_LICENSE).allowed
        return True

    # --- status and refresh ----------------------------------------------------------------------------------------
    def on_status_changed(self, event: StatusChanged) -> None:
        self.show_status(event.status, select=event.select)

    def show_status(self, status: Status, *, select: str | None = None) -> None:
        self.status = status
        self.query_one("#title", Label).update(f"Settings · {identity_line(status)}")
        self.refresh_bindings()
        self.query_one(LicensingPane).loading = False
        self.query_one(LicensingPane).show_status(status)
        for portals in self.query(PortalsPane):  # a pane not shown yet is composed from the newest Status
            portals.show_connections(status.connections, select=select)
        for about in self.query(AboutPane):
            about.show_status(status)

    def action_refresh(self) -> None:
        """Re-read the license; the pane shows its loading state until the App publishes the new status."""
        self.query_one(LicensingPane).loading = True
        self.post_message(RefreshLicense())
