"""Reading, checking, encoding and quarantining one state file (docs/reliability.md, F-2, S-3, S-4, W-1 serialisation).

No locking and no policy here: ``tui.state.store.StateStore`` decides what to do with a file that cannot be read.
"""

import errno
import math
import os
import re
import stat
import time
import tomllib
from collections.abc import Mapping
from datetime import date, datetime
from datetime import time as time_of_day
from pathlib import Path
from typing import Any, NamedTuple

from tui.core.errors import StateFileError, StateWriteError
from tui.state.atomic_write import DIR_MODE, FILE_MODE, describe_os_error, fsync_dir

MAX_STATE_BYTES = 10 * 1024 * 1024
META_KEYS = ("schema_version", "revision")
_UTF8_BOM = b"\xef\xbb\xbf"
_TOML_POSITION = re.compile(r"^(?P<reason>.*?) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)$")
_SCALARS = (str, int, float, bool, datetime, date, time_of_day)
READ_STATS = {"open_retries": 0}  # diagnostics for tests (TP-READ): how often L-3's second open was needed


class ReadResult(NamedTuple):
    """What one attempt to read a state file found: data, nothing (missing), or a reason it is unusable."""

    path: Path
    data: dict[str, Any] | None = None
    raw: bytes = b""
    missing: bool = False
    reason: str = ""
    line: int | None = None
    column: int | None = None
    fixed_mode: int | None = None  # the too-open mode that was tightened to 0600 (F-2)

    @property
    def ok(self) -> bool:
        return self.data is not None

    @property
    def schema_version(self) -> int:
        return self.data.get("schema_version", 0) if self.data else 0

    @property
    def revision(self) -> int:
        return self.data.get("revision", 0) if self.data else 0

    def where(self) -> str:
        """``line 3, column 5: reason`` (or just the reason when the position is unknown)."""
        if self.line is None:
            return self.reason
        column = f", column {self.column}" if self.column is not None else ""
        return f"line {self.line}{column}: {self.reason}"


