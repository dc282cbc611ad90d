"""The screens and dialogs of the TUI. The App and its workflows (tui/ui/) open them; screens never import tui.ui.app:
they post intents (tui/ui/intents.py) and render the Status the App posts down."""

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
