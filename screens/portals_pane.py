"""PortalsPane: the Portals tab — the portal connections, with the active portal and the licensing portal marked
in symbols and in words."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static

from tui.widgets.text import ACTIVE_MARK, KEY_MARK, portal_marks


class PortalsPane(VerticalScroll):
    DEFAULT_CSS = """
    PortalsPane {
        padding: 0 1;
        & .heading { text-style: bold; }
        & #portal-list { height: auto; margin-top: 1; }
        & .portal-url { margin-left: 2; }
        & .portal-marks { margin-left: 4; color: $text-muted; }
        & #legend { color: $text-muted; margin-top: 1; }
    }
    """

    def __init__(self, connections: list[dict], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.connections = connections

    def compose(self) -> ComposeResult:
        yield Label("Portal connections", classes="heading")
        yield Vertical(id="portal-list")
        yield Static(f"{ACTIVE_MARK}: the portal ArcGIS AllSource works with now.\n"
                     f"{KEY_MARK}: the portal that validates your Named User license.\n"
                     "Add, remove or activate portals with `allsource-tui portals`.", id="legend", markup=False)

    def on_mount(self) -> None:
        self.show_connections(self.connections)

    def show_connections(self, connections: list[dict]) -> None:
        self.connections = connections
        portal_list = self.query_one("#portal-list", Vertical)
        portal_list.remove_children()
        portal_list.mount_all(widget for connection in connections for widget in (
            Static(connection["url"], classes="portal-url", markup=False),
            Static(portal_marks(connection), classes="portal-marks", markup=False)))
