"""OrganizationPane: the Settings › Organization tab, for organization administrators (issue 14) — who holds ArcGIS
AllSource, at which level, and on which workstation an offline license is.

Data in, messages out: the App gives members with ``show_members`` (or answers ``LoadRequested``), and after an
action ``update_member`` / ``show_notice``; the pane never calls the App or the service. Confirmed actions are posted
as ``AdminAction`` messages (screens/member_dialog.py), which bubble through the Settings screen to the App. A refusal
shown with ``show_notice`` leaves the table as it was.

The filter field keeps the focus, so typing filters at once; ↑/↓/PgUp/PgDn move in the table and Enter opens the
highlighted member. Offline holders are marked "✈ <alias>", which reads the same without colour.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Static
from textual.widgets.data_table import CellDoesNotExist, ColumnKey

from screens.confirm_dialog import ConfirmDialog
from screens.member_dialog import AdminAction, MemberDialog
from tui.core.models import LEVELS
from tui.service.admin_model import Member
from tui.ui import bindings as keys
from tui.ui.widgets.keys import bind

OFFLINE_MARK = "✈"
# What an administrator scans for comes first, so the Settings pane (about 58 columns) shows it without scrolling.
COLUMNS = (("user", "User"), ("level", "Level"), ("offline", "Offline on"), ("name", "Name"), ("source", "Source"))
TABLE_KEYS = {"up": "cursor_up", "down": "cursor_down", "pageup": "page_up", "pagedown": "page_down"}
SORT_USER, SORT_LEVEL, SORT_OFFLINE, OFFLINE_SETTING, CLEAR_FILTER = keys.ORGANIZATION_KEYS


def sort_key(sort: str):
    """The row order of each sort; the username breaks ties, so the order never depends on the input order."""
    def user(member: Member) -> tuple:
        return (member.username.casefold(),)

    def level(member: Member) -> tuple:
        return (LEVELS.index(member.level) if member.level in LEVELS else -1, member.username.casefold())

    def offline(member: Member) -> tuple:
        alias = (member.offline.workstation_alias or "") if member.offline else ""
        return (member.offline is None, alias.casefold(), member.username.casefold())

    return {"user": user, "level": level, "offline": offline}[sort]


def matches(member: Member, text: str) -> bool:
    wanted = text.strip().casefold()
    alias = (member.offline.workstation_alias or "") if member.offline else ""
    haystack = " ".join((member.username, member.full_name, member.level or "", member.user_type, alias))
    return not wanted or wanted in haystack.casefold()


def offline_cell(member: Member) -> str:
    if member.offline is None:
        return ""
    return f"{OFFLINE_MARK} {member.offline.workstation_alias or '(unnamed)'}"


class OrganizationPane(Vertical):
    DEFAULT_CSS = """
    OrganizationPane {
        padding: 0 1;
        & .heading { text-style: bold; }
        & #filter { margin-top: 1; }
        & #members { height: 1fr; }
        & #summary { color: $text-muted; height: auto; }
        & #notice { height: auto; }
    }
    """
    BINDINGS = [
        bind(SORT_USER, "sort('user')"),
        bind(SORT_LEVEL, "sort('level')"),
        bind(SORT_OFFLINE, "sort('offline')"),
        bind(OFFLINE_SETTING, "offline_setting"),
        bind(CLEAR_FILTER, "clear_filter"),
    ]

    class LoadRequested(Message):
        """The pane was shown without members: the App should read them (OrganizationAdmin.members)."""

    def __init__(self, members: list[Member] | None = None, *, offline_allowed: bool | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.members: list[Member] | None = members
        self.offline_allowed = offline_allowed
        self.sort, self.reverse = "user", False
        self._load_requested = False

    def compose(self) -> ComposeResult:
        yield Label("Who holds ArcGIS AllSource in your organization", classes="heading")
        yield Input(placeholder="Type to filter by user, name, level or workstation", id="filter")
        yield DataTable(id="members", cursor_type="row", zebra_stripes=True)
        yield Static("", id="summary", markup=False)
        yield Static("", id="notice", markup=False)

    def on_mount(self) -> None:
        if self.members is None:
            self.show_progress("Reading the organization's members…")
        else:
            self._draw()

    def on_show(self) -> None:
        """Read the members when the tab is first looked at (not each time Settings opens), or again after a
        failed read."""
        if self.members is None and not self._load_requested:
            self._load_requested = True
            self.post_message(self.LoadRequested())

    def focus(self, scroll_visible: bool = True) -> OrganizationPane:
        """Settings focuses a tab's pane: here that means the filter field, so typing filters at once."""
        self.query_one("#filter", Input).focus(scroll_visible)
        return self

    # --- data in ---------------------------------------------------------------------------------------------------
    def show_members(self, members: list[Member], *, offline_allowed: bool | None = None) -> None:
        self.members = list(members)
        if offline_allowed is not None:
            self.offline_allowed = offline_allowed
        self._draw()

    def update_member(self, member: Member) -> None:
        """After an action: the member as re-read (one without a license leaves the list)."""
        rest = [m for m in self.members or [] if m.username != member.username]
        self.show_members(rest + ([member] if member.holds_license else []))

    def show_progress(self, text: str) -> None:
        """While the members are read (in place of the count), e.g. "Reading … 100 of 233"."""
        self.query_one("#summary", Static).update(text)

    def load_failed(self, reason: str) -> None:
        """The members could not be read: say why; showing the tab again tries again."""
        self._load_requested = False
        self.show_progress("The members could not be read; leave this tab and come back to try again.")
        self.show_notice(reason)

    def show_notice(self, text: str) -> None:
        """A sentence under the table, e.g. why the portal refused; the table stays as it was."""
        self.query_one("#notice", Static).update(text)

    @property
    def shown_members(self) -> list[Member]:
        text = self.query_one("#filter", Input).value
        shown = [member for member in self.members or [] if matches(member, text)]
        return sorted(shown, key=sort_key(self.sort), reverse=self.reverse)

    @property
    def highlighted(self) -> Member | None:
        """The member on the table's cursor row (found by the row's key: the username)."""
        table = self.query_one("#members", DataTable)
        if not table.row_count:
            return None
        try:
            username = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except CellDoesNotExist:
            return None
        return next((member for member in self.members or [] if member.username == username), None)

    # --- drawing ---------------------------------------------------------------------------------------------------
    def _draw(self) -> None:
        table = self.query_one("#members", DataTable)
        keep = self.highlighted.username if self.highlighted else None
        table.clear()
        arrow = "▼" if self.reverse else "▲"
        if not table.columns:
            for key, label in COLUMNS:
                table.add_column(label, key=key)
        for key, label in COLUMNS:  # the sort shows in its header: "User ▲"
            table.columns[ColumnKey(key)].label = Text(f"{label} {arrow}" if key == self.sort else label)
        shown = self.shown_members
        for member in shown:
            table.add_row(member.username, member.level or "", offline_cell(member), member.full_name,
                          member.source, key=member.username)
        names = [member.username for member in shown]
        if keep in names:
            table.move_cursor(row=names.index(keep))
        self._summarize(shown)

    def _summarize(self, shown: list[Member]) -> None:
        members = self.members or []
        offline = sum(1 for member in members if member.offline)
        setting = {True: "allowed", False: "prevented", None: "unknown"}[self.offline_allowed]
        count = f"{len(members)} members" if len(shown) == len(members) else f"{len(shown)} of {len(members)} members"
        self.query_one("#summary", Static).update(
            f"{count} · {offline} offline ({OFFLINE_MARK}) · offline use {setting}\n"
            "Enter: details and actions · F6/F7/F8: sort by user/level/offline · F9: offline setting")

    # --- events ----------------------------------------------------------------------------------------------------
    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self._draw()
        self.query_one("#members", DataTable).move_cursor(row=0)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.open_member(self.highlighted)

    @on(DataTable.RowSelected, "#members")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_member(self.highlighted)

    @on(DataTable.HeaderSelected, "#members")
    def _header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        if event.column_key.value in ("user", "level", "offline"):
            self.action_sort(event.column_key.value)

    def on_key(self, event: events.Key) -> None:
        """↑/↓/PgUp/PgDn move in the table while the filter field has the focus."""
        if event.key in TABLE_KEYS and isinstance(self.screen.focused, Input):
            event.stop()
            event.prevent_default()
            getattr(self.query_one("#members", DataTable), f"action_{TABLE_KEYS[event.key]}")()

    # --- actions ---------------------------------------------------------------------------------------------------
    def open_member(self, member: Member | None) -> None:
        if member is not None:
            self.app.push_screen(MemberDialog(member), callback=self._post_action)

    def _post_action(self, action: AdminAction | None) -> None:
        if action is not None:
            self.show_notice("")
            self.post_message(action)

    def action_sort(self, sort: str) -> None:
        self.reverse = not self.reverse if sort == self.sort else False
        self.sort = sort
        self._draw()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        if not field.value:
            raise SkipAction()  # nothing to clear: Esc goes on to the screen (back)
        field.value = ""

    def action_offline_setting(self) -> None:
        allow = self.offline_allowed is False
        verb = "Allow" if allow else "Prevent"
        question = (f"{verb} taking ArcGIS AllSource offline for the whole organization?"
                    + ("" if allow else " Members already offline can still check in."))
        self.app.push_screen(ConfirmDialog("Offline use", question, yes_label=verb, no_label="Cancel"),
                             callback=lambda yes: self._post_action(
                                 AdminAction("allow_offline" if allow else "prevent_offline")) if yes else None)
