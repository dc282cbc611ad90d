"""PortalsPane: the Portals tab — the portal connections, with the active portal and the licensing portal marked
in symbols and in words, and keys to make one active, add, remove, or sign in to the licensing portal.

The pane itself takes the focus (Settings focuses the tab's pane) and moves a highlight over the rows with ↑/↓; the
highlighted row also reads as text ("›"), so it survives NO_COLOR. Keys that don't apply to the highlighted row are
greyed in the Footer.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Label, Static

from tui.service.status import PortalConnection
from tui.ui import bindings as keys
from tui.ui.intents import ActivatePortal, AddPortal, RemovePortal
from tui.ui.widgets.keys import bind
from tui.ui.widgets.text import ACTIVE_MARK, KEY_MARK, portal_marks

LEGEND = (f"{ACTIVE_MARK}: the portal ArcGIS AllSource works with now.\n"
          f"{KEY_MARK}: the portal that validates your Named User license.\n"
          "Enter or m makes the highlighted portal active (on the licensing portal, also signs in when you are "
          "not signed in); a adds a portal; d removes one.")


class PortalRow(Static):
    """One connection: "› URL" on the first line when highlighted, its marks in words on the second."""

    def __init__(self, connection: PortalConnection, index: int, *, highlighted: bool) -> None:
        super().__init__(markup=False, classes="portal-row")
        self.index = index
        self.show(connection, highlighted=highlighted)

    def show(self, connection: PortalConnection, *, highlighted: bool) -> None:
        pointer = "›" if highlighted else " "
        self.update(f"{pointer} {connection.url}\n    {portal_marks(connection)}")
        self.set_class(highlighted, "-highlighted")


class PortalsPane(VerticalScroll):
    DEFAULT_CSS = """
    PortalsPane {
        padding: 0 1;
        & .heading { text-style: bold; }
        & #portal-list { height: auto; margin-top: 1; }
        & .portal-row { margin-left: 1; }
        & .portal-row.-highlighted { text-style: bold; background: $boost; }
        &:focus .portal-row.-highlighted { background: $accent 30%; }
        & #legend { color: $text-muted; margin-top: 1; }
    }
    """
    BINDINGS = [
        bind(keys.PORTALS_UP, "move(-1)"),
        bind(keys.PORTALS_DOWN, "move(1)"),
        bind(keys.PORTALS_ACTIVATE, "activate"),
        bind(keys.PORTALS_ADD, "add"),
        bind(keys.PORTALS_REMOVE, "remove"),
    ]
    cursor: reactive[int] = reactive(0, bindings=True, init=False)

    def __init__(self, connections: Sequence[PortalConnection], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.connections = list(connections)

    def compose(self) -> ComposeResult:
        yield Label("Portal connections", classes="heading")
        yield Vertical(id="portal-list")
        yield Static(LEGEND, id="legend", markup=False)

    def on_mount(self) -> None:
        self.show_connections(self.connections)

    @property
    def highlighted(self) -> PortalConnection | None:
        return self.connections[self.cursor] if 0 <= self.cursor < len(self.connections) else None

    def show_connections(self, connections: Sequence[PortalConnection], *, select: str | None = None) -> None:
        """Redraw the rows; the highlight stays on the same URL (or moves to ``select``)."""
        current = select or (self.highlighted.url if self.highlighted else None)
        self.connections = list(connections)
        urls = [connection.url for connection in connections]
        index = urls.index(current) if current in urls else min(self.cursor, max(len(urls) - 1, 0))
        self.set_reactive(PortalsPane.cursor, index)
        self._draw()

    def _draw(self) -> None:
        portal_list = self.query_one("#portal-list", Vertical)
        rows = list(portal_list.query_children(PortalRow))
        if len(rows) == len(self.connections):
            for index, (row, connection) in enumerate(zip(rows, self.connections, strict=True)):
                row.show(connection, highlighted=index == self.cursor)
        else:
            portal_list.remove_children()
            portal_list.mount_all(PortalRow(connection, index, highlighted=index == self.cursor)
                                  for index, connection in enumerate(self.connections))
        self.refresh_bindings()

    def watch_cursor(self) -> None:
        self._draw()

    def on_click(self, event: events.Click) -> None:
        if isinstance(event.widget, PortalRow):
            self.cursor = event.widget.index

    # --- actions -------------------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        row = self.highlighted
        if action == "activate":
            return (row is not None and (not row.active or _needs_sign_in(row))) or None
        if action == "remove":
            return row is not None or None
        return True

    def action_move(self, step: int) -> None:
        if self.connections:
            self.cursor = max(0, min(len(self.connections) - 1, self.cursor + step))

    def action_activate(self) -> None:
        """Make the highlighted portal active; on the licensing portal without a session, also go and sign in."""
        if self.highlighted is not None:
            self.post_message(ActivatePortal(self.highlighted.url))

    def action_add(self) -> None:
        self.post_message(AddPortal())

    def action_remove(self) -> None:
        if self.highlighted is not None:
            self.post_message(RemovePortal(self.highlighted.url))


def _needs_sign_in(row: PortalConnection) -> bool:
    return bool(row.licensing and not row.signed_in)
