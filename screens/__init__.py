"""The screens and dialogs of the TUI. The App and its workflows (tui/ui/) open them; screens never import tui.ui.app:
they post intents (tui/ui/intents.py) and render the Status the App posts down.

Each name below is imported on first use (PEP 562): importing one screen module (the App imports only the first
screens it can show) must not load every dialog, whose Textual classes cost a cold start time before its first frame.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from screens.alias_dialog import AliasDialog
    from screens.confirm_dialog import ConfirmDialog
    from screens.help import HelpScreen
    from screens.message_dialog import MessageDialog
    from screens.portal_dialog import LicensingPortalDialog
    from screens.settings import SettingsScreen
    from screens.sign_in import SignInScreen
    from screens.sso_dialog import SsoDialog
    from screens.start import StartScreen

_MODULES = {"AliasDialog": "alias_dialog", "ConfirmDialog": "confirm_dialog", "HelpScreen": "help",
            "LicensingPortalDialog": "portal_dialog", "MessageDialog": "message_dialog", "SettingsScreen": "settings",
            "SignInScreen": "sign_in", "SsoDialog": "sso_dialog", "StartScreen": "start"}

# The screens' own stylesheets (their CSS_PATH), by screen. The App reads the first screen's with its own and the others
# right after the first frame: the first time Textual shows a screen whose CSS_PATH it has not read, it parses all the
# CSS it has again (docs/tui.md, "Speed").
STYLESHEETS = {name: Path(__file__).resolve().parent / f"{module}.tcss" for name, module in
               (("SignInScreen", "sign_in"), ("StartScreen", "start"), ("SettingsScreen", "settings"))}

__all__ = ["AliasDialog", "ConfirmDialog", "HelpScreen", "LicensingPortalDialog", "MessageDialog", "SettingsScreen",
           "SignInScreen", "SsoDialog", "StartScreen"]


def __getattr__(name: str) -> object:
    if name not in _MODULES:
        raise AttributeError(f"module 'screens' has no attribute {name!r}")
    return getattr(importlib.import_module(f"screens.{_MODULES[name]}"), name)
