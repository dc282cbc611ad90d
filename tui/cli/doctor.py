"""`allsource-tui doctor [--portal URL] [--json]`: sign-in troubleshooting, one line per check (see tui/doctor/)."""

from __future__ import annotations

import argparse

from tui.cli.output import print_json, print_lines
from tui.core.paths import config_path, state_dir


def add_doctor_command(commands) -> None:
    doctor = commands.add_parser("doctor", help="sign-in troubleshooting: check config, state, network, TLS, clock, "
                                                "portal, token and keyring")
    doctor.add_argument("--portal", help="check this portal URL instead of the licensing portal")
    doctor.add_argument("--json", action="store_true")


async def cmd_doctor(args: argparse.Namespace) -> int:
    """Runs without LicensingService: a config.toml that can't be loaded is one of the things it reports."""
    from tui.doctor import run_doctor

    report = await run_doctor(config_path(args.config), state_dir(args.state_dir), portal_url=args.portal)
    print_json(report.to_json()) if args.json else print_lines(report.lines())
    return report.exit_code
