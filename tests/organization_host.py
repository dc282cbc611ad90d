"""A tiny App that hosts the Organization pane alone (issue 14), fed with fixed members, recording what it posts.

The lead wires the pane into Settings and the real App; until then (and after) this host is how the pane is tested
on its own: Pilot presses keys, the test reads the table and the recorded messages.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Input

from screens.member_dialog import AdminAction
from screens.organization_pane import OrganizationPane
from tui.service.admin_model import SOURCE_ADD_ON, SOURCE_USER_TYPE, Member, MemberOffline

CHECKED_OUT_AT = 1_788_000_000.0  # 2026-08-29T10:40:00Z


def member(username: str, full_name: str, level: str | None, *, user_type: str = "Creator",
           extensions: tuple[str, ...] = (), alias: str | None = None) -> Member:
    offline = None
    if alias is not None:
        offline = MemberOffline(workstation_alias=alias, machine=f"machine-{username}", os_user=f"{username}-os",
                                checked_out_at=CHECKED_OUT_AT)
    source = SOURCE_USER_TYPE if user_type.startswith("GIS Professional") else SOURCE_ADD_ON
    return Member(username=username, full_name=full_name, user_type=user_type, level=level, extensions=extensions,
                  source=source, offline=offline)


MEMBERS = [
    member("pro_adv", "Avery Pro", "Advanced", user_type="GIS Professional Advanced",
           extensions=("3D Analyst", "Image Analyst", "Spatial Analyst")),
    member("creator_std", "Casey Creator", "Standard", extensions=("Geostatistical Analyst",)),
    member("member017", "Rae Fischer", "Basic", user_type="GIS Professional Basic", alias="Field tablet 2"),
    member("member034", "Jun Petrov", "Standard", alias="Boat console"),
    member("member005", "Fay Quispe", "Standard", extensions=("Network Analyst",)),
    member("member010", "Kai Nakamura", "Advanced", extensions=("Image Analyst", "Spatial Analyst")),
    member("org_admin", "Olive Admin", "Advanced", user_type="GIS Professional Advanced"),
    member("member001", "Bo Haddad", "Basic", extensions=("3D Analyst",)),
]


class PaneHost(App[None]):
    """The pane full-screen, a fixed theme and no blinking cursor; ``posted`` keeps every message it sent up."""

    def __init__(self, members: list[Member] | None = None, *, offline_allowed: bool | None = True) -> None:
        super().__init__()
        self.members, self.offline_allowed = members, offline_allowed
        self.posted: list[object] = []

    def compose(self) -> ComposeResult:
        yield OrganizationPane(self.members, offline_allowed=self.offline_allowed, id="organization")
        yield Footer()

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.query_one("#filter", Input).cursor_blink = False
        self.query_one(OrganizationPane).focus()

    def on_admin_action(self, message: AdminAction) -> None:
        self.posted.append(message)

    def on_organization_pane_load_requested(self, message: OrganizationPane.LoadRequested) -> None:
        self.posted.append(message)
