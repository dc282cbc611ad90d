"""The screens and dialogs of the TUI. Only tui/ui/app.py imports this package; screens never import tui.ui.app."""

from screens.alias_dialog import AliasDialog
from screens.confirm_dialog import ConfirmDialog
from screens.help import HelpScreen
from screens.message_dialog import MessageDialog
from screens.portal_dialog import LicensingPortalDialog
from screens.settings import SettingsScreen
from screens.sign_in import SignInScreen
from screens.sso_dialog import SsoDialog
from screens.start import StartScreen

__all__ = ["AliasDialog", "ConfirmDialog", "HelpScreen", "LicensingPortalDialog", "MessageDialog", "SettingsScreen",
           "SignInScreen", "SsoDialog", "StartScreen"]
