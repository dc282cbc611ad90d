"""The portal wins (issue 16, docs/reliability.md "The license lifecycle"): when a fresh answer from the portal shows
that the state of things differs from this computer's record — the license was checked in there, or released by an
administrator — the local record is brought in line, with one sentence saying what changed."""

from __future__ import annotations

from tui.core.models import LicenseInfo, OfflineLicense
from tui.service.core import ServiceCore
from tui.state import keys

RELEASED_AT_PORTAL = ("{portal} no longer holds your license offline for this computer (an administrator released "
                      "it, or an earlier check-in's answer was lost), so the offline record here was removed.")


def shows_nothing_checked_out(license_info: LicenseInfo) -> bool:
    """The user's entitlements were read and say "not disconnected": the portal holds no check-out for the user."""
    return bool(license_info.listing_id) and license_info.entitlements_known and not license_info.disconnected


def forget_offline(core: ServiceCore, offline: OfflineLicense, notice: str | None) -> None:
    """Remove this computer's offline record (only the one given: a newer one written meanwhile stays)."""
    with core.edit_state() as state:
        found = keys.find(state.offline, offline.machine_id, offline.portal_url, offline.username)
        if found is not None and found[1].device_credential == offline.device_credential:
            state.offline.pop(found[0])
    if notice:
        core.reconcile(notice)


def reconcile_with(core: ServiceCore, license_info: LicenseInfo) -> None:
    """A fresh license read showing nothing checked out ends this computer's offline record of the same user."""
    state = core.read_state()
    if state.session is None or not shows_nothing_checked_out(license_info):
        return
    found = keys.find(state.offline, core.machine.machine_key, state.session.portal_url, state.session.username)
    if found is not None:
        forget_offline(core, found[1], RELEASED_AT_PORTAL.format(portal=found[1].portal_url))
