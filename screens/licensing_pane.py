"""LicensingPane: the Licensing tab — license level, extensions, licensing portal, workstation alias, offline use.

Edit (#alias-edit, or e) opens Edit Alias; the offline checkbox (#offline-checkbox, or w) lives in OfflineSection.
The keys are bound on SettingsScreen, so they work wherever the focus is in Settings (also on the side tabs).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, DataTable, Label, Static

from screens.offline_section import OfflineSection
from tui.service.status import Status
from tui.ui.intents import EditAlias
from tui.ui.widgets.text import ADMIN_NOTE, KEY, extension_rows, level_rows, license_notes

NOT_READ = "The license has not been read from the licensing portal yet; sign in to read it."


class LicensingPane(VerticalScroll):
    DEFAULT_CSS = """
    LicensingPane {
        padding: 0 1;
        & .heading { text-style: bold; margin-top: 1; }
        & .heading.first { margin-top: 0; }
        & #license-tables { height: auto; }
        & .license-table { height: auto; width: auto; margin-right: 2; }
        & DataTable { height: auto; width: auto; }
        & #license-notes { margin-left: 2; margin-top: 1; }
        & #admin-note { color: $text-muted; margin-top: 1; }
        & .line { margin-left: 2; }
        & #alias-row { height: 1; margin-left: 2; }
        & #alias-row Button { margin-left: 2; }
        & #configure-licensing { margin-left: 2; }
    }
    """

    def __init__(self, status: Status, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.status = status

    def compose(self) -> ComposeResult:
        # Two headings, as on the help page: the level with the Yes value, then the extensions' Licensed column.
        with Horizontal(id="license-tables"):
            with Vertical(classes="license-table"):
                yield Label("Named User License", classes="heading first")
                yield _table("levels", ("Level", "Licensed"), width=8)
            with Vertical(classes="license-table"):
                yield Label("Extensions", classes="heading first")
                yield _table("extensions", ("Extension", "Licensed"), width=22)
        yield Static("", id="license-notes", markup=False)
        yield Static(ADMIN_NOTE, id="admin-note", markup=False)
        yield Label("Licensing Portal", classes="heading")
        yield Label("", id="licensing-portal", classes="line", markup=False)
        yield Button(Content("Configure your licensing options [F2]"), id="configure-licensing", compact=True,
                     action="app.configure_portal")
        yield Label("Workstation Alias", classes="heading")
        with Horizontal(id="alias-row"):
            yield Label("", id="alias", markup=False)
            yield Button(Content("Edit [e]"), id="alias-edit", compact=True, action="app.edit_alias")
        yield Label("Settings", classes="heading")
        yield OfflineSection(self.status, id="offline")

    def on_mount(self) -> None:
        self.show_status(self.status)

    def show_status(self, status: Status) -> None:
        self.status = status
        _fill(self.query_one("#levels", DataTable), level_rows(status.license))
        _fill(self.query_one("#extensions", DataTable), extension_rows(status.license))
        notes = license_notes(status.license) if status.license else [NOT_READ]
        self.query_one("#license-notes", Static).update("\n".join(notes))
        self.query_one("#license-notes", Static).display = bool(notes)
        portal = status.licensing_portal
        self.query_one("#licensing-portal", Label).update(f"{KEY} {portal.url} ({portal.kind_label})")
        self.query_one("#alias", Label).update(status.workstation_alias or "Not set")
        self.query_one(OfflineSection).show_status(status)

    def action_edit_alias(self) -> None:
        self.post_message(EditAlias())

    def action_toggle_offline(self) -> None:
        self.query_one(OfflineSection).toggle()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_offline":
            return self.query_one(OfflineSection).available or None
        return True


def _table(table_id: str, columns: tuple[str, str], *, width: int) -> DataTable:
    table: DataTable = DataTable(id=table_id, cursor_type="none", zebra_stripes=False, show_cursor=False)
    table.can_focus = False
    table.add_column(columns[0], width=width, key="name")
    table.add_column(columns[1], width=8, key="value")
    return table


def _fill(table: DataTable, rows: list[tuple[str, str]]) -> None:
    table.clear()
    for name, value in rows:
        table.add_row(name, value)

