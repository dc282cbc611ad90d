"""Footer: Textual's Footer, rebuilt once for a burst of key changes instead of once per change.

Textual's Footer rebuilds all its keys (removes and mounts a widget per key) after every refresh in which the screen's
bindings changed; opening Settings changes them several times in a row (focus moves, status posted, panes shown), so
it rebuilt up to 13 times for one key press. A rebuild reads the screen's bindings when it runs, so one rebuild
pending at a time shows the same keys: a change made after a rebuild started schedules the next one.
"""

from __future__ import annotations

from textual import widgets
from textual.screen import Screen


class Footer(widgets.Footer):
    _rebuild_pending = False

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen or self._rebuild_pending:
            return
        self._rebuild_pending = self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        await self.recompose()
