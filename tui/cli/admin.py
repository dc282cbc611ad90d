"""`allsource-tui admin …`: an organization administrator's view of who holds ArcGIS AllSource, and the actions.

Actions change other people's licenses, so each asks first: `--yes` for scripts; without it, a terminal gets a y/N
question and no terminal means exit 2 with a sentence. The member is read fresh before the question and again right
before acting (OrganizationAdmin), so nothing acts on stale data. Imports of the portal stack stay inside the handler:
this module is imported for every command, and `status` must stay light.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from tui.cli.output import print_json, print_lines
from tui.core.errors import UsageError

if TYPE_CHECKING:
    import argparse

    from tui.service.admin import OrganizationAdmin
    from tui.service.admin_model import Member

PAGE_SIZE = 100


def add_admin_parser(commands, parser_class: type[argparse.ArgumentParser]) -> None:
    admin = commands.add_parser("admin", help="for organization administrators: who holds ArcGIS AllSource licenses")
    actions = admin.add_subparsers(dest="admin_command", metavar="ACTION", required=True, parser_class=parser_class)
    actions.add_parser("licenses", help="every member holding an ArcGIS AllSource license").add_argument(
        "--json", action="store_true")
    assign = actions.add_parser("assign", help="assign the add-on license and extensions to a member")
    assign.add_argument("user")
    assign.add_argument("--level", help="Basic, Standard or Advanced (default: the member's current level)")
    assign.add_argument("--extension", dest="extensions", action="append", metavar="NAME",
                        help="an extension, e.g. 'Spatial Analyst' (repeatable; replaces the member's extensions)")
    assign.add_argument("--no-extensions", action="store_true", help="take every extension away")
    changes = [assign]
    for name, text in (("unassign", "take a member's add-on license away"),
                       ("release", "release a member's offline license (a lost or broken computer)")):
        changes.append(actions.add_parser(name, help=text))
        changes[-1].add_argument("user")
    offline = actions.add_parser("offline", help="allow or prevent taking ArcGIS AllSource offline (whole org)")
    offline.add_argument("setting", choices=["allow", "prevent"])
    for parser in (*changes, offline):
        parser.add_argument("--yes", action="store_true", help="don't ask for confirmation (for scripts)")


async def cmd_admin(service, args: argparse.Namespace) -> int:
    from tui.service.admin import organization_admin

    admin = organization_admin(service)
    command = args.admin_command
    if command == "licenses":
        return await _licenses(admin, args.json)
    if command == "offline":
        return await _offline(admin, args.setting == "allow", args.yes)
    if command == "assign" and args.no_extensions and args.extensions:
        raise UsageError("Give either --extension or --no-extensions, not both.")
    return await {"assign": _assign, "unassign": _unassign, "release": _release}[command](admin, args)


async def _licenses(admin: OrganizationAdmin, as_json: bool) -> int:
    members = await admin.members(progress=Progress())
    if as_json:
        print_json({"members": [member.to_json() for member in members]})
        return 0
    offline = sum(1 for member in members if member.offline)
    summary = f"{len(members)} members hold an ArcGIS AllSource license; {offline} of them work offline."
    print_lines([*member_table(members), summary])
    return 0


async def _assign(admin: OrganizationAdmin, args) -> int:
    extensions = () if args.no_extensions else (tuple(args.extensions) if args.extensions else None)
    member = await admin.member(args.user)
    _refuse_if_checked_out(member)
    level = args.level or member.level or "?"
    kept = member.extensions if extensions is None else extensions
    what = f"ArcGIS AllSource {level}" + (f" with {', '.join(kept)}" if kept else " without extensions")
    if not confirm(f"Assign {what} to {describe(member)}?", args.yes):
        return 0
    after = await admin.assign(member.username, level=args.level, extensions=extensions)
    print_lines([f"Assigned: {after.username} now holds {license_text(after)}."])
    return 0


async def _unassign(admin: OrganizationAdmin, args) -> int:
    member = await admin.member(args.user)
    _refuse_if_checked_out(member)
    if not member.holds_license:
        print_lines([f"{member.username} holds no ArcGIS AllSource license; there is nothing to unassign."])
        return 0
    if not confirm(f"Take the ArcGIS AllSource license away from {describe(member)}?", args.yes):
        return 0
    after = await admin.unassign(member.username)
    print_lines([f"Unassigned: {after.username} holds {license_text(after)}."])
    return 0


async def _release(admin: OrganizationAdmin, args) -> int:
    member = await admin.member(args.user)
    if member.offline is None:
        print_lines([f"{member.username}'s license is not checked out to work offline; there is nothing to release."])
        return 0
    where = f" on '{member.offline.workstation_alias}'" if member.offline.workstation_alias else ""
    if not confirm(f"Release the offline license of {describe(member)}{where}? That computer loses it.", args.yes):
        return 0
    outcome = await admin.release(member.username)
    if not outcome.released:
        print_lines([f"{member.username}'s license was checked in meanwhile; there was nothing to release."])
        return 0
    print_lines([f"Released: {member.username}'s offline license{where} is back with the organization.",
                 "Their own allsource-tui learns it the next time it connects to the portal."])
    return 0


async def _offline(admin: OrganizationAdmin, allow: bool, yes: bool) -> int:
    verb = "Allow" if allow else "Prevent"
    if not confirm(f"{verb} taking ArcGIS AllSource offline for the whole organization?", yes):
        return 0
    await admin.set_offline_allowed(allow)
    now = "may take ArcGIS AllSource offline" if allow else ("can no longer take ArcGIS AllSource offline (members "
                                                              "already offline can still check in)")
    print_lines([f"Members {now}."])
    return 0


def _refuse_if_checked_out(member: Member) -> None:
    from tui.service.admin_model import MemberCheckedOut

    if member.offline is not None:
        raise MemberCheckedOut(member.username, member.offline.workstation_alias)


def confirm(question: str, yes: bool) -> bool:
    """True to go on; --yes skips the question, and without a terminal there is nobody to ask."""
    if yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError("This changes a license in your organization; add --yes to confirm (there is no terminal "
                         "to ask on).")
    if input(f"{question} [y/N] ").strip().lower() in ("y", "yes"):
        return True
    print_lines(["Nothing was changed."])
    return False


def describe(member: Member) -> str:
    return f"{member.username} ({member.full_name}, {member.user_type})" if member.full_name else member.username


def license_text(member: Member) -> str:
    if not member.holds_license:
        return "no ArcGIS AllSource license"
    extensions = f" with {', '.join(member.extensions)}" if member.extensions else ""
    return f"ArcGIS AllSource {member.level} ({member.source}){extensions}"


def member_table(members: list[Member]) -> list[str]:
    rows = [("USER", "NAME", "USER TYPE", "LEVEL", "SOURCE", "OFFLINE ON", "EXTENSIONS")]
    for m in members:
        where = (m.offline.workstation_alias or "(offline)") if m.offline else ""
        rows.append((m.username, m.full_name, m.user_type, m.level or "", m.source, where, ", ".join(m.extensions)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1]
            for row in rows]


class Progress:
    """Reading progress on stderr for organizations larger than a page: a live count on a terminal, else one line."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.announced = False

    def __call__(self, done: int, total: int) -> None:
        if total <= PAGE_SIZE:
            return
        if self.live:
            end = "\r\033[K" if done >= total else ""
            self.stream.write(f"\rReading licensed members… {done}/{total}" + end)
        elif not self.announced:
            self.stream.write(f"Reading {total} licensed members…\n")
        self.announced = True
        self.stream.flush()
