"""Workstation alias, offline authorization (check-out) and check-in: the offline part of LicensingService.

Check-out is not idempotent at the product level, so it is made safe with an intent record (docs/reliability.md,
"The license cache", LIC-2, and "The license lifecycle"): the intent is saved before the portal call and carries an
idempotency key the portal honours; any unknown outcome (a crash, a reset, a 5xx, an HTML page) is resolved on the
next run by asking the portal, never by checking out twice.
"""

from __future__ import annotations

import unicodedata
import uuid
from typing import TYPE_CHECKING

from tui.core.errors import (
    AllSourceError,
    NoLicenseError,
    OfflineNotOffered,
    PortalError,
    PortalRefused,
    PortalUnreachable,
    UnexpectedResponse,
    UsageError,
    answered_refusal,
)
from tui.core.models import LicenseInfo, OfflineIntent, OfflineLicense
from tui.service.actions import Action, availability, refuse_unless
from tui.service.core import ServiceCore
from tui.service.license_model import NO_LICENSE_ADVICE, build_license
from tui.service.reconcile import forget_offline, reconcile_with, shows_nothing_checked_out
from tui.service.refusals import explain_refusal
from tui.service.renewal import RenewalFlows
from tui.service.session import SessionFlows
from tui.state import keys

if TYPE_CHECKING:
    from tui.portal.offline_ops import CheckOut

MAX_ALIAS_LENGTH = 64


def validate_alias(name: str) -> str:
    alias = name.strip()
    if not alias:
        raise UsageError("The workstation alias is empty; type a name that identifies this computer.")
    if len(alias) > MAX_ALIAS_LENGTH:
        raise UsageError(f"The workstation alias is {len(alias)} characters long; use at most {MAX_ALIAS_LENGTH}.")
    if any(unicodedata.category(ch).startswith("C") for ch in alias):
        raise UsageError("The workstation alias contains control characters; use letters, digits, spaces and "
                         "punctuation only.")
    return alias


