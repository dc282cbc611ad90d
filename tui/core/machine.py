"""Which computer and which OS user this is (README "Files" and "Identifying this computer").

The machine id, first match wins:
1. ``$ALLSOURCE_TUI_MACHINE_ID`` (tests and demos acting as several computers from one machine);
2. ``/etc/machine-id``, then ``/var/lib/dbus/machine-id`` (32 hex digits; an empty or "uninitialized" file, as in
   many container images, is skipped);
3. ``<fallback_dir>/machine-id.<hostname>`` when a fallback dir is given (the state dir): a random id made once and
   kept there with mode 0600. The hostname is in the file name because a home directory shared by several hosts
   (NFS) must not make them all one computer;
4. without a fallback dir: SHA-256 of the hostname and the network card's MAC address (``uuid.getnode``) when the
   MAC is real, else of the hostname alone - stable across runs, but two hosts with the same name collide.

The raw machine id never leaves the computer: the portal only sees ``machine_key``, a hash of it.
``$ALLSOURCE_TUI_OS_USER`` likewise overrides the OS user name, for tests of "checked out by another OS user".
"""

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from tui.core.paths import make_dirs

MACHINE_ID_ENV = "ALLSOURCE_TUI_MACHINE_ID"
OS_USER_ENV = "ALLSOURCE_TUI_OS_USER"
MACHINE_ID_FILES: tuple[Path, ...] = (Path("/etc/machine-id"), Path("/var/lib/dbus/machine-id"))
REFERER_PREFIX = "allsource-tui:"
_MACHINE_ID = re.compile(r"[0-9a-f]{32}")
_MULTICAST_BIT = 1 << 40  # set by uuid.getnode() when it had to invent a random MAC


class MachineIdentity(NamedTuple):
    """This computer and OS user (see the module docstring for where ``machine_id`` comes from)."""

    machine_id: str
    os_user: str
    hostname: str
    source: str = ""  # where machine_id came from ("env", "/etc/machine-id", a fallback file...), for `status`

    @property
    def machine_key(self) -> str:
        """What the portal sees: the first 32 hex digits of SHA-256 of ``"allsource-tui:" + machine_id``."""
        import hashlib

        return hashlib.sha256((REFERER_PREFIX + self.machine_id).encode()).hexdigest()[:32]

    @property
    def referer(self) -> str:
        return REFERER_PREFIX + self.machine_key

    def __eq__(self, other: object) -> bool:  # where the id came from does not make it another computer or user
        return isinstance(other, MachineIdentity) and self[:3] == other[:3]

    def __ne__(self, other: object) -> bool:  # tuple's own __ne__ would still compare ``source``
        return not self == other

    def __hash__(self) -> int:
        return hash(self[:3])

    def __repr__(self) -> str:  # the raw id stays out of logs and crash reports
        return (f"MachineIdentity(machine_key={self.machine_key!r}, os_user={self.os_user!r}, "
                f"hostname={self.hostname!r})")


def current_machine(env: Mapping[str, str] = os.environ, *, fallback_dir: Path | None = None,
                    id_files: Sequence[Path] = MACHINE_ID_FILES) -> MachineIdentity:
    """This computer and OS user; never raises for a missing machine-id file."""
    hostname = _hostname() or "localhost"
    machine_id, source = _machine_id(env, hostname, fallback_dir, id_files)
    return MachineIdentity(machine_id=machine_id, os_user=os_user(env), hostname=hostname, source=source)


def _hostname() -> str:
    """gethostname(); on POSIX that is uname's node name, which spares `status` importing socket."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()


def os_user(env: Mapping[str, str] = os.environ) -> str:
    """The OS user name: from the password database (works without a TTY or $USER), then $LOGNAME/$USER."""
    override = env.get(OS_USER_ENV, "").strip()
    if override:
        return override
    try:
        import pwd  # not on Windows

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, AttributeError):  # a uid with no passwd entry (containers), or no pwd module
        pass
    for name in ("LOGNAME", "USER", "USERNAME"):
        if env.get(name, "").strip():
            return env[name].strip()
    return f"uid-{os.getuid()}" if hasattr(os, "getuid") else "unknown"


def _machine_id(env: Mapping[str, str], hostname: str, fallback_dir: Path | None,
                id_files: Sequence[Path]) -> tuple[str, str]:
    override = env.get(MACHINE_ID_ENV, "").strip()
    if override:
        return override, MACHINE_ID_ENV
    for path in id_files:
        found = _read_machine_id(path)
        if found:
            return found, str(path)
    if fallback_dir is not None:
        persisted = _persisted_id(fallback_dir / f"machine-id.{_safe_name(hostname)}")
        if persisted:
            return persisted
    return _derived_id(hostname), "hostname+mac"


def _read_machine_id(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="ascii", errors="replace").strip().lower()
    except OSError:
        return None
    return text if _MACHINE_ID.fullmatch(text) else None


def _persisted_id(path: Path) -> tuple[str, str] | None:
    """Read the fallback id, or create it: written 0600 to a temp file, then published with os.link, which
    fails if the name exists, so two processes starting together end up with the same id."""
    found = _read_machine_id(path)
    if found:
        return found, str(path)
    temp = path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp")
    try:
        make_dirs(path.parent)
        new_id = os.urandom(16).hex()  # what secrets.token_hex does, without importing it
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as file:
            file.write(new_id + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.link(temp, path)
    except FileExistsError:  # another process published first: use its id
        found = _read_machine_id(path)
        return (found, str(path)) if found else None
    except OSError:  # read-only or odd filesystem: the caller derives an id instead
        return None
    finally:
        _remove_quietly(temp)
    return new_id, str(path)


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _derived_id(hostname: str) -> str:
    import uuid

    node = uuid.getnode()
    mac = f"{node:012x}" if not node & _MULTICAST_BIT else ""
    import hashlib

    return hashlib.sha256(f"allsource-tui-host:{hostname}:{mac}".encode()).hexdigest()[:32]


def _safe_name(hostname: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", hostname)[:64] or "host"
