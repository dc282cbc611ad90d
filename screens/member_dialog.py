"""MemberDialog: one member's ArcGIS AllSource license, and the administrator's actions on it (issue 14).

It shows what it is given and changes nothing itself: an action asks for confirmation, then the dialog dismisses with
an ``AdminAction`` (None when closed), which the Organization pane posts up for the App to carry out. The portal's
rule is shown before it bites: while the license is checked out nothing but a release is offered, and why is said.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Label, RadioButton, RadioSet, Static

from screens.confirm_dialog import ConfirmDialog, with_key
from screens.dialog import Dialog
from tui.core.models import LEVELS
from tui.service.admin_model import SOURCE_USER_TYPE, Member, iso_utc
from tui.ui import bindings as keys
from tui.ui.widgets.checkbox import TextCheckbox
from tui.ui.widgets.footer import Footer
from tui.ui.widgets.keys import bind


class TextRadioButton(RadioButton):
    """A radio button that reads the same without colour: "(•)" when chosen, "( )" when not."""

    BUTTON_LEFT = "("
    BUTTON_RIGHT = ")"

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "•" if self.value else " "


class AdminAction(Message):
    """What an administrator confirmed: ``kind`` is assign | unassign | release | allow_offline | prevent_offline.

    ``level`` and ``extensions`` only for assign (``level`` None keeps a user type's level). The App runs it through
    OrganizationAdmin, which re-reads the member first.
    """

    def __init__(self, kind: str, username: str = "", level: str | None = None,
                 extensions: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.kind, self.username, self.level, self.extensions = kind, username, level, tuple(extensions)

    def __repr__(self) -> str:
        return f"AdminAction({self.kind!r}, {self.username!r}, {self.level!r}, {self.extensions!r})"


# The extensions the demo and most organizations license; a member's other extensions are kept as they are listed.
EXTENSION_NAMES_SHOWN = ("3D Analyst", "Geostatistical Analyst", "Image Analyst", "Network Analyst", "Spatial Analyst")


def member_details(member: Member) -> str:
    lines = [f"Name: {member.full_name or '—'}", f"User type: {member.user_type or '—'}",
             f"License: {f'ArcGIS AllSource {member.level} ({member.source})' if member.level else 'none'}",
             f"Extensions: {', '.join(member.extensions) or 'none'}"]
    offline = member.offline
    if offline is None:
        lines.append("Offline: no")
    else:
        lines.append(f"Offline: ✈ {offline.workstation_alias or 'unnamed workstation'} — computer "
                     f"{offline.machine or 'unknown'}, OS user {offline.os_user or 'unknown'}, checked out "
                     f"{iso_utc(offline.checked_out_at) or 'at an unknown time'}")
    return "\n".join(lines)


def why_not_changed(member: Member) -> str | None:
    if member.offline is not None:
        return ("The license is checked out to work offline, and the portal allows no change while it is out: ask "
                "the member to check it in, or release it (r).")
    return None


class MemberDialog(Dialog[AdminAction | None]):
    DEFAULT_CSS = """
    MemberDialog {
        & #details { height: auto; }
        & #why { color: $warning; margin-top: 1; height: auto; }
        & #choices { height: auto; margin-top: 1; }
        & #levels { width: 16; height: auto; }
        & #extensions { width: 1fr; height: auto; }
        & #extensions > TextCheckbox { width: 1fr; }
    }
    """
    BINDINGS = [
        bind(keys.MEMBER_APPLY, "act('assign')"),
        bind(keys.MEMBER_UNASSIGN, "act('unassign')"),
        bind(keys.MEMBER_RELEASE, "act('release')"),
        bind(keys.MEMBER_CLOSE, "close"),
    ]

    def __init__(self, member: Member) -> None:
        super().__init__()
        self.member = member

    def compose(self) -> ComposeResult:
        member = self.member
        with Vertical(id="dialog") as dialog:
            dialog.border_title = Content(f"{member.username} · ArcGIS AllSource")
            with VerticalScroll(id="body", can_focus=False):
                yield Static(member_details(member), id="details", markup=False)
                if (why := why_not_changed(member)) is not None:
                    yield Static(why, id="why", markup=False)
                else:
                    yield from self._choices()
            with Horizontal(id="buttons"):
                for action, label, key in self._buttons():
                    yield Button(Content(with_key(label, key)), id=action, compact=True)
                yield Button(Content(with_key("Close", "Esc")), id="close", compact=True)
        yield Footer()

    def _choices(self) -> ComposeResult:
        member = self.member
        with Horizontal(id="choices"):
            if member.source == SOURCE_USER_TYPE:
                yield Label(f"Level: {member.level}\n(user type)", id="levels")
            else:
                with RadioSet(id="levels", compact=True):
                    for level in LEVELS:
                        yield TextRadioButton(level, value=level == (member.level or "Basic"), id=f"level-{level}")
            with Vertical(id="extensions"):
                for index, name in enumerate(EXTENSION_NAMES_SHOWN):
                    yield TextCheckbox(name, value=name in member.extensions, id=f"extension-{index}", compact=True)

    def _buttons(self) -> list[tuple[str, str, str]]:
        member = self.member
        if member.offline is not None:
            return [("release", "Release offline license", "r")]
        buttons = [("assign", "Apply", "a")]
        if member.holds_license and member.source != SOURCE_USER_TYPE:
            buttons.append(("unassign", "Unassign", "u"))
        return buttons

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "act":
            return any(parameters[0] == name for name, _, _ in self._buttons())  # False also hides the key
        return True

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "close":
            self.dismiss(None)
        elif event.button.id:
            self.action_act(event.button.id)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_act(self, kind: str) -> None:
        action, question = self._confirmation(kind)
        dialog = ConfirmDialog("Confirm", question, yes_label=kind.capitalize(), no_label="Cancel")
        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(action)

        self.app.push_screen(dialog, callback=answered)

    def _confirmation(self, kind: str) -> tuple[AdminAction, str]:
        member = self.member
        if kind == "release":
            where = member.offline.workstation_alias if member.offline else None
            return (AdminAction("release", member.username),
                    f"Release {member.username}'s offline license{f' on {where!r}' if where else ''}? That computer "
                    "loses it; the member can check out again or work connected.")
        if kind == "unassign":
            return (AdminAction("unassign", member.username),
                    f"Take the ArcGIS AllSource license away from {member.username}?")
        level, extensions = self._chosen()
        what = f"ArcGIS AllSource {level or member.level}" + (
            f" with {', '.join(extensions)}" if extensions else " without extensions")
        return (AdminAction("assign", member.username, level, extensions), f"Assign {what} to {member.username}?")

    def _chosen(self) -> tuple[str | None, tuple[str, ...]]:
        level = None
        if self.member.source != SOURCE_USER_TYPE:
            pressed = self.query_one("#levels", RadioSet).pressed_button
            level = str(pressed.label) if pressed is not None else self.member.level
        ticked = {str(box.label) for box in self.query("#extensions TextCheckbox").results(TextCheckbox) if box.value}
        others = tuple(name for name in self.member.extensions if name not in EXTENSION_NAMES_SHOWN)
        return level, tuple(name for name in EXTENSION_NAMES_SHOWN if name in ticked) + others