class OfflineFlows:
    """Alias, check-out and check-in; signs out through ``session`` and calls the portal through ``tokens``."""

    def __init__(self, core: ServiceCore, tokens: RenewalFlows, session: SessionFlows) -> None:
        self.core = core
        self.tokens = tokens
        self.session = session

    def set_alias(self, name: str) -> str:
        alias = validate_alias(name)
        with self.core.edit_state() as state:
            state.workstation_alias = alias
        return alias

    def default_alias(self) -> str:
        return self.core.read_state().workstation_alias or self.core.machine.hostname

    async def authorize_offline(self, *, connect: bool) -> OfflineLicense:
        """Check the license out to this computer; ``connect=False`` then ends the portal session.

        A check-out interrupted earlier (its answer lost) is resolved first by asking the portal: never two.
        """
        if not availability(self.core.status(), Action.AUTHORIZE_OFFLINE).allowed:
            await self.reconcile_offline()  # a record the portal no longer holds must not block (issue 16)
        refuse_unless(self.core.status(), Action.AUTHORIZE_OFFLINE)
        offline = await self.recover_checkout()  # no intent on record: None, without asking the portal
        if offline is None:
            offline = await self._check_out()
        if not connect:
            await self.session.sign_out()
        return offline

    async def _check_out(self) -> OfflineLicense:
        state = self.core.read_state()
        session = self.tokens.require_session()
        cached = state.license
        if cached is None or cached.level is None or not cached.listing_id:
            raise NoLicenseError(NO_LICENSE_ADVICE)
        intent = OfflineIntent(intent_id=uuid.uuid4().hex, portal_url=session.portal_url, username=session.username,
                               machine_id=self.core.machine.machine_key, listing_id=cached.listing_id,
                               started_at=self.core.clock.now())
        with self.core.edit_state() as state:
            keys.put(state.intents, intent)  # keyed by portal, user and computer: another user's intent stays
        alias = self.default_alias()
        try:
            checkout = await self.tokens.call_with_token(lambda client, token: client.check_out(
                intent.listing_id, token, machine_id=intent.machine_id, os_user=self.core.machine.os_user, alias=alias,
                intent_id=intent.intent_id))
        except PortalRefused as refusal:
            if not answered_refusal(refusal):  # an HTML page instead of the answer: the check-out may have happened
                raise UnexpectedResponse(UNKNOWN_CHECKOUT, code=refusal.code) from None
            self._drop_intent(intent)  # the portal said no in its own words: nothing was checked out
            raise explain_refusal(refusal, this_machine=self.core.machine.machine_key) from None
        # Anything else (reset, timeout, 5xx, truncated, a cancel, Ctrl-C) leaves the intent on record: the outcome is
        # unknown, and the next authorize or start asks the portal (recover_checkout), never guesses (issue 16).
        return self._store_checkout(intent, checkout, session.full_name)

    def _store_checkout(self, intent: OfflineIntent, checkout: CheckOut, full_name: str) -> OfflineLicense:
        cached = self.core.read_state().license
        license_info = build_license(user_type_name=cached.user_type if cached else None, included=(),
                                     assigned=checkout.entitlements, listing_id=intent.listing_id,
                                     disconnected=True, checked_at=self.core.clock.now())
        offline = OfflineLicense(portal_url=intent.portal_url, username=intent.username, full_name=full_name,
                                 machine_id=intent.machine_id, os_user=self.core.machine.os_user,
                                 alias=checkout.workstation_alias or self.default_alias(), license=license_info,
                                 expires_at=checkout.expires_at, checked_out_at=checkout.checked_out_at,
                                 device_credential=checkout.device_credential)
        with self.core.edit_state() as state:
            keys.put(state.offline, offline)
            keys.remove(state.intents, intent)
        return offline

    def _drop_intent(self, intent: OfflineIntent) -> None:
        with self.core.edit_state() as state:
            found = keys.find(state.intents, intent.machine_id, intent.portal_url, intent.username)
            if found is not None and found[1].intent_id == intent.intent_id:
                state.intents.pop(found[0])

    def _pending_intent(self) -> OfflineIntent | None:
        """This computer's intent of the signed-in user (another user's is theirs to resolve, with their token);
        signed out: any intent of this computer, so that the sign-in it needs is asked for."""
        state = self.core.read_state()
        if state.session is None:
            return next((intent for _key, intent in keys.on_machine(state.intents, self.core.machine.machine_key)),
                        None)
        found = keys.find(state.intents, self.core.machine.machine_key, state.session.portal_url,
                          state.session.username)
        return found[1] if found is not None else None

    async def recover_checkout(self) -> OfflineLicense | None:
        """Resolve an intent left by a crash: ask the portal whether that check-out happened."""
        intent = self._pending_intent()
        if intent is None:
            return None
        try:
            checkout = await self.tokens.call_with_token(lambda client, token: client.check_out_status(
                intent.listing_id, token, machine_id=intent.machine_id, intent_id=intent.intent_id))
        except OfflineNotOffered as refusal:
            if not answered_refusal(refusal):
                raise UnexpectedResponse(UNKNOWN_CHECKOUT, code=refusal.code) from None
            checkout = None  # the portal has no offline operations at all, so that check-out never happened
        if checkout is None:
            self._drop_intent(intent)
            return None
        session = self.core.read_state().session
        return self._store_checkout(intent, checkout, session.full_name if session else "")

    async def check_in(self) -> LicenseInfo | None:
        """Return the offline license; the conditions (computer, OS user, credential, session) are Action.CHECK_IN's.

        The portal wins (issue 16): "nothing checked out" there ends the local record too, with a notice; an answer
        lost on the way back is resolved by reading the license (is it still disconnected?). A failed license read
        after a check-in that happened is a notice, not a failure: the check-in is what the user asked for.
        """
        refuse_unless(self.core.status(), Action.CHECK_IN)
        offline = self.core.status().offline
        assert offline is not None  # the CHECK_IN rule refuses without it
        credential = offline.device_credential
        assert credential is not None  # the CHECK_IN rule refuses without it
        try:
            await self.tokens.call_with_token(lambda client, token: client.check_in(
                offline.license.listing_id or "", token, machine_id=offline.machine_id, os_user=offline.os_user,
                device_credential=credential))
        except PortalRefused as refusal:
            if refusal.message_code == "ASTUI_NOT_OFFLINE":
                forget_offline(self.core, offline, ALREADY_CHECKED_IN.format(portal=offline.portal_url))
            elif answered_refusal(refusal):
                raise explain_refusal(refusal, this_machine=self.core.machine.machine_key) from None
            else:
                await self._resolve_check_in(offline, refusal)
        except (PortalUnreachable, UnexpectedResponse) as unknown:
            await self._resolve_check_in(offline, unknown)
        else:
            forget_offline(self.core, offline, None)
        return await self._license_after_check_in()

    async def _resolve_check_in(self, offline: OfflineLicense, unknown: PortalError) -> None:
        """The check-in was sent but its answer is unknown: ask the portal whether the license is still offline."""
        try:
            license_info = await self.session.read_license()
        except AllSourceError:
            raise unknown from None  # still unknown: the record stays, the next check-in or license read resolves it
        if not shows_nothing_checked_out(license_info):
            raise unknown
        forget_offline(self.core, offline, LOST_CHECK_IN_ANSWER.format(portal=offline.portal_url))

    async def _license_after_check_in(self) -> LicenseInfo | None:
        try:
            return await self.session.refresh_license()
        except AllSourceError as error:
            self.core.reconcile(f"The license was checked in, but reading it afterwards failed "
                                f"({error.user_message.rstrip('.')}); run `allsource-tui license` to read it again.")
            return None

    async def reconcile_offline(self) -> None:
        """Before an action the local offline record would block: drop it if the portal shows nothing checked out
        (an administrator released it, or a check-in whose answer was lost). Unreachable: the record stays."""
        state = self.core.read_state()
        session = state.session
        if session is None or not session.is_valid(self.core.clock.now()):
            return
        if keys.find(state.offline, self.core.machine.machine_key, session.portal_url, session.username) is None:
            return
        try:
            license_info = await self.session.read_license()
        except AllSourceError:
            return
        reconcile_with(self.core, license_info)


UNKNOWN_CHECKOUT = ("The portal's answer to the offline authorization was lost or unreadable, so whether the "
                    "license was taken offline is unknown; run `allsource-tui offline authorize` again (or restart the "
                    "app) and the portal will be asked.")
ALREADY_CHECKED_IN = ("{portal} already had the license checked in (nothing was checked out there), so this "
                      "computer's offline record was removed.")
LOST_CHECK_IN_ANSWER = ("{portal} checked the license in, but its answer was lost on the way back; the portal was "
                        "asked and this computer's offline record was removed.")
