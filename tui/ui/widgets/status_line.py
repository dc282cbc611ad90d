"""StatusLine: one line that keeps the outcome of the last operation, always worded ("Error: …", "Done: …")."""

from __future__ import annotations

from typing import Literal

from textual.widgets import Static

Kind = Literal["info", "done", "error", "busy"]
PREFIX = {"info": "", "done": "Done: ", "error": "Error: ", "busy": "Working: "}


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: auto; width: 1fr; color: $text-muted; }
    StatusLine.-error { color: $text-error; }
    StatusLine.-done { color: $text-success; }
    """

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(text, markup=False, id=id, classes=classes)  # error text may hold "[Errno 111]"

    def show(self, text: str, kind: Kind = "info") -> None:
        """Replace the line; the words carry the meaning, colour only repeats it (NO_COLOR)."""
        for name in PREFIX:
            self.set_class(name == kind, f"-{name}")
        self.update(PREFIX[kind] + text if text else "")

    def clear(self) -> None:
        self.show("")
