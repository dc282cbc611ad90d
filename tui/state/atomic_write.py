"""Durable, atomic file replacement for the state files (docs/reliability.md, W-1..W-5, F-1).

The sequence: a temp file ``.<name>.<rand>.tmp`` in the same folder, created 0600 with O_EXCL|O_NOFOLLOW; write all;
fsync; close; keep the old file as ``<name>.bak`` (hard link, W-4); ``os.replace``; fsync(folder). Any failure removes
the temp and leaves the old file byte-identical (W-2). Nothing here ever opens a live file for writing (W-3).

Test-only crash hooks: after the test suite calls ``enable_crash_hook(point)`` in-process with one of
``CRASH_POINTS``, the process ends with ``os._exit(CRASH_EXIT_CODE)`` at that point. Nothing outside the process (no
environment variable, no file) can arm them, so an installed copy never ends itself in the middle of a write.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
import time
from pathlib import Path

from tui.core.errors import StateWriteError
from tui.core.paths import make_dirs

CRASH_EXIT_CODE = 86
CRASH_POINTS = ("before-write", "half-written", "after-fsync", "after-replace", "before-dir-fsync")
STALE_TEMP_SECONDS = 600
FILE_MODE = 0o600
DIR_MODE = 0o700

_ERRNO_WORDS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "your disk quota is used up",
    errno.EFBIG: "the file is larger than the file-size limit",
    errno.EIO: "the disk reported an input/output error",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission was denied",
    errno.EPERM: "the operation is not permitted",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.ELOOP: "the path has too many symbolic links",
}


_armed_crash_point: str | None = None


def enable_crash_hook(point: str | None) -> None:
    """Tests only: end this process at ``point`` (one of CRASH_POINTS) on the next write; None disarms."""
    global _armed_crash_point
    if point is not None and point not in CRASH_POINTS:
        raise ValueError(f"unknown crash point {point!r}")
    _armed_crash_point = point


def crash_point(name: str) -> None:
    """End the process abruptly if a test armed a crash at ``name`` (see module docstring)."""
    if _armed_crash_point is not None and _armed_crash_point == name:
        os._exit(CRASH_EXIT_CODE)


def describe_os_error(exc: OSError) -> str:
    """Plain words for an OSError, with the errno name for people who search for it."""
    code = exc.errno
    name = errno.errorcode.get(code, "") if code is not None else ""
    words = _ERRNO_WORDS.get(code, exc.strerror or str(exc)) if code is not None else str(exc)
    return f"{words} ({name})" if name else words


def temp_name_pattern(name: str) -> re.Pattern[str]:
    """The names this module gives its temp files for ``name``; nothing else is ever deleted (W-5)."""
    return re.compile(rf"^\.{re.escape(name)}\.[0-9a-f]{{16}}(\.bak)?\.tmp$")


def ensure_private_dir(directory: Path) -> bool:
    """Create ``directory`` 0700 (parents too, whatever the umask); return True if an existing one was looser and
    got fixed. A folder without write permission for its owner is never touched: the user made it read-only."""
    try:
        make_dirs(directory, DIR_MODE)
        info = os.stat(directory)
        if not info.st_mode & stat.S_IWUSR:
            return False
        if stat.S_IMODE(info.st_mode) != DIR_MODE:
            loose = bool(info.st_mode & 0o077)
            os.chmod(directory, DIR_MODE)
            return loose
        return False
    except OSError as exc:
        raise StateWriteError(f"Could not create the folder {directory}: {describe_os_error(exc)}.",
                              path=str(directory), errno=exc.errno) from exc


def read_only_dir_mode(directory: Path) -> int | None:
    """The folder's mode when it exists without write permission for its owner (the user made it read-only)."""
    try:
        info = os.stat(directory)
    except OSError:
        return None
    return stat.S_IMODE(info.st_mode) if not info.st_mode & stat.S_IWUSR else None


def write_atomically(target: Path, payload: bytes, *, backup: Path | None = None) -> None:
    """Replace ``target`` with ``payload`` (W-1); keep the previous file as ``backup`` when given (W-4).

    Raises StateWriteError naming the path and the problem; on failure the old file is untouched and no temp is left.
    """
    directory = target.parent
    temp = directory / f".{target.name}.{os.urandom(8).hex()}.tmp"  # os.urandom: `secrets` costs `status` an import
    try:
        _write_temp(temp, payload)
        if backup is not None:
            keep_copy(target, backup, overwrite=True)
        os.replace(temp, target)
        crash_point("after-replace")
    except BaseException as exc:
        _unlink_quietly(temp)
        if isinstance(exc, OSError):
            raise StateWriteError(f"Could not save {target}: {describe_os_error(exc)}. The previous file is unchanged.",
                                  path=str(target), errno=exc.errno) from exc
        raise
    crash_point("before-dir-fsync")
    fsync_dir(directory, target)


def keep_copy(source: Path, destination: Path, *, overwrite: bool) -> bool:
    """Make ``destination`` hold ``source``'s current bytes, atomically, without touching ``source``.

    A hard link (no copy, no space) is tried first; file systems without hard links get a durable 0600 copy.
    Returns False when ``source`` does not exist, or when ``destination`` exists and ``overwrite`` is False.
    """
    if not os.path.lexists(source) or (not overwrite and os.path.lexists(destination)):
        return False
    link = destination.parent / f".{source.name}.{os.urandom(8).hex()}.bak.tmp"
    try:
        try:
            os.link(source, link, follow_symlinks=False)
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS):
                raise
            _write_temp(link, Path(source).read_bytes(), hooks=False)
        os.replace(link, destination)  # callers hold the state lock, so the existence check above cannot go stale
    except BaseException:
        _unlink_quietly(link)
        raise
    return True


def fsync_dir(directory: Path, target: Path) -> None:
    """Make the rename durable; file systems that refuse fsync on a folder (EINVAL) are fine."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        if exc.errno in (errno.EINVAL, errno.ENOTSUP, errno.EBADF, errno.EACCES):
            return
        raise StateWriteError(f"{target} was replaced, but its folder could not be synced to disk: "
                              f"{describe_os_error(exc)}.", path=str(target), errno=exc.errno) from exc


def remove_stale_temps(directory: Path, name: str, *, now: float | None = None,
                       max_age: float = STALE_TEMP_SECONDS) -> int:
    """Delete our own temp files for ``name`` older than ``max_age`` (W-5: 10 minutes when no lock is held; 0 under
    the state lock, where no write can be in flight); returns how many were removed."""
    pattern = temp_name_pattern(name)
    now = time.time() if now is None else now
    removed = 0
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return 0
    for entry in entries:
        if not pattern.match(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and now - info.st_mtime >= max_age:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


def has_our_temps(directory: Path, name: str) -> bool:
    """True when a temp file of ours for ``name`` exists in ``directory`` (of any age)."""
    pattern = temp_name_pattern(name)
    try:
        return any(pattern.match(entry) for entry in os.listdir(directory))
    except OSError:
        return False


def _write_temp(temp: Path, payload: bytes, *, hooks: bool = True) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(temp, flags, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        if hooks:
            crash_point("before-write")
        half = len(payload) // 2
        _write_all(fd, payload[:half])
        if hooks:
            crash_point("half-written")
        _write_all(fd, payload[half:])
        _fsync_file(fd)
        if hooks:
            crash_point("after-fsync")
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.EIO, "write returned no progress")
        view = view[written:]


def _fsync_file(fd: int) -> None:
    if sys.platform == "darwin":  # plain fsync on macOS does not flush the drive's cache
        import fcntl

        fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
    else:
        os.fsync(fd)


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
