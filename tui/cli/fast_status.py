"""`allsource-tui status [--json]` without argparse, asyncio, logging or the service: the answer is one TOML file away,
so the command should take little more than Python's own start-up.

``main`` (the `allsource-tui` entry point) recognises a plain status command line itself; anything else — another
command, `--help`, `--debug`, an abbreviated or repeated option, anything argparse would have to judge — goes to the
full command line in tui/cli/main.py, which answers `status` the same way, only slower. The output, notices, errors
and exit codes are the same on both paths (tests/test_cli_imports.py compares them).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

_VALUE_OPTIONS = ("--config", "--state-dir")
_DEBUG_ENV = "ALLSOURCE_TUI_DEBUG"


class StatusCall:
    """What a plain status command line asks for (a plain class: `typing` is one import too many here)."""

    __slots__ = ("as_json", "config", "state_dir")

    def __init__(self, config: str | None, state_dir: str | None, as_json: bool) -> None:
        self.config, self.state_dir, self.as_json = config, state_dir, as_json

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StatusCall) and (self.config, self.state_dir, self.as_json) == (
            other.config, other.state_dir, other.as_json)

    def __repr__(self) -> str:
        return f"StatusCall(config={self.config!r}, state_dir={self.state_dir!r}, as_json={self.as_json!r})"


def main() -> int:
    """The console script: the TUI or a plain `status` on fast paths, else the full command line."""
    if not sys.argv[1:]:  # the TUI, without argparse
        from tui.cli.start import start_tui

        return start_tui()
    call = plain_status_call(sys.argv[1:])
    if call is not None:
        return run_status(call)
    from tui.cli.main import main as full_main

    return full_main()


def plain_status_call(argv: Sequence[str]) -> StatusCall | None:
    """``[--config F] [--state-dir D] [--demo] status [--json]`` (options as ``--x v`` or ``--x=v``, each at most once),
    or None for anything else; None is always safe, it only means "let argparse decide"."""
    if os.environ.get(_DEBUG_ENV):  # --debug logging is set up by the full command line
        return None
    values: dict[str, str] = {}
    rest = list(argv)
    while rest and rest[0] != "status":
        option, has_value, value = rest.pop(0).partition("=")
        if option == "--demo" and not has_value:
            continue  # accepted by argparse, ignored by `status` (it reads the state dir it is given)
        if option not in _VALUE_OPTIONS or option in values:
            return None
        if not has_value:
            if not rest or rest[0].startswith("-"):  # argparse's "expected one argument" and friends
                return None
            value = rest.pop(0)
        values[option] = value
    if rest not in (["status"], ["status", "--json"]):
        return None
    return StatusCall(values.get("--config"), values.get("--state-dir"), as_json=len(rest) == 2)


def run_status(call: StatusCall) -> int:
    """What `allsource-tui status` prints and returns (see cmd_status in tui/cli/commands.py)."""
    from tui.cli.failures import report_failure

    try:
        return _print_status(call)
    except (KeyboardInterrupt, Exception) as error:
        return report_failure(error)


def _print_status(call: StatusCall) -> int:
    # Imported here so that `main` costs nothing for the other commands.
    import time

    from tui.cli.output import print_status, warn_about_config
    from tui.core.config import load_settings
    from tui.core.machine import current_machine
    from tui.core.paths import config_path, state_dir
    from tui.service.status import read_status
    from tui.state.store import StateStore
    from tui.state.token_vault import TokenVault

    # The order of open_service in tui/service/licensing.py: paths, settings, store, machine, then the read.
    config_file, folder = config_path(call.config), state_dir(call.state_dir)
    settings = load_settings(config_file)
    warn_about_config(settings.warnings)
    store = StateStore(folder)
    machine = current_machine(fallback_dir=folder)
    status = read_status(settings, store, TokenVault(settings.secrets), machine, time.time())
    return print_status(status, as_json=call.as_json)
