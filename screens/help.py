"""HelpScreen: the keys of every screen, the fallbacks, and what to do when keys or colours misbehave over SSH."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.ui import bindings as keys
from tui.ui.widgets import restyle
from tui.ui.widgets.footer import Footer
from tui.ui.widgets.keys import bind

if TYPE_CHECKING:
    from rich.markdown import Markdown as RichMarkdown

HELP_TEXT = Path(__file__).with_name("help.md")


@cache
def help_markdown() -> RichMarkdown:
    """Parsed once per process, on first use: the Markdown stack costs ~50 ms of start-up for a screen seen on F1."""
    from rich.markdown import Markdown as RichMarkdown

    return RichMarkdown(HELP_TEXT.read_text(encoding="utf-8"))


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & #help { width: 76; max-width: 100%; height: 1fr; max-height: 100%; border: round $primary;
                  background: $surface; padding: 0 1; }
    }
    """
    BINDINGS = [bind(keys.HELP_CLOSE, "close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            # Rich's Markdown is one renderable: it draws at once, where Textual's Markdown builds a widget per block
            yield Static(help_markdown(), id="help-text")
        yield Footer()

    def on_mount(self) -> None:
        restyle.mounted(self)  # styled again when shown only after a CSS change
        self.query_one("#help").border_title = "Help — Esc, F1 or q closes"
        self.query_one("#help").focus()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        restyle.resume(self, event)

    def action_close(self) -> None:
        self.dismiss(None)
