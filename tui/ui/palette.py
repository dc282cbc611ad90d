"""The command palette (ctrl+p): every action of the app, so a lost key binding never locks a user out."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple, Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.service.actions import Action, availability
from tui.service.status import Status
from tui.ui.roles import administers


class CommandHost(Protocol):
    """The App's actions the palette runs (LicenseApp implements them; the palette never imports the App)."""

    def action_settings(self, tab: str = "licensing", focus_pane: bool = False) -> None: ...
    def action_licensing(self) -> None: ...
    def action_edit_alias(self) -> None: ...
    def check_license(self) -> None: ...
    def action_sign_out(self) -> None: ...
    def show_sign_in(self, notice: str = "") -> None: ...
    def action_configure_portal(self) -> None: ...
    def action_help(self) -> None: ...
    def palette_commands(self) -> list[Command]: ...


class Command(NamedTuple):
    name: str
    help: str
    run: Callable[[], object]


def available_commands(status: Status, app: CommandHost) -> list[Command]:
    """The commands that apply right now, by ``availability`` (Settings need a license to show; Sign out needs a
    session; Sign in is offered while working offline without one)."""
    commands: list[Command] = []
    if availability(status, Action.OPEN_SETTINGS).allowed:
        commands += [
            Command("Settings", "Open Settings", app.action_settings),
            Command("Settings › Licensing", "License level, extensions, licensing portal, offline use",
                    app.action_licensing),
            Command("Settings › Portals", "Portal connections: active portal and licensing portal",
                    lambda: app.action_settings("portals")),
            Command("Settings › About", "Version, file locations and where secrets are kept",
                    lambda: app.action_settings("about")),
        ]
        if administers(status):
            commands.append(Command("Settings › Organization", "Who holds ArcGIS AllSource in your organization",
                                    lambda: app.action_settings("organization", focus_pane=True)))
    commands.append(Command("Edit workstation alias", "The name of this computer in your administrator's license views",
                            app.action_edit_alias))
    if availability(status, Action.REFRESH_LICENSE).allowed:
        commands.append(Command("Refresh license", "Read the license again from the licensing portal",
                                app.check_license))
    if availability(status, Action.SIGN_OUT).allowed:
        commands.append(Command("Sign out", "Sign out of ArcGIS AllSource and end the session", app.action_sign_out))
    if not status.signed_in:
        commands.append(Command("Sign in", "Sign in to your licensing portal", app.show_sign_in))
    commands += [
        Command("Configure your licensing options", "Change the licensing portal (takes effect at the next start)",
                app.action_configure_portal),
        Command("Help", "Keys, and what to do when keys or colours misbehave", app.action_help),
    ]
    return commands


class LicenseCommands(Provider):
    async def startup(self) -> None:
        self._commands = cast(CommandHost, self.app).palette_commands()

    async def discover(self) -> Hits:
        for command in self._commands:
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands:
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run, help=command.help)
