"""StatusCache: the App's Status, read from state.toml once per change of the file (one stat tells), not per widget."""

from __future__ import annotations

import os

from tui.service.licensing import LicensingService
from tui.service.status import Status


class StatusCache:
    def __init__(self, service: LicensingService) -> None:
        self.service = service
        self.last: Status | None = None  # as last read; None until the first read or after forget()
        self._stamp: tuple[int, ...] | None = None

    def current(self) -> Status:
        stamp = self._file_stamp()
        if self.last is None or stamp != self._stamp:
            self.last, self._stamp = self.service.status(), stamp
        return self.last

    def file_changed(self) -> bool:
        return self._file_stamp() != self._stamp

    def forget(self) -> None:
        """Read again next time (a session may have expired although the file did not change)."""
        self.last = None

    def _file_stamp(self) -> tuple[int, ...]:
        try:
            info = os.stat(self.service.store.path)
        except OSError:
            return ()
        return (info.st_ino, info.st_mtime_ns, info.st_size)
