"""AboutPane: the About tab — version, where the config and state live, and where secrets are kept."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from tui import __version__
from tui.service.status import Status


class AboutPane(VerticalScroll):
    DEFAULT_CSS = """
    AboutPane {
        padding: 0 1;
        /* Headings wrap too: "Config file (yours; read, never written)" is wider than the pane at 60 columns. */
        & .heading { text-style: bold; margin-top: 1; width: 1fr; height: auto; text-wrap: wrap; }
        & .heading.first { margin-top: 0; }
        /* Paths have no spaces to wrap at: fold them at the pane's edge rather than clip them (issue 17). */
        & .line { margin-left: 2; width: 1fr; height: auto; text-wrap: wrap; text-overflow: fold; }
    }
    """

    def __init__(self, status: Status, *, config_path: Path | None, state_path: Path,
                 warnings: tuple[str, ...] = (), id: str | None = None) -> None:
        super().__init__(id=id)
        self.warnings = warnings
        self.status = status
        self.config_path = config_path
        self.state_path = state_path

    def compose(self) -> ComposeResult:
        yield Label(f"allsource-tui {__version__}", classes="heading first", markup=False)
        yield Static("ArcGIS AllSource Named User licensing in the terminal.", classes="line")
        yield Label("Config file (yours; read, never written)", classes="heading")
        yield Label(self._config_text(), id="config-path", classes="line", markup=False)
        if self.warnings:
            yield Label("Config warnings", classes="heading")
            for index, warning in enumerate(self.warnings):
                yield Static(f"Warning: {warning}", id=f"config-warning-{index}", classes="line", markup=False)
        yield Label("State file (the app's)", classes="heading")
        yield Label(str(self.state_path), id="state-path", classes="line", markup=False)
        yield Label("Secrets (tokens; never your password)", classes="heading")
        yield Label("", id="secrets", classes="line", markup=False)

    def on_mount(self) -> None:
        self.show_status(self.status)

    def show_status(self, status: Status) -> None:
        self.status = status
        self.query_one("#secrets", Label).update(status.secrets_location)

    def _config_text(self) -> str:
        if self.config_path is None:
            return "none: the defaults are in use"
        exists = self.config_path.is_file()
        return f"{self.config_path}" + ("" if exists else " (not found: the defaults are in use)")
