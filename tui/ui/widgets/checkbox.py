"""Checkboxes that read the same without colour: "[X]" when ticked, "[ ]" when not.

Textual's Checkbox always draws an "X" and shows the value by colour alone, which NO_COLOR and 16-colour terminals
lose; its half-block sides are also missing from the Linux console's font.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Checkbox


class TextCheckbox(Checkbox):
    BUTTON_LEFT = "["
    BUTTON_RIGHT = "]"

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # Textual reads this class attribute by name
        return "X" if self.value else " "


class SpaceCheckbox(TextCheckbox, inherit_bindings=False):
    """Space toggles it; Enter is left to the screen (the sign-in window signs in on Enter from any field)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("space", "toggle_button", "Toggle", show=False)]