class _Unreadable(Exception):
    def __init__(self, reason: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(reason)
        self.reason, self.line, self.column = reason, line, column


def read_state_file(path: Path) -> ReadResult:
    """Read and check ``path`` (no symlink is followed). Raises StateFileError only for a file of another user (F-2)."""
    try:
        raw, fixed_mode = _read_bytes(path)
    except FileNotFoundError:
        return ReadResult(path, missing=True)
    except _Unreadable as exc:
        return ReadResult(path, reason=exc.reason)
    try:
        return ReadResult(path, parse_state_bytes(raw), raw, fixed_mode=fixed_mode)
    except _Unreadable as exc:
        return ReadResult(path, raw=raw, reason=exc.reason, line=exc.line, column=exc.column, fixed_mode=fixed_mode)


def parse_state_bytes(raw: bytes) -> dict[str, Any]:
    """TOML bytes → checked dict. Raises ``_Unreadable``; use ``parse_or_raise`` for the public error type."""
    if raw.startswith(_UTF8_BOM):  # some editors add one; TOML readers disagree, we accept it
        raw = raw[len(_UTF8_BOM):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(raw, exc.start)
        raise _Unreadable(f"byte 0x{raw[exc.start]:02x} is not UTF-8 text", line, column) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_problem(str(exc), text) from None
    except RecursionError:  # tomllib recurses once per nesting level: the file is unreadable, not a crash
        raise _Unreadable("it nests tables or arrays too deeply to be a state file") from None
    _check_meta(data, text)
    return data


def parse_or_raise(raw: bytes, path: Path) -> dict[str, Any]:
    """Like ``parse_state_bytes`` but raising StateFileError naming ``path`` and the line."""
    try:
        return parse_state_bytes(raw)
    except _Unreadable as exc:
        result = ReadResult(path=path, reason=exc.reason, line=exc.line, column=exc.column)
        raise StateFileError(f"The state file {path} cannot be read ({result.where()}).", path=str(path),
                             line=exc.line) from None


def encode_state(data: Mapping[str, Any], path: Path) -> bytes:
    """Serialise for writing and prove the bytes read back to the same value (W-1). None values are dropped."""
    import tomli_w

    clean = storable(data, path)
    try:
        text = tomli_w.dumps(clean)
        payload = text.encode("utf-8")
        same = same_value(tomllib.loads(text), clean)
    except (TypeError, ValueError, UnicodeError) as exc:  # TOMLDecodeError is a ValueError
        raise StateWriteError(f"Nothing was saved to {path}: the state cannot be written as TOML "
                              f"({type(exc).__name__}).", path=str(path)) from None
    if not same:
        raise StateWriteError(f"Nothing was saved to {path}: the state would not read back identically "
                              "(e.g. NaN, or a time-zone offset with seconds).", path=str(path))
    return payload


def storable(value: Mapping[str, Any], path: Path, where: str = "") -> dict[str, Any]:
    """A copy of ``value`` that TOML can hold: None dropped (in tables and arrays), tuples made lists; else an error."""
    out: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise _unstorable(path, where or "the top level", f"a key of type {type(key).__name__}")
        if item is not None:
            out[key] = _storable_item(item, path, f"{where}.{key}" if where else key)
    return out


def same_value(left: Any, right: Any) -> bool:
    """Deep equality that also treats NaN as equal to NaN and tells bools from ints."""
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same_value(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(same_value(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, float) and isinstance(right, float) and math.isnan(left) and math.isnan(right):
        return True
    return type(left) is type(right) and left == right


def quarantine(path: Path) -> Path:
    """Move an unreadable ``path`` aside to ``<name>.corrupt-<UTC time>`` (never over an existing file); kept 0600."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    base = f"{path.name}.corrupt-{stamp}"
    candidate, number = path.with_name(base), 1
    while os.path.lexists(candidate):
        candidate, number = path.with_name(f"{base}-{number}"), number + 1
    os.rename(path, candidate)
    info = os.lstat(candidate)
    if not stat.S_ISLNK(info.st_mode):
        private = DIR_MODE if stat.S_ISDIR(info.st_mode) else FILE_MODE
        if stat.S_IMODE(info.st_mode) != private:
            os.chmod(candidate, private)
    fsync_dir(path.parent, candidate)
    return candidate


def _read_bytes(path: Path) -> tuple[bytes, int | None]:
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK  # NONBLOCK: a FIFO must not hang us
    fd = _open_with_retry(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise _Unreadable(f"it is {kind}")
        if info.st_uid != os.geteuid():
            raise StateFileError(f"The state file {path} belongs to another user (uid {info.st_uid}); it was not "
                                 "read or changed. Use your own state folder.", path=str(path))
        fixed_mode = _tighten_mode(fd, info.st_mode)
        if info.st_size > MAX_STATE_BYTES:
            raise _Unreadable(f"it is {info.st_size} bytes, far larger than any state file")
        return _read_all(fd), fixed_mode
    except OSError as exc:
        raise _Unreadable(describe_os_error(exc)) from None
    finally:
        os.close(fd)


def _open_with_retry(path: Path, flags: int) -> int:
    """Open once more after ENOENT/ESTALE: an NFS client may briefly miss a file being replaced (L-3)."""
    for attempt in (1, 2):
        try:
            return os.open(path, flags)
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.ESTALE) and attempt == 1:
                READ_STATS["open_retries"] += 1
                continue
            if exc.errno == errno.ENOENT:
                raise FileNotFoundError(exc.errno, exc.strerror, str(path)) from None
            reason = "it is a symbolic link that loops" if exc.errno == errno.ELOOP else describe_os_error(exc)
            raise _Unreadable(reason) from None
    raise AssertionError("unreachable")


def _tighten_mode(fd: int, mode: int) -> int | None:
    if not mode & 0o077:
        return None
    try:
        os.fchmod(fd, FILE_MODE)
    except OSError as exc:  # a read-only file system (or a file we may not chmod): still read a valid state
        if exc.errno not in (errno.EROFS, errno.EPERM, errno.EACCES):
            raise
        return None
    return stat.S_IMODE(mode)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
        if sum(map(len, chunks)) > MAX_STATE_BYTES:
            raise _Unreadable("it is far larger than any state file")
    return b"".join(chunks)


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    return line, offset - (raw.rfind(b"\n", 0, offset) + 1) + 1


def _toml_problem(message: str, text: str) -> _Unreadable:
    match = _TOML_POSITION.match(message)
    if not match:
        return _Unreadable(message)
    reason = match["reason"][:1].lower() + match["reason"][1:]
    if match["line"]:
        return _Unreadable(reason, int(match["line"]), int(match["column"]))
    return _Unreadable(f"{reason} at the end of the file", text.count("\n") + 1)


def _check_meta(data: dict[str, Any], text: str) -> None:
    for key in META_KEYS:
        if key in data and (type(data[key]) is not int or data[key] < 0):
            found = re.search(rf"^[ \t]*(\[[ \t]*)?\"?{key}\"?[ \t]*[=\]]", text, re.MULTILINE)
            line = text.count("\n", 0, found.start()) + 1 if found else None
            shown = repr(data[key])[:40]
            raise _Unreadable(f"{key} must be a whole number of 0 or more, not {shown}", line)


def _storable_item(item: Any, path: Path, where: str) -> Any:
    if isinstance(item, Mapping):
        return storable(item, path, where)
    if isinstance(item, (list, tuple)):
        return [_storable_item(x, path, f"{where}[{i}]") for i, x in enumerate(item) if x is not None]
    if type(item) in _SCALARS:
        return item
    for base in (bool, int, float, str):  # enums and other subclasses are stored as their plain value
        if isinstance(item, base):
            return base.__str__(item) if base is str else base(item)
    if isinstance(item, _SCALARS):
        return item
    raise _unstorable(path, where, f"a {type(item).__name__}")


def _unstorable(path: Path, where: str, what: str) -> StateWriteError:
    return StateWriteError(f"Nothing was saved to {path}: the value at {where} is {what}, which TOML cannot hold.",
                           path=str(path))
