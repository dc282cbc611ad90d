"""The state folder and the state file's path, checked before anything is read or written (docs/state-file.md).

The folder must be ours and private (0700; a folder the user made read-only is respected, never chmod-ed), and
state.toml must not be a symbolic link: following one let a read-only ``status`` move the link's target (anywhere on
disk) aside as "corrupt", and let a write land outside the folder.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from tui.core.errors import StateFileError, StateReadOnlyError, StateWriteError
from tui.state.atomic_write import describe_os_error, ensure_private_dir, read_only_dir_mode

Notice = Callable[[str], None]


def existing_dir_usable(state_dir: Path, notice: Notice) -> bool:
    """False when there is no state folder yet (nothing to read); raises StateFileError for one that can't be used."""
    try:
        info = os.stat(state_dir)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise StateFileError(f"The state folder {state_dir} cannot be used: {describe_os_error(exc)}.",
                             path=str(state_dir)) from exc
    if not stat.S_ISDIR(info.st_mode):
        raise StateFileError(f"{state_dir} should be the state folder but is not a folder.", path=str(state_dir))
    prepare_dir(state_dir, notice)
    return True


def prepare_dir(state_dir: Path, notice: Notice, *, for_write: bool = False) -> None:
    mode = read_only_dir_mode(state_dir)
    if mode is not None:  # the user made the folder read-only: respect it, never chmod it
        sentence = f"the state folder {state_dir} is read-only (mode {mode:04o}); make it writable (chmod u+w)"
        if for_write:
            raise StateReadOnlyError(f"Nothing was saved: {sentence} to save changes.")
        notice(f"Read-only mode: nothing is saved because {sentence} to save changes.")
    else:
        try:
            if ensure_private_dir(state_dir):
                notice(f"The state folder {state_dir} could be read by other users; its mode was changed to 0700.")
        except StateWriteError:
            if for_write:
                raise
            notice(f"The state folder {state_dir} could not be made private (0700); it is only read.")
    check_owner(state_dir)


def check_owner(directory: Path) -> None:
    owner = os.stat(directory).st_uid
    if owner != os.geteuid():
        raise StateFileError(f"The state folder {directory} belongs to another user (uid {owner}); nothing was "
                             "read or written. Use your own state folder.", path=str(directory))


def not_a_link(path: Path) -> Path:
    """``path`` itself; a symbolic link is refused, never followed."""
    if os.path.islink(path):
        raise StateFileError(f"The state file {path} is a symbolic link, which allsource-tui never follows; "
                             "nothing was read, moved or changed. Replace the link with the file itself (or "
                             "remove it), then try again.", path=str(path))
    return path
