"""Where allsource-tui finds its config file and keeps its state (docs/state-file.md, "Where it lives"; README "Files").

Precedence, first match wins:
- config file: ``--config`` > ``$ALLSOURCE_TUI_CONFIG`` > ``$XDG_CONFIG_HOME/allsource-tui/config.toml`` >
  platformdirs' user config dir (``~/.config/allsource-tui/config.toml`` on Linux).
- state dir: ``--state-dir`` > ``$ALLSOURCE_TUI_STATE_DIR`` > ``$XDG_STATE_HOME/allsource-tui`` >
  platformdirs' user state dir (``~/.local/state/allsource-tui`` on Linux); ``--demo`` uses ``<that>/demo``.

We read the XDG variables ourselves before asking platformdirs so that the documented precedence holds on every platform
(platformdirs follows XDG on Linux only). As the XDG spec says, an empty or relative XDG value is ignored; an empty
ALLSOURCE_TUI_* value counts as unset. Returned paths are absolute with ``~`` expanded; nothing is created here
(StateStore creates the state dir with mode 0700).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "allsource-tui"
CONFIG_FILE_NAME = "config.toml"
CONFIG_ENV = "ALLSOURCE_TUI_CONFIG"
STATE_DIR_ENV = "ALLSOURCE_TUI_STATE_DIR"
DEMO_SUBDIR = "demo"
DEMO_PORTAL_SUBDIR = "portal"


PRIVATE_DIR_MODE = 0o700


def make_dirs(path: Path, mode: int = PRIVATE_DIR_MODE) -> None:
    """Create ``path`` and its missing parents with exactly ``mode``, whatever the umask.

    ``os.makedirs`` gives the parents it creates 0777 minus the umask (so 0777 under ``umask 000``); here every
    folder this call creates is chmod-ed to ``mode`` right away. Folders that already exist are left as they are.
    """
    missing: list[Path] = []
    current = Path(path)
    while not os.path.lexists(current) and current != current.parent:
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, mode)
        except FileExistsError:
            if not folder.is_dir() or folder.is_symlink():
                raise
            continue  # another process made it first: its mode is its own
        os.chmod(folder, mode, follow_symlinks=False)
    if not os.path.isdir(path):
        raise FileExistsError(17, "it exists but is not a folder", str(path))


def config_path(cli_value: str | Path | None) -> Path:
    """The config.toml to read (it may not exist: then the defaults apply)."""
    chosen = _first_set(cli_value, os.environ.get(CONFIG_ENV))
    if chosen is not None:
        return chosen
    base = _xdg_dir("XDG_CONFIG_HOME")
    return (base / APP_NAME if base else _user_dir("config")) / CONFIG_FILE_NAME


def state_dir(cli_value: str | Path | None, *, demo: bool = False) -> Path:
    """The directory of state.toml; with ``demo=True`` the separate demo state under ``<state dir>/demo``."""
    chosen = _first_set(cli_value, os.environ.get(STATE_DIR_ENV))
    if chosen is None:
        base = _xdg_dir("XDG_STATE_HOME")
        chosen = base / APP_NAME if base else _user_dir("state")
    return chosen / DEMO_SUBDIR if demo else chosen


def demo_data_dir(demo_state_dir: Path) -> Path:
    """Where ``--demo`` keeps the embedded demo portal's data (CA, accounts, checkouts).

    Pass the demo state dir, i.e. ``state_dir(..., demo=True)``; the result is ``<state dir>/demo/portal``.
    """
    return demo_state_dir / DEMO_PORTAL_SUBDIR


def _first_set(*values: str | Path | None) -> Path | None:
    for value in values:
        if value is not None and str(value).strip():
            return _absolute(Path(str(value).strip()))
    return None


# platformdirs' answer on Linux when $HOME is absolute (its own defaults there are XDG's)
_LINUX_DEFAULTS = {"config": ".config", "state": ".local/state"}


def _user_dir(kind: str) -> Path:
    """platformdirs' user config or state dir of the app. The common Linux case is computed here (a test keeps it
    equal to platformdirs): importing platformdirs would cost `allsource-tui status` more than reading its files."""
    home = os.environ.get("HOME", "")
    if sys.platform.startswith("linux") and os.path.isabs(home):
        return Path(os.path.expanduser("~/" + _LINUX_DEFAULTS[kind])) / APP_NAME
    import platformdirs

    return platformdirs.user_config_path(APP_NAME) if kind == "config" else platformdirs.user_state_path(APP_NAME)


def _xdg_dir(name: str) -> Path | None:
    value = os.environ.get(name, "")
    if value and Path(value).is_absolute():
        return Path(value)
    return None


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path.expanduser()))
