"""What the signed-in user's role opens in the TUI, beyond ``availability`` (tui/service/actions.py).

Light on purpose: Settings and the command palette ask it before any administrator's screen is loaded.
"""

from __future__ import annotations

from tui.service.status import Status


def administers(status: Status) -> bool:
    """Settings › Organization is there only for a signed-in user who manages the organization's licenses (an
    administrator, or a role with that privilege; remembered with the session at sign-in)."""
    return status.signed_in and status.session is not None and status.session.manages_licenses
