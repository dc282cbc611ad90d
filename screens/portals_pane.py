"""PortalsPane: the Portals tab — the portal connections, with the active portal and the licensing portal marked
in symbols and in words, and keys to make one active, add, remove, or sign in to the licensing portal.

The pane itself takes the focus (Settings focuses the tab's pane) and moves a highlight over the rows with ↑/↓; the
highlighted row also reads as text ("›"), so it survives NO_COLOR. Keys that don't apply to the highlighted row are
greyed in the Footer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Label, Static

from screens.add_portal_dialog import AddPortalDialog
from screens.confirm_dialog import ConfirmDialog
from tui.ui import bindings as keys
from tui.core.errors import AllSourceError
from tui.service.status import PortalConnection
from tui.ui.widgets.keys import bind
from tui.ui.widgets.text import ACTIVE_MARK, KEY_MARK, portal_marks

if TYPE_CHECKING:
    from tui.ui.app import LicenseApp

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
    app: LicenseApp  # type: ignore[assignment]

    def __init__(self, connections: list[PortalConnection], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.connections = connections

    def compose(self) -> ComposeResult:
        yield Label("Portal connections", classes="heading")
        yield Vertical(id="portal-list")
        yield Static(LEGEND, id="legend", markup=False)

    def on_mount(self) -> None:
        self.show_connections(self.connections)

    @property
    def highlighted(self) -> PortalConnection | None:
        return self.connections[self.cursor] if 0 <= self.cursor < len(self.connections) else None

    def show_connections(self, connections: list[PortalConnection], *, select: str | None = None) -> None:
        """Redraw the rows; the highlight stays on the same URL (or moves to ``select``)."""
        current = select or (self.highlighted.url if self.highlighted else None)
        self.connections = connections
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
            return row is not None and (not row.active or _needs_sign_in(row)) or None
        if action == "remove":
            return row is not None or None
        return True

    def action_move(self, step: int) -> None:
        if self.connections:
            self.cursor = max(0, min(len(self.connections) - 1, self.cursor + step))

    def action_activate(self) -> None:
        """Make the highlighted portal active; on the licensing portal without a session, also go and sign in."""
        row = self.highlighted
        if row is None:
            return
        if not row.active:
            self._apply(lambda: self.app.service.activate_portal(row.url), "{} is now the active portal.")
        if _needs_sign_in(row):
            self.app.show_sign_in("Sign in to your licensing portal.")

    def action_add(self) -> None:
        self.app.push_screen(AddPortalDialog(self.app.service.add_portal), callback=self._added)

    def _added(self, url: str | None) -> None:
        if url is not None:
            self.app.report(f"Added the portal connection {url}.")
            self._refresh(select=url)

    def action_remove(self) -> None:
        row = self.highlighted
        if row is None:
            return
        remove = lambda: self.app.service.remove_portal(row.url)  # noqa: E731
        if row.licensing:  # the service refuses with its sentence; nothing to confirm
            self._apply(remove, "")
            return
        question = ConfirmDialog("Remove portal", f"Remove the portal connection {row.url}?",
                                 yes_label="Remove", no_label="Keep")
        self.app.push_screen(question, callback=lambda yes: self._apply(remove, "Removed {}.") if yes else None)

    def _apply(self, change, done: str) -> None:
        try:
            url = change()
        except AllSourceError as error:
            self.app.report(error.user_message, "error")
            return
        self.app.report(done.format(url))
        self._refresh()

    def _refresh(self, *, select: str | None = None) -> None:
        self.show_connections(self.app.service.portal_connections(), select=select)
        self.app.publish_status()  # the start page shows the active portal; Settings redraws this tab


def _needs_sign_in(row: PortalConnection) -> bool:
    return bool(row.licensing and not row.signed_in)
