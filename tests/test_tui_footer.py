"""The Footer (tui/ui/widgets/footer.py) shows the keys that work now after any burst of changes, and keeps its key
widgets when a change leaves the keys as they were."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from tests.conftest import wait_until
from tui.ui.widgets.footer import Footer


class KeysApp(App[None]):
    BINDINGS = [Binding("a", "add", "Add"), Binding("d", "remove", "Remove")]

    def __init__(self) -> None:
        super().__init__()
        self.removable = False

    def compose(self) -> ComposeResult:
        yield Static("keys")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.removable or action != "remove" or None  # None: shown greyed out


def shown(app: KeysApp) -> dict[str, bool]:
    return {key.description: not key.has_class("-disabled") for key in app.query(FooterKey)
            if key.description in ("Add", "Remove")}


async def test_the_footer_shows_the_newest_keys_after_a_burst_and_keeps_its_keys_when_nothing_changed():
    app = KeysApp()
    async with app.run_test() as pilot:
        footer = app.query_one(Footer)
        # The keys come in a frame after the first (a busy test worker can take a few pauses to get there).
        await wait_until(pilot, lambda: shown(app) == {"Add": True, "Remove": False})
        for removable in (True, False, True):  # three changes before the next refresh
            app.removable = removable
            app.refresh_bindings()
        await wait_until(pilot, lambda: shown(app) == {"Add": True, "Remove": True} and not footer._rebuild_pending)
        keys = list(app.query(FooterKey))
        app.refresh_bindings()  # the same keys as before
        await pilot.pause()
        await pilot.pause()
        await wait_until(pilot, lambda: not footer._rebuild_pending)
        assert list(app.query(FooterKey)) == keys and shown(app) == {"Add": True, "Remove": True}
