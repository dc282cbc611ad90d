"""Python's cyclic garbage collector is paused while the TUI starts, and resumed just after the first frame.

Nearly everything a start allocates (modules, classes, Textual's widgets and styles) lives as long as the app, yet the
collector runs ~120 times while it grows: 20–45 ms of CPU to the first frame (docs/tui.md, "Speed"). After the first
frame, one full collection frees the start's cyclic garbage (~1 300 objects; without it the peak after the license
check is 0.6 MB higher). Nothing is frozen (``gc.freeze``): the first screen, alive at that moment, is dropped after a
sign-in, and its widgets' reference cycles would never be freed.

Only the real start pauses the collector (``tui/cli/start.py``); an App made by a test resumes nothing, and a start
that ends before its first frame only switches the collector back on.
"""

from __future__ import annotations

import gc

_paused_by_start = False


def pause_for_start() -> None:
    global _paused_by_start
    if gc.isenabled():
        gc.disable()
        _paused_by_start = True


def resume_after_start() -> None:
    """Collect once and from here on as usual; does nothing unless the start paused it."""
    global _paused_by_start
    if _paused_by_start:
        _paused_by_start = False
        gc.collect()
        gc.enable()


def end_pause() -> None:
    """The start ended (before its first frame, or after ``resume_after_start``): the collector runs again."""
    global _paused_by_start
    if _paused_by_start:
        _paused_by_start = False
        gc.enable()
