"""The command palette (ctrl+p): every action of the app, so a lost key binding never locks a user out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from tui.ui.app import LicenseApp


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    run: Callable[[], object]


def available_commands(app: LicenseApp) -> list[Command]:
    """The commands that apply right now (Settings need a license to show; Sign out needs a session)."""
    status = app.service.status()
    commands: list[Command] = []
    if status.can_start_without_sign_in:
        commands += [
            Command("Settings", "Open Settings", app.action_settings),
            Command("Settings › Licensing", "License level, extensions, licensing portal, offline use",
                    app.action_licensing),
            Command("Settings › Portals", "Portal connections: active portal and licensing portal",
                    lambda: app.action_settings("portals")),
            Command("Settings › About", "Version, file locations and where secrets are kept",
                    lambda: app.action_settings("about")),
            Command("Edit workstation alias", "The name of this computer in your administrator's license views",
                    app.action_edit_alias),
        ]
    if status.signed_in:
        commands.append(Command("Refresh license", "Read the license again from the licensing portal",
                                app.check_license))
    if status.session is not None:
        commands.append(Command("Sign out", "Sign out of ArcGIS AllSource and end the session", app.action_sign_out))
    elif status.offline is not None:
        commands.append(Command("Sign in", "Sign in to your licensing portal", app.show_sign_in))
    commands += [
        Command("Configure your licensing options", "Change the licensing portal (takes effect at the next start)",
                app.action_configure_portal),
        Command("Help", "Keys, and what to do when keys or colours misbehave", app.action_help),
    ]
    return commands


class LicenseCommands(Provider):
    async def startup(self) -> None:
        self._commands = available_commands(self.app)  # type: ignore[arg-type]

    async def discover(self) -> Hits:
        for command in self._commands:
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands:
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run, help=command.help)
