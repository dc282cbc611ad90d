"""HandOffInput: an Input whose Tab hands what is typed next to the following field, however fast it comes.

Keys that arrive in one burst (typeahead, a paste manager, an SSH session catching up) are all queued at the focused
widget before the Tab among them has moved the focus. In the sign-in form, "username<Tab>password" typed that way put
the password into the visible Username field. This Input moves the focus itself on Tab and passes every key still
queued behind it to the next field, so text typed after Tab always lands there.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class HandOffInput(Input):
    def __init__(self, value: str = "", *, next_field: str, **kwargs: object) -> None:
        super().__init__(value, **kwargs)  # type: ignore[arg-type]
        self.next_field = next_field
        self._handing_off = False

    def _next(self) -> Input:
        return self.screen.query_one(f"#{self.next_field}", Input)

    # Textual calls Input's own handlers after these unless prevent_default() is called: a key handled here
    # calls it, any other key goes on to Input as usual.
    async def _on_key(self, event: events.Key) -> None:
        if event.key == "tab":
            event.stop()
            event.prevent_default()
            self._handing_off = True
            self.screen.set_focus(self._next())
        elif self._handing_off:
            await self._hand_off(event)

    async def _hand_off(self, event: events.Key) -> None:
        """Pass a key queued behind Tab to the next field (other keys, such as Esc, keep their meaning)."""
        target = self._next()
        if event.is_printable and event.character is not None:
            target.insert_text_at_cursor(event.character)
        elif event.key == "backspace":
            target.action_delete_left()
        elif event.key == "enter":
            await target.action_submit()
        else:
            return
        event.stop()
        event.prevent_default()

    def _on_focus(self, event: events.Focus) -> None:
        self._handing_off = False  # back in this field: what is typed now belongs here
