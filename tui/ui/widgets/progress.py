"""Progress: one line saying what the app waits for, with a slow ASCII spinner.

ASCII frames draw on every console font; four frames a second keep the process idle enough for Pilot tests and
slow SSH links (Textual's LoadingIndicator repaints sixteen times a second).
"""

from __future__ import annotations

from textual.timer import Timer
from textual.widgets import Static

FRAMES = "|/-\\"


class Progress(Static):
    DEFAULT_CSS = """
    Progress { height: 1; width: 1fr; color: $text-accent; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", markup=False, id=id)
        self.display = False  # until start(): hidden from the first frame, not hidden after it
        self._text = ""
        self._frame = 0
        self._timer: Timer | None = None

    def start(self, text: str) -> None:
        self._text, self._frame = text, 0
        self.display = True
        self._draw()
        if self._timer is None:
            self._timer = self.set_interval(0.25, self._tick)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.display = False
        self.update("")

    @property
    def text(self) -> str:
        return self._text if self.display else ""

    def _tick(self) -> None:
        self._frame = (self._frame + 1) % len(FRAMES)
        self._draw()

    def _draw(self) -> None:
        self.update(f"{FRAMES[self._frame]} Working: {self._text}")
