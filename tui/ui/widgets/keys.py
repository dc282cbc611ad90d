"""Turn the audited key table of tui/ui/bindings.py into Textual Bindings."""

from __future__ import annotations

from textual.binding import Binding

from tui.ui.bindings import Key


def bind(key: Key, action: str, *, priority: bool = False, show: bool | None = None) -> Binding:
    """A Binding with the key's id, so `[keys]` in config.toml can remap it."""
    return Binding(key.keys, action, key.description, show=key.show if show is None else show, priority=priority,
                   id=key.id)
