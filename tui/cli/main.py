"""The command line: argument parsing and dispatch. Never imports Textual (only the bare TUI start does, lazily)."""

from __future__ import annotations

import argparse
import functools
import sys

from tui import __version__
from tui.cli.failures import report_failure
from tui.cli.start import start_tui
from tui.core.errors import EXIT_USAGE


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports bad usage with one sentence and exit code 2 (tui/core/errors.py, EXIT_USAGE)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"allsource-tui: {message}; see `allsource-tui --help`.\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="allsource-tui", description="ArcGIS AllSource Named User licensing in the terminal.")
    parser.add_argument("--version", action="version", version=f"allsource-tui {__version__}")
    parser.add_argument("--config", help="config file (else $ALLSOURCE_TUI_CONFIG, else the XDG config dir)")
    parser.add_argument("--state-dir", help="state directory (else $ALLSOURCE_TUI_STATE_DIR, else the XDG state dir)")
    parser.add_argument("--demo", action="store_true", help="run the TUI on the embedded demo portal")
    parser.add_argument("--debug", action="store_true", help="log HTTP calls (secrets redacted)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)
    _status_commands(commands)
    _session_commands(commands)
    _offline_commands(commands)
    _portal_commands(commands)
    completion = commands.add_parser("completion", help="print the bash, zsh or fish completion script")
    completion.add_argument("shell", choices=["bash", "zsh", "fish"])
    from tui.cli.admin import add_admin_parser  # the `admin` group lives in its own module

    add_admin_parser(commands, ArgumentParser)
    from tui.cli.doctor import add_doctor_command  # argparse only; the checks load on use

    add_doctor_command(commands)
    demo = commands.add_parser("demo-portal", help="serve the demo portal over HTTPS")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=port_number, default=8443,
                      help="TCP port, 0 for a free one (default 8443); a port in use exits with code 2")
    demo.add_argument("--data", help="directory for the demo portal's CA and state (default: under the state dir)")
    demo.add_argument("--allow-offline-enterprise", action="store_true",
                      help="start with offline use allowed in the Enterprise org")
    demo.add_argument("--fault", action="append", default=[], metavar="SPEC",
                      help="inject a fault, e.g. 'generateToken:latency=0.5' (repeatable)")
    return parser


@functools.cache
def _parser() -> argparse.ArgumentParser:
    """One parser per process: parsing leaves it unchanged, and building it costs ~10 ms, which the test suite
    (hundreds of in-process `main(argv)` calls) would otherwise pay on every call."""
    return build_parser()


def port_number(text: str) -> int:
    """argparse type for --port: 0 (any free port) to 65535, else the parser's one-sentence error and exit 2."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number from 0 to 65535, not '{text}'") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"must be from 0 to 65535 (0 picks a free port), not {port}")
    return port


def _status_commands(commands) -> None:
    status = commands.add_parser("status", help="session, portal, license and offline state (no network)")
    status.add_argument("--json", action="store_true", help="print JSON")
    license_cmd = commands.add_parser("license", help="fresh license level and extensions from the licensing portal")
    license_cmd.add_argument("--json", action="store_true", help="print JSON")


def _session_commands(commands) -> None:
    sign_in = commands.add_parser("sign-in", help="sign in to the licensing portal")
    sign_in.add_argument("--portal", help="licensing portal URL (when no other portal is signed in)")
    sign_in.add_argument("--username")
    sign_in.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    sign_in.add_argument("--no-auto", action="store_true", help="don't sign in automatically at the next start")
    sign_in.add_argument("--sso", action="store_true", help="sign in with your organization (OAuth, paste a code)")
    commands.add_parser("sign-out", help="sign out and revoke the session")


def _offline_commands(commands) -> None:
    alias = commands.add_parser("alias", help="the workstation alias").add_subparsers(
        dest="alias_command", metavar="ACTION", required=True, parser_class=ArgumentParser)
    alias.add_parser("show", help="print the workstation alias")
    alias.add_parser("set", help="set the workstation alias (the name your administrator sees)").add_argument("name")
    offline = commands.add_parser("offline", help="authorize offline use or check the license in").add_subparsers(
        dest="offline_command", metavar="ACTION", required=True, parser_class=ArgumentParser)
    authorize = offline.add_parser("authorize", help="check the license out to this computer")
    connect = authorize.add_mutually_exclusive_group()
    connect.add_argument("--connect", dest="connect", action="store_const", const=True,
                         help="stay signed in to the portal to access or share content")
    connect.add_argument("--no-connect", dest="connect", action="store_const", const=False,
                         help="end the portal session and work offline")
    offline.add_parser("check-in", help="return the offline license")


def _portal_commands(commands) -> None:
    portal = commands.add_parser("portal", help="the licensing portal").add_subparsers(
        dest="portal_command", metavar="ACTION", required=True, parser_class=ArgumentParser)
    show = portal.add_parser("show", help="print the licensing portal URL and kind")
    show.add_argument("--json", action="store_true", help="print JSON")
    set_cmd = portal.add_parser("set", help="change the licensing portal (takes effect at the next start)")
    set_cmd.add_argument("kind", choices=["online", "enterprise"])
    set_cmd.add_argument("url")
    set_cmd.add_argument("--force", action="store_true", help="save even if the portal can't be reached")
    portals = commands.add_parser("portals", help="portal connections").add_subparsers(
        dest="portals_command", metavar="ACTION", required=True, parser_class=ArgumentParser)
    listing = portals.add_parser("list", help="list the portal connections")
    listing.add_argument("--json", action="store_true", help="print JSON")
    for name, what in PORTALS_ACTIONS.items():
        portals.add_parser(name, help=what).add_argument("url")


PORTALS_ACTIONS = {"add": "add a portal connection", "remove": "remove a portal connection",
                   "activate": "make a portal connection the active portal"}


def main(argv: list[str] | None = None) -> int:
    if not (sys.argv[1:] if argv is None else argv):  # the TUI: its first frame needn't wait for every subparser
        return start_tui()
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "completion":  # before anything else: needs neither config nor state
        from tui.cli.completion import completion_script  # only this command imports shtab

        sys.stdout.write(completion_script(parser, args.shell))
        return 0
    if args.command is None:  # the TUI: not tui.cli.commands, whose service imports would delay the first frame
        return start_tui(config=args.config, state_dir=args.state_dir, demo=args.demo, debug=args.debug)
    from tui.cli.commands import configure_debug, run_command  # keeps `--help` fast

    configure_debug(args)  # not for the TUI: it logs to a file instead, a stray stderr line would break the screen
    try:
        import asyncio

        return asyncio.run(run_command(args))
    except (KeyboardInterrupt, Exception) as error:  # one redacted sentence, never a traceback
        return report_failure(error)


