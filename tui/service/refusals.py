"""Sentences for the licensing rules a portal enforces (README: the ASTUI_* message codes)."""

from __future__ import annotations

from tui.core.errors import LicenseRuleError, OfflineNotOffered, PortalRefused

MAX_COMPUTERS = 3


def explain_refusal(error: PortalRefused, *, this_machine: str) -> LicenseRuleError:
    """Turn a portal refusal into one sentence that says what happened and what to do."""
    if isinstance(error, OfflineNotOffered):
        return LicenseRuleError(error.message)
    code = error.message_code or ""
    details = [*list(error.details), "", ""]
    alias, holder = details[0] or "unnamed computer", details[1]
    sentences = {
        "ASTUI_COMPUTER_LIMIT": (f"You are already signed in to ArcGIS AllSource on {MAX_COMPUTERS} computers, the "
                                 "most a Named User license allows; sign out on one of them and try again."),
        "ASTUI_OFFLINE_DISABLED": ("Your organization's administrator has prevented taking ArcGIS AllSource offline; "
                                   "ask them to allow offline use, or keep working connected."),
        "ASTUI_NO_LICENSE": ("You have no ArcGIS AllSource license to take offline; ask your organization "
                             "administrator to assign you one."),
        "ASTUI_WRONG_COMPUTER": (f"Your license was authorized to work offline on another computer ('{alias}'); "
                                 "check it in from that computer."),
        "ASTUI_WRONG_OS_USER": ("Your license was authorized to work offline by another user account on this computer; "
                                "sign in to the operating system as that user to check it in."),
        "ASTUI_BAD_CREDENTIAL": ("The portal did not accept this computer's offline credential; ask your organization "
                                 "administrator to release your offline license."),
        "ASTUI_NOT_OFFLINE": ("The portal says your license is not checked out for offline use; there is nothing to "
                              "check in."),
    }
    if code == "ASTUI_OFFLINE_HELD":
        if holder and holder == this_machine:
            message = ("Your license is checked out to this computer, but the credential needed to check it in is "
                       "lost; ask your organization administrator to release your offline license.")
        else:
            message = (f"Your license is authorized to work offline on another computer ('{alias}'); check it in "
                       "on that computer first, or ask your organization administrator to release it.")
    else:
        message = sentences.get(code, f"The portal refused the request: {error.message}")
    refusal = LicenseRuleError(message)
    refusal.message_code = code  # type: ignore[attr-defined]
    return refusal
