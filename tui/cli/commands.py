"""The headless subcommands: each calls LicensingService and prints plain text or one JSON object."""

from __future__ import annotations

import argparse
import asyncio
import errno
import getpass
import logging
import os
import sys
from pathlib import Path

from tui.cli.admin import cmd_admin
from tui.cli.output import license_lines, print_json, print_lines, print_status, status_lines, warn_about_config
from tui.core.errors import InvalidCredentials, PortalUnreachable, UsageError
from tui.core.redact import configure_logging
from tui.service.actions import Action, refuse_unless
from tui.service.licensing import LicensingService, open_service, resolve_locations
from tui.service.status import PortalConnection

SIGN_IN_BUDGET_SECONDS = 120.0


def configure_debug(args: argparse.Namespace) -> None:
    if args.debug or os.environ.get("ALLSOURCE_TUI_DEBUG"):
        configure_logging(logging.DEBUG, logging.StreamHandler(sys.stderr))


async def run_command(args: argparse.Namespace) -> int:
    if args.command == "demo-portal":
        return run_demo_portal(args)
    if args.command == "doctor":  # before open_service: a broken config.toml is one of the things it reports
        from tui.cli.doctor import cmd_doctor

        return await cmd_doctor(args)
    locations = resolve_locations(args.config, args.state_dir)
    async with open_service(locations) as service:
        warn_about_config(service.settings.warnings)
        handler = HANDLERS[args.command]
        try:
            return await handler(service, args)
        finally:  # what the portal said differs from the record here, and how it was reconciled (issue 16)
            if reconciled := service.take_reconciled():
                print_lines(reconciled)




async def cmd_status(service: LicensingService, args) -> int:
    return print_status(service.status(), as_json=args.json)


async def cmd_license(service: LicensingService, args) -> int:
    await service.refresh_license()
    status = service.status()
    print_json(status.to_json()) if args.json else print_lines(license_lines(status.license))
    return 0


async def cmd_sign_in(service: LicensingService, args) -> int:
    refuse_unless(service.status(), Action.SIGN_IN)  # before asking for a password that would not be used
    if args.sso:
        from tui.cli.sso import sign_in_with_sso

        return await sign_in_with_sso(service, args)
    if args.portal:
        await service.choose_sign_in_portal(args.portal)
    username = args.username or _prompt("Username: ", service.status().last_username)
    password = _read_password(args.password_stdin)
    try:
        await _within_sign_in_budget(service, service.sign_in(username, password, auto=not args.no_auto))
    except InvalidCredentials as error:  # the CLI's next step; the TUI says its own ("Try: …")
        raise InvalidCredentials(f"{error.user_message} Check the username and Caps Lock, then run "
                                 "`allsource-tui sign-in` again.", code=error.code) from None
    print_lines(status_lines(service.status()))
    if args.no_auto:  # not kept for the next start: the token ends with this command (README, "Signing in")
        notices = await service.end_unkept_session()
        print_lines([*notices, "Sign in automatically is off, so the session was ended as this command finished; "
                     "nothing is kept for the next start."])
    return 0


async def _within_sign_in_budget(service: LicensingService, signing_in) -> None:
    """A sign-in is several portal operations, each under ``deadline_seconds``; the whole gets twice that, at most
    SIGN_IN_BUDGET_SECONDS (issue 16 finding 6). A cancelled sign-in revokes a token it already got (the service
    revokes on any exception while adopting the new session)."""
    budget = min(SIGN_IN_BUDGET_SECONDS, 2 * service.settings.network.deadline_seconds)
    try:
        async with asyncio.timeout(budget):
            await signing_in
    except TimeoutError:
        raise PortalUnreachable(f"Signing in took longer than {budget:g} seconds, so it was stopped; check your "
                                "network or proxy and try again.") from None


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
        print_lines(["Checked in: the license is online again.", *status_lines(service.status())])
        return 0
    await service.reconcile_offline()  # a record the portal no longer holds must not refuse (issue 16)
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
        try:
            portal = await service.set_licensing_portal(args.kind, args.url, save_if_unreachable=args.force)
        except PortalUnreachable as error:  # --force applies here (and only here): name it
            raise type(error)(f"{error.user_message} To save it anyway, run `allsource-tui portal set {args.kind} "
                              f"{args.url} --force`.", code=error.code) from None
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
    from tui.core.paths import state_dir
    from tui.demo_portal import DemoPortal

    data = Path(args.data) if args.data else state_dir(args.state_dir, demo=True) / "portal"
    portal = DemoPortal(data, host=args.host, port=args.port, allow_offline_enterprise=args.allow_offline_enterprise)
    for spec in args.fault:
        portal.faults.add_spec(spec) if hasattr(portal.faults, "add_spec") else portal.faults.parse(spec)
    try:
        portal.listen()  # before the banner: never announce a port that is not ours
    except OSError as error:
        raise UsageError(f"The demo portal cannot listen on {args.host} port {args.port}: {_bind_reason(error)}; "
                         "choose another port with --port (--port 0 picks a free one).") from None
    sys.stdout.write(portal.banner() + "\n")
    sys.stdout.flush()
    portal.serve_forever()
    return 0


def _bind_reason(error: OSError) -> str:
    reasons = {errno.EADDRINUSE: "the port is already in use",
               errno.EACCES: "permission denied (ports below 1024 need administrator rights)",
               errno.EADDRNOTAVAIL: "that address is not one of this computer's"}
    return reasons.get(error.errno or 0, error.strerror or "the port could not be opened")


HANDLERS = {"status": cmd_status, "license": cmd_license, "sign-in": cmd_sign_in, "sign-out": cmd_sign_out,
            "alias": cmd_alias, "offline": cmd_offline, "portal": cmd_portal, "portals": cmd_portals}
HANDLERS["admin"] = cmd_admin  # issue 14's `admin` group (tui/cli/admin.py)
