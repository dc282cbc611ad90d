"""Python's cyclic garbage collector is paused while the TUI starts, and resumed just after the first frame.

Nearly everything a start allocates (modules, classes, Textual's widgets and styles) lives as long as the app, yet the
collector walks it again and again while it grows: ~40 ms of the CPU time to the first frame (docs/tui.md, "Speed").
After the first frame, one collection frees the start's cyclic garbage (~1 300 objects; without it the peak after
the license check is 0.6 MB higher), and ``gc.freeze`` (CPython's documented way to exempt long-lived objects) spares
every later full collection the ~50 000 objects of the start.

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
    """Collect once, freeze what is left and collect from here on; does nothing unless the start paused it."""
    global _paused_by_start
    if _paused_by_start:
        _paused_by_start = False
        gc.collect()
        gc.freeze()
        gc.enable()


def end_pause() -> None:
    """The start ended (before its first frame, or after ``resume_after_start``): the collector runs again."""
    global _paused_by_start
    if _paused_by_start:
        _paused_by_start = False
        gc.enable()
