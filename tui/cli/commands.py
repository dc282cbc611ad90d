"""The headless subcommands: each calls LicensingService and prints plain text or one JSON object."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from pathlib import Path

from tui.cli.output import license_lines, print_json, print_lines, status_lines
from tui.core.errors import NotSignedIn, UsageError
from tui.service.actions import Action, refuse_unless
from tui.service.licensing import LicensingService, open_service, resolve_locations
from tui.service.status import PortalConnection
from tui.core.redact import configure_logging


def configure_debug(args: argparse.Namespace) -> None:
    if args.debug or os.environ.get("ALLSOURCE_TUI_DEBUG"):
        configure_logging(logging.DEBUG, logging.StreamHandler(sys.stderr))


async def run_command(args: argparse.Namespace) -> int:
    if args.command == "demo-portal":
        return run_demo_portal(args)
    locations = resolve_locations(args.config, args.state_dir)
    async with open_service(locations) as service:
        handler = HANDLERS[args.command]
        return await handler(service, args)


async def cmd_status(service: LicensingService, args) -> int:
    status = service.status()
    print_json(status.to_json()) if args.json else print_lines(status_lines(status))
    if not status.signed_in and status.offline is None:
        sys.stderr.write("You are not signed in; run `allsource-tui sign-in`.\n")
        return NotSignedIn.exit_code
    return 0


async def cmd_license(service: LicensingService, args) -> int:
    await service.refresh_license()
    status = service.status()
    print_json(status.to_json()) if args.json else print_lines(license_lines(status.license))
    return 0


async def cmd_sign_in(service: LicensingService, args) -> int:
    refuse_unless(service.status(), Action.SIGN_IN)  # before asking for a password that would not be used
    if args.sso:
        from tui.cli.sso import sign_in_with_sso  # noqa: PLC0415

        return await sign_in_with_sso(service, args)
    if args.portal:
        await service.choose_sign_in_portal(args.portal)
    username = args.username or _prompt("Username: ", service.status().last_username)
    password = _read_password(args.password_stdin)
    await service.sign_in(username, password, auto=not args.no_auto)
    print_lines(status_lines(service.status()))
    return 0


async def cmd_sign_out(service: LicensingService, args) -> int:
    notices = await service.sign_out()
    print_lines(notices or ["Signed out."])
    return 0


async def cmd_alias(service: LicensingService, args) -> int:
    if args.alias_command == "set":
        print_lines([f"Workstation alias: {service.set_alias(args.name)}"])
    else:
        print_lines([f"Workstation alias: {service.status().workstation_alias or 'not set'}"])
    return 0


async def cmd_offline(service: LicensingService, args) -> int:
    if args.offline_command == "check-in":
        await service.check_in()
        print_lines(["Checked in: the license is online again."] + status_lines(service.status()))
        return 0
    refuse_unless(service.status(), Action.AUTHORIZE_OFFLINE)  # before asking whether to stay connected
    connect = args.connect
    if connect is None:
        connect = _ask_connect()
    offline = await service.authorize_offline(connect=connect)
    session_line = ("You stay signed in to the portal." if connect else
                    "The portal session was ended; ArcGIS AllSource keeps working without sign-in.")
    print_lines([f"Authorized to work offline on '{offline.alias}' for {offline.username}.", session_line])
    return 0


async def cmd_portal(service: LicensingService, args) -> int:
    if args.portal_command == "set":
        portal = await service.set_licensing_portal(args.kind, args.url, save_if_unreachable=args.force)
        print_lines([f"Licensing portal: {portal.url} ({portal.kind_label})",
                     "The change takes effect the next time allsource-tui starts; sign in to the new portal then."])
        return 0
    portal = service.licensing_portal()
    if args.json:
        print_json({"url": portal.url, "kind": portal.kind})
    else:
        print_lines([f"Licensing portal: {portal.url} ({portal.kind_label})"])
    return 0


async def cmd_portals(service: LicensingService, args) -> int:
    action = args.portals_command
    if action == "list":
        connections = service.portal_connections()
        if args.json:
            print_json({"portals": [connection.to_json() for connection in connections]})
        else:
            print_lines([_connection_line(c) for c in connections])
        return 0
    done = {"add": service.add_portal, "remove": service.remove_portal, "activate": service.activate_portal}[action]
    print_lines([f"{action.capitalize()}: {done(args.url)}"])
    return 0


def _connection_line(connection: PortalConnection) -> str:
    marks = ("✓ active" if connection.active else "        ") + ("  🔑 licensing" if connection.licensing else "")
    return f"{connection.url}  {marks}".rstrip()


def _prompt(label: str, default: str | None) -> str:
    if not sys.stdin.isatty():
        raise UsageError("No username given; pass --username (there is no terminal to ask on).")
    answer = input(f"{label}" + (f"[{default}] " if default else ""))
    return answer.strip() or (default or "")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UsageError("No password arrived on standard input; pipe it in, e.g. from a password manager.")
        return password
    if not sys.stdin.isatty():
        raise UsageError("No terminal to ask for the password on; pass --password-stdin and pipe the password in.")
    return getpass.getpass("Password: ")


def _ask_connect() -> bool:
    if not sys.stdin.isatty():
        raise UsageError("Say whether to stay connected to the portal: add --connect or --no-connect.")
    answer = input("Connect to an active portal to access or share content? [y/N] ").strip().lower()
    return answer in ("y", "yes")


def run_demo_portal(args) -> int:
    from tui.demo_portal import DemoPortal  # noqa: PLC0415
    from tui.core.paths import state_dir  # noqa: PLC0415

    data = Path(args.data) if args.data else state_dir(args.state_dir, demo=True) / "portal"
    portal = DemoPortal(data, host=args.host, port=args.port, allow_offline_enterprise=args.allow_offline_enterprise)
    for spec in args.fault:
        portal.faults.add_spec(spec) if hasattr(portal.faults, "add_spec") else portal.faults.parse(spec)
    sys.stdout.write(portal.banner() + "\n")
    sys.stdout.flush()
    portal.serve_forever()
    return 0


HANDLERS = {"status": cmd_status, "license": cmd_license, "sign-in": cmd_sign_in, "sign-out": cmd_sign_out,
            "alias": cmd_alias, "offline": cmd_offline, "portal": cmd_portal, "portals": cmd_portals}
