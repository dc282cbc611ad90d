"""Footer: Textual's Footer, rebuilt only when the keys it would show have changed, once for a burst of changes.

Textual's Footer rebuilds all its keys (removes and mounts a widget per key) after every refresh in which the screen's
bindings changed; opening Settings changes them several times in a row (focus moves, status posted, panes shown), so
it rebuilt 13 times for one key press, mostly to show the keys it already showed. Here one rebuild is pending at a
time and reads the bindings when it runs (a change made after it started schedules the next one), and a rebuild is
skipped when the bindings are those the keys on show were composed from.
"""

from __future__ import annotations

from textual import widgets
from textual.app import ComposeResult
from textual.screen import Screen


class Footer(widgets.Footer):
    _rebuild_pending = False
    _composed_from: tuple | None = None

    def compose(self) -> ComposeResult:
        self._composed_from = self._bindings_shown()
        yield from super().compose()

    def _bindings_shown(self) -> tuple:
        """What Textual's compose reads: whether the bindings are ready, and then the screen's active bindings."""
        if not self._bindings_ready:
            return ()
        return tuple((key, binding, enabled, tooltip)
                     for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items())

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen or self._rebuild_pending:
            return
        self._rebuild_pending = self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        if not self.is_attached or self._pruning:  # as Textual's recompose: its screen may be going away
            return
        if self._bindings_shown() != self._composed_from:
            await self.recompose()
