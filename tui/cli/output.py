"""Plain-text and JSON rendering of CLI results (no Textual)."""

from __future__ import annotations

import json
import sys

from tui.core.errors import NotSignedIn
from tui.core.models import LicenseInfo
from tui.core.text import clean
from tui.service.status import Status, iso_utc

TLS_OFF_LINE = ("TLS certificate checks: OFF (verify_tls = false in config.toml); anyone on the network path can "
                "read and change what the portal says")


def print_json(data: dict) -> None:
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False) + "\n")


def license_lines(license_info: LicenseInfo | None) -> list[str]:
    if license_info is None:
        return ["License: unknown (sign in to read it)"]
    if license_info.level is None:
        return ["License: none — ask your organization administrator for an ArcGIS AllSource license"]
    extensions = ", ".join(license_info.licensed_extensions) or "none"
    if not license_info.entitlements_known:
        extensions = f"{extensions} known; the others are unknown (your entitlements could not be read)"
    lines = [f"License: ArcGIS AllSource {license_info.level}", f"Extensions: {extensions}"]
    if license_info.disconnected:
        lines.append("Disconnected: yes — the portal says this license is checked out for offline use")
    return lines


def status_lines(status: Status) -> list[str]:
    lines: list[str] = []
    if status.signed_in and status.session:
        who = f"{status.full_name} ({status.username})" if status.full_name else status.username
        lines.append(f"Signed in as {who} on {status.session.portal_url}")
        lines.append(f"Session expires: {iso_utc(status.session.expires_at)}"
                     f"{'' if status.session.auto_sign_in else ' (sign in automatically: off)'}")
    else:
        lines.append("Not signed in" + (f" (last user: {status.last_username})" if status.last_username else ""))
    portal = status.licensing_portal
    lines.append(f"Licensing portal: {portal.url} ({portal.kind_label})")
    if status.active_portal != portal.url:
        lines.append(f"Active portal: {status.active_portal}")
    lines.extend(license_lines(status.license))
    lines.append(f"Workstation alias: {status.workstation_alias or 'not set'}")
    lines.extend(offline_lines(status))
    lines.append(f"Secrets: {status.secrets_location}")
    lines.extend(f"Note: {notice}" for notice in status.notices)
    return lines


def offline_lines(status: Status) -> list[str]:
    offline = status.offline
    if offline is None:
        return ["Offline: not authorized"]
    expires = iso_utc(offline.expires_at)
    return [f"Offline: authorized on this computer ('{offline.alias}') for {offline.username} "
            f"(OS user {offline.os_user}), " + (f"expires {expires}" if expires else "with no end date")]


def print_lines(lines: list[str]) -> None:
    """Print lines of text. Outside text was cleaned where it was parsed; cleaning again here is the terminal's
    last guard (an OS error naming a file, an exception text) and changes nothing in clean text."""
    sys.stdout.write("\n".join(clean(line) for line in lines) + "\n")


EXIT_NOT_SIGNED_IN = NotSignedIn.exit_code


def warn_about_config(warnings: tuple[str, ...]) -> None:
    """Every config warning, one line each on stderr, once per run (stdout stays clean for --json)."""
    for warning in warnings:
        sys.stderr.write(clean(f"Warning: {warning}") + "\n")


def print_status(status: Status, *, as_json: bool) -> int:
    """What `allsource-tui status` prints, and its exit code (3 when neither signed in nor offline): shared by the
    full command line and the fast path (tui/cli/fast_status.py), so both always answer alike."""
    if as_json:
        print_json(status.to_json())
    else:
        print_lines(status_lines(status) + ([] if status.tls_verification else [TLS_OFF_LINE]))
    if not status.signed_in and status.offline is None:
        sys.stderr.write("You are not signed in; run `allsource-tui sign-in`.\n")
        return EXIT_NOT_SIGNED_IN
    return 0
