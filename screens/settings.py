"""SettingsScreen: side tabs (Licensing, Portals, About) on the left, the chosen tab's pane on the right.

↑/↓ move between the tabs and show each pane at once; Enter moves into the pane; 1–3 jump to a tab; Esc goes back to
the start page. The refresh key asks the App to re-read the license (RefreshLicense); every pane redraws from the
Status the App posts down (StatusChanged).
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Label, OptionList
from textual.widgets.option_list import Option

from screens.about_pane import AboutPane
from screens.licensing_pane import LicensingPane
from screens.organization_pane import OrganizationPane
from screens.portals_pane import PortalsPane
from tui.service.status import Status
from tui.ui import bindings as keys
from tui.ui.intents import CancelLicenseCheck, RefreshLicense, StatusChanged
from tui.ui.roles import administers
from tui.ui.widgets.keys import bind
from tui.ui.widgets.status_line import StatusLine

ORGANIZATION_TAB = ("organization", "Organization")  # after TABS, only for an organization administrator
TABS = (("licensing", "Licensing"), ("portals", "Portals"), ("about", "About"))


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
    ]

    def __init__(self, status: Status, *, tab: str = "licensing", focus_pane: bool = False,
                 config_path: Path | None = None, state_path: Path) -> None:
        super().__init__()
        self.status = status
        self.state_path = state_path
        self.initial_tab = tab
        self.focus_pane = focus_pane
        self.config_path = config_path

    def compose(self) -> ComposeResult:
        status = self.status
        yield Label("Settings  ·  Esc returns to the start page", id="title")
        with Horizontal(id="main"):
            tabs = TABS + ((ORGANIZATION_TAB,) if administers(status) else ())
            self.initial_tab = self.initial_tab if self.initial_tab in dict(tabs) else TABS[0][0]
            yield OptionList(*(Option(f"{n} {label}", id=tab) for n, (tab, label) in enumerate(tabs, 1)), id="tabs")
            with ContentSwitcher(initial=self.initial_tab, id="panes"):
                yield LicensingPane(status, id="licensing")
                yield PortalsPane(status.connections, id="portals")
                yield AboutPane(status, config_path=self.config_path, state_path=self.state_path,
                                warnings=status.config_warnings, id="about")
                if administers(status):
                    yield OrganizationPane(id="organization")  # reads the members when first shown
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.show_tab(self.initial_tab, focus_pane=self.focus_pane)

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
        if not self.query(f"#panes > #{tab}"):
            return  # e.g. Organization for someone who doesn't administer the organization
        self.tabs.highlighted = self.tabs.get_option_index(tab)
        self.query_one("#panes", ContentSwitcher).current = tab
        (self.query_one(f"#{tab}") if focus_pane else self.tabs).focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.query_one("#panes", ContentSwitcher).current = event.option_id

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.show_tab(event.option_id or TABS[0][0], focus_pane=True)

    def action_back(self) -> None:
        if self.query_one(LicensingPane).loading:  # the first Esc stops the license read in progress (issue 16)
            self.post_message(CancelLicenseCheck())
            return
        self.dismiss(None)

    # --- status and refresh ----------------------------------------------------------------------------------------
    def on_status_changed(self, event: StatusChanged) -> None:
        self.show_status(event.status, select=event.select)

    def show_status(self, status: Status, *, select: str | None = None) -> None:
        self.status = status
        self.query_one(LicensingPane).loading = False
        self.query_one(LicensingPane).show_status(status)
        self.query_one(PortalsPane).show_connections(status.connections, select=select)
        self.query_one(AboutPane).show_status(status)

    def action_refresh(self) -> None:
        """Re-read the license; the pane shows its loading state until the App publishes the new status."""
        self.query_one(LicensingPane).loading = True
        self.post_message(RefreshLicense())
